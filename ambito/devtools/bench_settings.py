"""Settings of the bench's gunicorn: the project's, with the URLconf that also mounts the API baselines."""

from ambito.settings import *  # noqa: F403

ROOT_URLCONF = "ambito.devtools.bench_urls"
