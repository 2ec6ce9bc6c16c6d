"""Ambito settings, read from the environment with typed helpers that fail loudly.

Defaults are for a local checkout only (SQLite under var/, DEBUG on); production sets
SECRET_KEY, DEBUG=0, ALLOWED_HOSTS and DATABASE_URL.
"""

import datetime
import ipaddress
import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("AMBITO_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if os.environ.get("SECRET_KEY_FILE"):  # e.g. a systemd credential or a Docker secret, kept out of the environment
    if SECRET_KEY:
        raise ImproperlyConfigured("Set SECRET_KEY or SECRET_KEY_FILE, not both")
    try:
        SECRET_KEY = Path(os.environ["SECRET_KEY_FILE"]).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"SECRET_KEY_FILE cannot be read: {exc.strerror}") from exc
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-local-development-key-change-me"  # noqa: S105 - local default only
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5
                  or SECRET_KEY.startswith(("django-insecure", "insecure"))):
    # Django's own check (security.W009) only warns, and only under `check --deploy`: refuse to start instead.
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for DEBUG=0: use at least 50 characters, 5 of them different, not starting "
        "with 'django-insecure' or 'insecure' (python -c 'import secrets; print(secrets.token_urlsafe(64))')")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",  # API tokens stored as hashes (django-rest-knox)
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "template_partials",
    "django_htmx",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # single-use recovery codes for two-factor sign-in
    "csp",
    "django_tasks",
    "django_tasks_db",
    # Ambito's bounded contexts (DESIGN.md §2)
    "ambito.core",
    "ambito.accounts",
    "ambito.territory",
    "ambito.network",
    "ambito.planning",
    "ambito.access",
    "ambito.care",
    "ambito.monitoring",
    "ambito.portal",
    "ambito.privacy",
    "ambito.api",
    # Developer tooling (make bench, seed_synthetic): no runtime app imports it.
    "ambito.devtools",
]

MIDDLEWARE = [
    # First, so every answer gets Cache-Control: no-store and the Permissions-Policy (ambito.core.middleware).
    "ambito.core.middleware.ResponseHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ambito.core.middleware.RequestHygieneMiddleware",
    "ambito.api.query.QueryParametersMiddleware",  # unknown query parameters on the API: 400
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ambito.accounts.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ambito.core.middleware.SessionIdleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Axes last: it must see the authentication outcome.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ambito.urls"
WSGI_APPLICATION = "ambito.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "ambito.accounts.context_processors.navigation",
            ],
            "builtins": [
                "django.templatetags.i18n",
                "template_partials.templatetags.partials",
                "ambito.core.templatetags.ambito",
            ],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ambito.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Persistent connections suit gunicorn (one per worker, reused); runserver serves each request on a new thread
# and every thread kept its own connection until PostgreSQL's 100 were gone, so under runserver none persists.
# Health checks make a persistent connection that the database dropped (a restart) reconnect, not fail.
if sys.argv[1:2] == ["runserver"]:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] != 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lockout after repeated failures (django-axes), by username and address together: by username alone, anyone
# could lock a colleague out from anywhere with five wrong passwords; by address alone, an office behind one
# NAT would lock out everyone. The address is the real client's (client_ip, TRUSTED_PROXIES below): behind a
# proxy axes saw the proxy's address, so the pair was the username alone. The cost: a guesser rotating
# addresses gets five tries an hour from each; the password rules (10+ characters, not common) and two-factor
# sign-in are the answer to that, not a lockout any stranger can trigger.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# "Account bloccato fino alle HH:MM" on the sign-in page and as JSON on the API token endpoint.
AXES_LOCKOUT_CALLABLE = "ambito.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "ambito.core.client_ip.client_ip"
# Reset by ambito.accounts.twofactor once sign-in is complete (after the code, for two-factor users), so a
# known password cannot reset the count of wrong codes.
AXES_RESET_ON_SUCCESS = False

# Two-factor sign-in (TOTP, django-otp) for staff roles; the roles listed here must enrol before using the app.
AMBITO_REQUIRE_2FA_ROLES = envlist("AMBITO_REQUIRE_2FA_ROLES", [])
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Ambito")

LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano"), ("en", "English")]
LOCALE_PATHS: list = []  # each app keeps its own catalogue in ambito/<app>/locale/
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False  # grouping is explicit (num, euro filters) so years and ids stay plain

