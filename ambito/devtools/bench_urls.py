"""The bench's URLconf: the project's own routes plus the plain DRF baselines under ``/bench-baseline/``
(``baseline.py``). Used only by the gunicorn of `make bench` (settings ``ambito.devtools.bench_settings``) and
by the baseline test; the project's URLconf never includes it."""

from django.urls import include, path

from ambito.devtools import baseline
from ambito.urls import handler400, handler403, handler404, handler500  # noqa: F401 - same error pages
from ambito.urls import urlpatterns as project_urlpatterns

urlpatterns = [path(f"{baseline.PREFIX}/", include(baseline.urlpatterns())), *project_urlpatterns]
