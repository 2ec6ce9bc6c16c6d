"""Production settings: strict cookies and HSTS when DEBUG is off; a missing secret fails loudly."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import json, django; from django.conf import settings; "
    "print(json.dumps({k: getattr(settings, k, None) for k in ["
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'DEBUG', 'ALLOWED_HOSTS']}))"
)


def _settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    environment.update({"DJANGO_SETTINGS_MODULE": "ambito.settings", **env})
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True)


def test_production_mode_turns_on_secure_cookies_and_hsts():
    result = _settings(DEBUG="0", SECRET_KEY="s" * 50, ALLOWED_HOSTS="ambito.example.it")
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
