"""The answer to a locked-out sign-in (``AXES_LOCKOUT_CALLABLE``): "Account bloccato fino alle HH:MM", on the
sign-in page and, as JSON, on the API token endpoint, with the time the lockout ends.

The lockout ends ``AXES_COOLOFF_TIME`` after the latest failed attempt that counts for it (axes keeps that
time on its attempt records, and a new failure during the lockout moves it forward)."""

import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Max
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _


def locked_until(request, credentials) -> datetime.datetime | None:
    """When the lockout of these credentials from this client ends; None when it does not end by itself or
    cannot be known (another axes handler)."""
    cool_off = get_cool_off(request)
    handler = AxesProxyHandler.get_implementation()
    if cool_off is None or not hasattr(handler, "get_user_attempts"):
        return None
    AxesProxyHandler.update_request(request)
    latest = [attempts.aggregate(latest=Max("attempt_time"))["latest"]
              for attempts in handler.get_user_attempts(request, credentials)]
    latest = [value for value in latest if value is not None]
    return max(latest) + cool_off if latest else None


def message(until: datetime.datetime | None) -> str:
    if until is None:
        return _("Account locked: too many failed sign-in attempts. Ask your organisation's administrator to "
                 "unlock it.")
    local = timezone.localtime(until)
    if local.date() == timezone.localdate():
        when = formats.time_format(local, "H:i")
    else:
        when = formats.date_format(local, "d/m/Y H:i")
    return _("Account locked until %(time)s: too many failed sign-in attempts.") % {"time": when}


def lockout_response(request, original_response=None, credentials=None):
    until = locked_until(request, credentials)
    status = settings.AXES_HTTP_RESPONSE_CODE
    text = message(until)
    path = getattr(request, "path", "") or ""
    if path.startswith("/api/") or request.META.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest":
        response = JsonResponse({"detail": text, "locked_until": until.isoformat() if until else None},
                                status=status)
    else:
        response = render(request, settings.AXES_LOCKOUT_TEMPLATE, {"message": text, "until": until},
                          status=status)
    if until is not None:
        response["Retry-After"] = str(max(1, int((until - timezone.now()).total_seconds())))
    return response
