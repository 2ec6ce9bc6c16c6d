"""Optional two-factor sign-in (*autenticazione a due fattori*) with a TOTP app, for staff roles.

A staff user (any user with an active membership, or a Django staff/superuser; citizens are not staff) may
enrol one TOTP device: the account page shows a QR code, the user confirms with a code. From then on the
password is not enough: after it, the session stays *pending* until the code is given. Roles listed in
``AMBITO_REQUIRE_2FA_ROLES`` must enrol before they can use the application.

Enrolling also gives ten single-use *recovery codes* (django-otp's static device), shown once: each one
replaces the app's code at sign-in if the phone is lost; new ones can be generated from the account page
(with a current code), which invalidates the old. Using one is logged, never the code itself.

What a session still owes is decided once, at sign-in, and kept in the session, so ordinary requests cost
no query. Wrong codes are failed sign-ins for django-axes: they count towards the lockout like wrong
passwords, and the counter is reset only once sign-in is complete (password and, when due, code).
"""

import logging
import secrets

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ambito.accounts.selectors import scope_for
from ambito.accounts.services import api_tokens_revoke

logger = logging.getLogger("ambito.security")

PENDING_SESSION_KEY = "ambito_2fa_pending"
VERIFY = "verify"  # a confirmed device exists: the code is due after the password
ENROL = "enrol"  # the user's role requires two-factor and no device is confirmed yet
DEVICE_NAME = "Ambito"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without mistakes
RECOVERY_CODE_LENGTH = 10  # ~49 bits each; wrong tries count for axes' lockout like wrong codes


# --- Selectors ------------------------------------------------------------------------------------------------


def is_staff_user(user) -> bool:
    """Staff roles are every role but the citizen's: any active membership, or Django staff."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or scope_for(user).roles)


def required_for(user) -> bool:
    """True when one of the user's roles is listed in ``AMBITO_REQUIRE_2FA_ROLES``."""
    required = set(getattr(settings, "AMBITO_REQUIRE_2FA_ROLES", []))
    return bool(required and is_staff_user(user) and required & set(scope_for(user).roles))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_step(request) -> str:
    """``verify``, ``enrol`` or ``""``: what the signed-in session still owes before using the application."""
    return request.session.get(PENDING_SESSION_KEY, "") if hasattr(request, "session") else ""


