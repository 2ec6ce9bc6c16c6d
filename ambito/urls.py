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

# Error pages show a message and a reference only (no path, exception text or personal data).
handler400 = "ambito.core.errors.bad_request"
handler403 = "ambito.core.errors.permission_denied"
handler404 = "ambito.core.errors.page_not_found"
handler500 = "ambito.core.errors.server_error"
