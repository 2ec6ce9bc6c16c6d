"""Production settings: strict cookies and HSTS when DEBUG is off; a missing or weak secret fails loudly."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import json, django; from django.conf import settings; "
    "print(json.dumps({k: getattr(settings, k, None) for k in ["
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'DEBUG', 'ALLOWED_HOSTS']}))"
)


STRONG_KEY = secrets.token_urlsafe(64)


def _settings(probe=PROBE, **env):
    unset = ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "DATABASE_URL")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update({"DJANGO_SETTINGS_MODULE": "ambito.settings", **env})
    return subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=environment, capture_output=True, text=True)


def test_production_mode_turns_on_secure_cookies_and_hsts():
    result = _settings(DEBUG="0", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="ambito.example.it")
    values = json.loads(result.stdout)
    assert values == {
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True, "DEBUG": False, "ALLOWED_HOSTS": ["ambito.example.it"],
    }


def test_production_mode_without_a_secret_key_refuses_to_start():
    result = _settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_boolean_is_an_error_not_a_guess():
    result = _settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.parametrize("key", [
    "bench-only-secret",  # too short
    "s" * 64,  # too few different characters
    "django-insecure-" + secrets.token_urlsafe(48),  # Django's startproject placeholder
    "insecure-local-development-key-change-me-0123456789abcdef",
], ids=["short", "repetitive", "django-insecure", "insecure"])
def test_production_mode_refuses_a_weak_secret_key(key):
    result = _settings(DEBUG="0", SECRET_KEY=key, ALLOWED_HOSTS="ambito.example.it")
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_a_weak_key_is_fine_for_local_development():
    result = _settings(DEBUG="1", SECRET_KEY="dev")
    assert result.returncode == 0, result.stderr


def test_the_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(STRONG_KEY + "\n")
    probe = "from django.conf import settings; print(settings.SECRET_KEY)"
    result = _settings(probe, DEBUG="0", SECRET_KEY_FILE=str(key_file), ALLOWED_HOSTS="ambito.example.it")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == STRONG_KEY
    both = _settings(probe, DEBUG="0", SECRET_KEY_FILE=str(key_file), SECRET_KEY=STRONG_KEY)
    assert both.returncode != 0 and "not both" in both.stderr
    missing = _settings(probe, DEBUG="0", SECRET_KEY_FILE=str(tmp_path / "nowhere"))
    assert missing.returncode != 0 and "SECRET_KEY_FILE cannot be read" in missing.stderr
    weak_file = tmp_path / "weak"
    weak_file.write_text("short")
    weak = _settings(probe, DEBUG="0", SECRET_KEY_FILE=str(weak_file), ALLOWED_HOSTS="ambito.example.it")
    assert weak.returncode != 0 and "SECRET_KEY is too weak" in weak.stderr


CONNECTIONS = ("import sys; sys.argv = {argv!r}; from django.conf import settings; "
               "d = settings.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])")


def test_runserver_keeps_no_database_connection_open():
    """runserver serves each request on a new thread: persistent connections piled up until PostgreSQL's 100
    were gone. Other servers (gunicorn) keep DB_CONN_MAX_AGE, with health checks."""
    postgres = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/h_ops"}  # parsed only, never connected to
    runserver = _settings(CONNECTIONS.format(argv=["manage.py", "runserver", "127.0.0.1:8000"]), **postgres)
    assert runserver.stdout.split() == ["0", "False"], runserver.stderr
    gunicorn = _settings(CONNECTIONS.format(argv=["gunicorn", "ambito.wsgi"]), **postgres)
    assert gunicorn.stdout.split() == ["60", "True"], gunicorn.stderr
