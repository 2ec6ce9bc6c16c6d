"""Project middleware at the edges of every request: response headers that keep person data out of caches
and turn off browser features, a refusal of control characters in the address, and the idle timeout of
signed-in sessions."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.utils.translation import gettext as _

from ambito.core.text import URL_CONTROL, unsafe_characters

DEFAULT_PERMISSIONS_POLICY = {
    "accelerometer": "()", "camera": "()", "display-capture": "()", "geolocation": "()", "gyroscope": "()",
    "magnetometer": "()", "microphone": "()", "midi": "()", "payment": "()", "serial": "()", "usb": "()",
    "xr-spatial-tracking": "()",
}


class ResponseHeadersMiddleware:
    """``Cache-Control: no-store`` and ``Pragma: no-cache`` on every response, and a ``Permissions-Policy``.

    The rule: any answer may hold person data (pages, API JSON, FHIR, attachments, CSV/XLSX/PDF and job
    downloads, the public referral-answer page reached by a link), so none may be kept by the browser's cache,
    a shared proxy or the back/forward history on a shared computer. The only exceptions are static files
    (``STATIC_URL``: CSS, JavaScript, fonts, which hold no data) and a view that declares itself publicly
    cacheable with Django's ``@cache_control(public=True, ...)``; no view does today. First in MIDDLEWARE so it
    sees every answer, the error pages and other middleware's included."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)
        self.permissions_policy = ", ".join(f"{feature}={allow}" for feature, allow in policy.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if request.path.startswith(settings.STATIC_URL):
            return response
        cache_control = response.headers.get("Cache-Control", "")
        directives = {part.strip().split("=")[0].lower() for part in cache_control.split(",") if part.strip()}
        if "public" in directives:
            return response
        if "no-store" not in directives:
            response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        return response


_PRINTABLE = {code: "?" for code in [*range(0x20), 0x7F]}  # a parameter name shown back without its controls


def refusal(request, message: str, status: int = 400):
    """A refused request: JSON ``{"detail": ...}`` on the API, else the error page with the message."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    from ambito.core.errors import page

    return page(request, status, detail=message)


class RequestHygieneMiddleware:
    """A control character (NUL included, any C0 or DEL) in the path or in a query parameter's name or value is
    refused with 400 and a message before any view runs: none belongs in an address, and NUL reaching a
    PostgreSQL query was a 500 (``?status=%00``, ``/pua/persone/P-%00/``). Request bodies are checked where
    they are read (``ambito.api.parsers``, the forms' and serialisers' validators in ``ambito.core.text``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = unsafe_characters(request.path, pattern=URL_CONTROL)
        where = _("the address")
        if not found:
            for key, values in request.GET.lists():
                for text in (key, *values):
                    found = unsafe_characters(text, pattern=URL_CONTROL)
                    if found:
                        where = _("the parameter “%(name)s”") % {"name": key.translate(_PRINTABLE)}
                        break
                if found:
                    break
        if found:
            return refusal(request, _("The request contains control characters (%(characters)s) in %(where)s: "
                                      "remove them.") % {"characters": ", ".join(found), "where": where})
        return self.get_response(request)

LAST_SEEN_KEY = "ambito_last_seen"
SIGNED_IN_KEY = "ambito_signed_in_at"
TOUCH_EVERY = 60  # seconds: the session is written at most once a minute for the idle clock


class SessionIdleMiddleware:
    """Signed-in sessions end after ``SESSION_IDLE_MINUTES`` without a request, and in any case
    ``SESSION_COOKIE_AGE`` after sign-in (the absolute cap, 12 hours by default).

    Kept in the session rather than with ``SESSION_SAVE_EVERY_REQUEST``: that would write the session row on
    every request and still give no absolute cap, since each write pushes the expiry forward. Here the last
    activity is written at most once a minute. API calls with a token have no session and are not affected.
    Applies to every signed-in user, staff and citizens alike: person data is on the screen either way. After
    MessageMiddleware (the sign-in page says why the session ended)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return self.get_response(request)
        now = int(time.time())
        last_seen = session.get(LAST_SEEN_KEY)
        signed_in = session.get(SIGNED_IN_KEY)
        idle = max(1, getattr(settings, "SESSION_IDLE_MINUTES", 30)) * 60
        if (last_seen is not None and now - last_seen > idle) or (
                signed_in is not None and now - signed_in > settings.SESSION_COOKIE_AGE):
            return self._expired(request)
        if signed_in is None:
            session[SIGNED_IN_KEY] = now
        if last_seen is None or now - last_seen >= TOUCH_EVERY:
            session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    def _expired(self, request):
        """Sign out and carry on as an anonymous request: pages that need a user send to the sign-in page
        (which shows why), the API answers 403 like any call without credentials."""
        from django.contrib import messages

        logout(request)
        messages.info(request, _("Your session ended after a period of inactivity: sign in again."))
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="ambito_session_clock")
def _start_session_clock(sender, request, user, **kwargs):
    """Sign-in starts both clocks (``login`` keeps the session's data when the same user signs in again)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_KEY] = now
        request.session[LAST_SEEN_KEY] = now
