from importlib import import_module

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("ambito.core.urls")),
    path("", include("ambito.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("ambito.api.urls")),
]

# Each bounded context mounts its own pages when it has them (ambito/<app>/urls.py).
for app in ("territory", "network", "planning", "access", "care", "monitoring", "portal", "privacy"):
    try:
        module = import_module(f"ambito.{app}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"ambito.{app}.urls":
            raise
        continue
    urlpatterns.append(path("", include(module)))