def qr_data_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address as an SVG QR code in a ``data:`` URI (allowed by the CSP's img-src)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_base32(device: TOTPDevice) -> str:
    """The key as the authenticator apps want it typed by hand, in groups of four."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


# --- Services -------------------------------------------------------------------------------------------------


def _credentials(user) -> dict:
    return {"username": user.get_username()}


def _reset_failures(request, user) -> None:
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.get_implementation().reset_user_attempts(request, _credentials(user))


def _record_failure(request, user) -> bool:
    """A wrong code is a failed sign-in for axes; True when it locked the account (the session is closed and
    axes' middleware answers with the lockout page)."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return True
    return False


def is_locked(request, user) -> bool:
    return AxesProxyHandler.is_locked(request, _credentials(user))


@receiver(user_logged_in, dispatch_uid="ambito_2fa_pending")
def _on_login(sender, request, user, **kwargs):
    """Decide once, at sign-in, what the session owes; reset axes' counter only when nothing is owed."""
    if request is None or not hasattr(request, "session"):
        return
    if confirmed_device(user) is not None:
        request.session[PENDING_SESSION_KEY] = VERIFY
        return
    if required_for(user):
        request.session[PENDING_SESSION_KEY] = ENROL
    else:
        request.session.pop(PENDING_SESSION_KEY, None)
    _reset_failures(request, user)


def _normalise_recovery_code(code: str) -> str:
    return "".join(char for char in (code or "").lower() if char not in " -")


def _format_recovery_code(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


@transaction.atomic
def recovery_codes_generate(user) -> list[str]:
    """Ten new single-use recovery codes for ``user``, replacing any earlier ones; returned once, to be shown
    once (they are stored as django-otp keeps them, which the TOTP key already is too)."""
    if confirmed_device(user) is None:
        raise PermissionDenied
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(RECOVERY_CODE_LENGTH))
             for _n in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    logger.info("two-factor recovery codes generated for user id %s", user.pk)
    return [_format_recovery_code(code) for code in codes]


def _use_recovery_code(user, code: str) -> StaticDevice | None:
    """The user's recovery device when ``code`` is one of their unused codes, which is used up; the delete is
    the check, so two requests cannot both spend the same code."""
    normalised = _normalise_recovery_code(code)
    if len(normalised) != RECOVERY_CODE_LENGTH:
        return None
    token = (StaticToken.objects.filter(device__user=user, device__confirmed=True, token=normalised)
             .select_related("device").first())
    if token is None or StaticToken.objects.filter(pk=token.pk).delete()[0] != 1:
        return None
    token.device.set_last_used_timestamp(commit=True)
    return token.device


def recovery_codes_regenerate(request, code: str) -> list[str]:
    """New recovery codes from the account page, proving possession with a current code from the app (a
    recovery code is not enough: it would let a lost code mint new ones)."""
    user = request.user
    device = confirmed_device(user)
    if device is None:
        raise PermissionDenied
    if not device.verify_token((code or "").replace(" ", "")):
        if _record_failure(request, user):
            raise PermissionDenied
        raise ValidationError({"code": _("The code is not valid. Check the phone's clock and try again.")})
    return recovery_codes_generate(user)


def verify(request, code: str) -> bool:
    """Second step of sign-in: the code of the user's confirmed device, or one of their recovery codes. Wrong
    codes count for axes."""
    user = request.user
    device = confirmed_device(user)
    if device is None:
        raise PermissionDenied
    if is_locked(request, user):  # locked meanwhile (e.g. from another session): no code is even tried
        logout(request)
        request.axes_locked_out, request.axes_credentials = True, _credentials(user)
        return False
    typed = (code or "").replace(" ", "")
    if typed.isdigit():
        verified = device if device.verify_token(typed) else None
    else:
        verified = _use_recovery_code(user, typed)
        if verified is not None:
            logger.warning("two-factor recovery code used for user id %s (%d left)", user.pk,
                           recovery_codes_left(user))
    if verified is not None:
        django_otp.login(request, verified)
        request.session.pop(PENDING_SESSION_KEY, None)
        _reset_failures(request, user)
        logger.info("two-factor code accepted for user id %s", user.pk)
        return True
    logger.warning("two-factor code refused for user id %s", user.pk)
    _record_failure(request, user)
    return False


def enrolment_device(user) -> TOTPDevice:
    """The device being enrolled: the same unconfirmed key until it is confirmed, so a reload keeps the QR."""
    if not is_staff_user(user):
        raise PermissionDenied(_("Two-factor sign-in is for staff accounts."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def enrolment_confirm(request, code: str) -> TOTPDevice:
    """Confirm the scanned key with a code from the app: the device replaces any previous one and the current
    session counts as verified."""
    user = request.user
    device = enrolment_device(user)
    if not device.verify_token((code or "").replace(" ", "")):
        if _record_failure(request, user):
            raise PermissionDenied
        raise ValidationError({"code": _("The code is not valid. Check the phone's clock and try again.")})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    # An API token issued before enrolment would keep working without a code: revoke it.
    api_tokens_revoke(user=user)
    django_otp.login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    logger.info("two-factor enrolled for user id %s", user.pk)
    return device


@transaction.atomic
def disable(request, code: str) -> None:
    """Turn two-factor off, proving possession with a current code; not allowed where the role requires it."""
    user = request.user
    if required_for(user):
        raise ValidationError(_("Your role requires two-factor sign-in: it cannot be turned off."))
    device = confirmed_device(user)
    if device is None:
        return
    if not device.verify_token((code or "").replace(" ", "")):
        if _record_failure(request, user):
            raise PermissionDenied
        raise ValidationError({"code": _("The code is not valid. Check the phone's clock and try again.")})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.info("two-factor turned off for user id %s", user.pk)


def token_login_allowed(request, user, code: str) -> bool:
    """The API token endpoint takes the password and, for users with two-factor, the code as well (a wrong
    code counts for axes)."""
    device = confirmed_device(user)
    if device is None:
        return not required_for(user)
    if device.verify_token((code or "").replace(" ", "")):
        return True
    _record_failure(request, user)
    return False


def token_refused_message() -> str:
    return _("Two-factor code missing or not valid (field otp_code).")


@checks.register(checks.Tags.security)
def check_required_roles(app_configs=None, **kwargs):
    """A misspelt role in AMBITO_REQUIRE_2FA_ROLES would silently require nothing."""
    from ambito.accounts.roles import Role

    unknown = sorted(set(getattr(settings, "AMBITO_REQUIRE_2FA_ROLES", [])) - set(Role.values))
    if unknown:
        return [checks.Error(f"AMBITO_REQUIRE_2FA_ROLES names unknown roles: {', '.join(unknown)}",
                             hint=f"Use some of: {', '.join(Role.values)}.", id="ambito.E2FA1")]
    return []


# --- Middleware -----------------------------------------------------------------------------------------------


class TwoFactorMiddleware:
    """Holds a pending session on the code (or enrolment) page: every other page redirects there, HTMX
    requests get a client redirect and API calls a 403. After django_otp's OTPMiddleware."""

    ALWAYS_OPEN = ("logout", "set_language", "healthz")
    OPEN_WHILE = {VERIFY: ("account-2fa-verify",), ENROL: ("account-security", "account-2fa-enrol")}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = pending_step(request)
        if step and request.user.is_authenticated and not self._open(request, step):
            return self._hold(request, step)
        return self.get_response(request)

    def _open(self, request, step) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        names = self.ALWAYS_OPEN + self.OPEN_WHILE.get(step, ())
        return request.path in {reverse(name) for name in names}

    def _hold(self, request, step):
        target = reverse("account-2fa-verify" if step == VERIFY else "account-2fa-enrol")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Two-factor sign-in is not complete.")}, status=403)
        if request.method == "GET" and url_has_allowed_host_and_scheme(request.get_full_path(), None):
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":  # before django_htmx's middleware has run
            from django_htmx.http import HttpResponseClientRedirect

            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)
