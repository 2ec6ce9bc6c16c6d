"""Error pages (400, 403, 404, 500) that show a friendly message and a reference, nothing else: no path, no
exception text, no personal data. The reference is appended to the log record of the same request
(``core.log_redaction``) so support can find the traceback."""

import uuid

from django.http import HttpResponse
from django.template import loader


def _page(request, status: int) -> HttpResponse:
    reference = uuid.uuid4().hex[:12]
    if request is not None:
        request.error_reference = reference
    html = loader.render_to_string(f"errors/{status}.html", {"reference": reference, "status": status})
    return HttpResponse(html, status=status)


def bad_request(request, exception=None):
    return _page(request, 400)


def permission_denied(request, exception=None):
    return _page(request, 403)


def page_not_found(request, exception=None):
    return _page(request, 404)


def server_error(request):
    return _page(request, 500)