# Uploads: each form and service checks type (by content) and size with ambito.core.uploads; the web server in
# front should refuse bodies larger than AMBITO_MAX_UPLOAD_MB as well.
AMBITO_MAX_UPLOAD_MB = envint("AMBITO_MAX_UPLOAD_MB", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # non-file fields of a request body
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads are streamed to a temporary file
DATA_UPLOAD_MAX_NUMBER_FILES = 20

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Generated documents and attachments live outside the web root and are served only by views
# that check permissions.
PRIVATE_STORAGE_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Security headers. Cookies and HSTS are strict whenever DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (django-csp 4): nonces, no 'unsafe-inline' anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # knox tokens, naming the caller as the author in the change history (auditlog)
        "ambito.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "ambito.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "ambito.api.schema.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "ambito.api.exceptions.exception_handler",
}
# API tokens (POST /api/v1/token/): only a hash is stored; each token expires after API_TOKEN_TTL_HOURS.
REST_KNOX = {"TOKEN_TTL": datetime.timedelta(hours=envint("API_TOKEN_TTL_HOURS", 10))}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ambito API",
    "DESCRIPTION": "REST API of Ambito: territory, network, Piano di Zona, PUA access, care and monitoring.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "FundingSourceEnum": "ambito.planning.models.FundingSource",
        "RequestStatusEnum": "ambito.access.models.RequestStatus",
        "TriageOutcomeEnum": "ambito.access.models.TriageOutcome",
        "ConsentKindEnum": "ambito.access.models.ConsentKind",
        "PrivacyRequestKindEnum": "ambito.privacy.models.PrivacyRequestKind",
        "CareAreaEnum": "ambito.network.taxonomy.Area",
        "ContactKindEnum": "ambito.access.models.ContactKind",
        "SlotChangeReasonEnum": "ambito.access.models.SlotChangeReason",
        "RemovalReasonEnum": "ambito.access.models.RemovalReason",
        "DeliverySourceEnum": "ambito.care.models.DeliverySource",
        "UrgencyEnum": "ambito.access.models.Urgency",
        "PartnerPlanKindEnum": "ambito.planning.models_partner.PartnerPlanKind",
        "PlanFileKindEnum": "ambito.planning.models_files.PlanFileKind",
    },
}

# --- Trust at the edges ---------------------------------------------------------------------------------------
# Proxies whose X-Forwarded-For is believed (IPs or CIDR networks, e.g. "10.0.0.5,192.168.10.0/24"); empty: the
# header is ignored and the client is REMOTE_ADDR. Used for axes' lockout and the API throttles alike
# (ambito.core.client_ip.client_ip).
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from exc
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "ambito.api.parsers.JSONParser",  # refuses JSON nested deeper than API_JSON_MAX_DEPTH and control characters
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
API_JSON_MAX_DEPTH = 32
# Signed-in sessions end after SESSION_IDLE_MINUTES without a request and at the latest SESSION_COOKIE_AGE
# after sign-in (ambito.core.middleware.SessionIdleMiddleware); Django's default was 14 days.
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = envint("SESSION_MAX_HOURS", 12) * 3600
# Browser features no page uses (ambito.core.middleware.ResponseHeadersMiddleware).
PERMISSIONS_POLICY = {
    feature: "()" for feature in ("accelerometer", "camera", "display-capture", "geolocation", "gyroscope",
                                  "magnetometer", "microphone", "midi", "payment", "serial", "usb",
                                  "xr-spatial-tracking")
}

# Tasks API (django-tasks backport) on the database backend; `manage.py db_worker` runs them.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUDITLOG_INCLUDE_ALL_MODELS = False

# How long the person-data access log (accounts.AccessLog) is kept before `manage.py purge_access_log`
# deletes it. The Garante's measure on system administrators (27/11/2008) asks for at least six months (the
# purge refuses less); health and social records are commonly audited over years, so five years by default.
ACCESS_LOG_RETENTION_DAYS = envint("ACCESS_LOG_RETENTION_DAYS", 1826)

# Absolute links in e-mails (e.g. the referral answer link sent to a small ETS).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ambito@localhost")

# Logs carry no personal data: record ids and pseudonyms only; the filter redacts codici fiscali, e-mail
# addresses and phone numbers that reach a handler anyway (e.g. in a request path or an exception).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_personal_data": {"()": "ambito.core.log_redaction.RedactPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["redact_personal_data"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Django's own handlers (console when DEBUG, runserver's request lines, mail to ADMINS) would bypass the
        # redaction: its loggers write through ours only.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"level": "ERROR"},
    },
}

# Small-cell suppression threshold for aggregates shown to non-case roles.
AMBITO_SMALL_CELL = 5
