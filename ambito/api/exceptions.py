import traceback

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def _while_parsing(exc) -> bool:
    return any(frame.f_code.co_name == "_parse" and "rest_framework" in frame.f_code.co_filename
               for frame, _line in traceback.walk_tb(exc.__traceback__))


def exception_handler(exc, context):
    """A service's domain ValidationError is a 400 with the same messages the web forms show, so API views
    call services directly instead of each wrapping them. A sign-in that django-axes locked out (the token
    endpoint: axes marks DRF's request, which its middleware never sees) gets the lockout answer, a 429 saying
    until when, not the generic "unable to log in"."""
    request = context.get("request")
    if request is not None and getattr(request, "axes_locked_out", False):
        from ambito.accounts.lockout import lockout_response

        return lockout_response(request, None, getattr(request, "axes_credentials", None))
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail, code=getattr(exc, "code", None))
    elif isinstance(exc, RecursionError) and _while_parsing(exc):
        # A view that pins DRF's own JSONParser (not ``ambito.api.parsers.JSONParser``) and a body nested ~1,000
        # deep: still the client's mistake, not a server error.
        from ambito.api.parsers import depth_error, max_depth

        exc = depth_error(max_depth())
    return drf_exception_handler(exc, context)
