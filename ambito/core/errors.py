"""Error pages (400, 403, 404, 413, 500) that show a friendly message and a reference, nothing else: no path,
no exception text, no personal data. The reference is appended to the log record of the same request
(``core.log_redaction``) so support can find the traceback."""

import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _


def page(request, status: int, detail: str = "", **context) -> HttpResponse:
    """The error page of ``status``; ``detail`` is a message of ours saying what to change (never exception
    text)."""
    reference = uuid.uuid4().hex[:12]
    if request is not None:
        request.error_reference = reference
    html = loader.render_to_string(f"errors/{status}.html",
                                   {"reference": reference, "status": status, "detail": detail, **context})
    return HttpResponse(html, status=status)


_page = page


def too_large(request):
    """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django raises RequestDataTooBig when it is read): 413. The
    page tells the user to go back: browsers keep what was typed in a form on going back, so nothing is lost;
    pages also check the length before sending (``core/js/app.js``)."""
    limit_kb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    if request is not None and request.path.startswith("/api/"):
        return JsonResponse({"detail": _("The request body is too large: at most %(kb)d KB of data.")
                             % {"kb": limit_kb}}, status=413)
    return page(request, 413, limit_kb=limit_kb)


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    return _page(request, 400)


def permission_denied(request, exception=None):
    return _page(request, 403)


def page_not_found(request, exception=None):
    return _page(request, 404)


def server_error(request):
    return _page(request, 500)
