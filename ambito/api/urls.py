"""API routing: /api/v1/ gathers each app's ``api_urls.urlpatterns``; schema and docs by drf-spectacular."""

from importlib import import_module

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from ambito.api import views

v1 = [path("token/", views.obtain_token, name="api-token")]
for app in ("accounts", "territory", "network", "planning", "access", "care", "monitoring", "privacy", "core"):
    try:
        module = import_module(f"ambito.{app}.api_urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"ambito.{app}.api_urls":
            raise
        continue
    v1 += module.urlpatterns

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Any other API path (an id that is not a number, a route that does not exist) answers JSON, not the
    # HTML error page; only paths ending in "/" so a missing trailing slash still redirects.
    re_path(r"^.*/$", views.not_found),
]
