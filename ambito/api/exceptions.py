import logging
import traceback

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


def _while_parsing(exc) -> bool:
    return any(frame.f_code.co_name == "_parse" and "rest_framework" in frame.f_code.co_filename
               for frame, _line in traceback.walk_tb(exc.__traceback__))


logger = logging.getLogger(__name__)

# A service's refusal with one of these codes says the request clashes with what is saved now (a duplicate, a
# record someone else answered first): 409 Conflict, with the same messages as a 400.
CONFLICT_CODES = frozenset({"duplicate_fiscal_code", "possible_duplicate", "held_elsewhere", "duplicate_entry",
                            "already_answered"})


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _codes(exc: DjangoValidationError) -> set:
    errors = [e for field in exc.error_dict.values() for e in field] if hasattr(exc, "error_dict") \
        else exc.error_list
    return {error.code for error in errors}


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
        conflicts = _codes(exc) & CONFLICT_CODES
        if conflicts:
            exc = Conflict(detail | {"code": sorted(conflicts)[0]}) if "code" not in detail else Conflict(detail)
        else:
            exc = exceptions.ValidationError(detail, code=getattr(exc, "code", None))
    elif isinstance(exc, IntegrityError):
        # A constraint the database enforced and the service did not foresee (two writes at the same moment):
        # the client's request clashes with another one, not a server fault. Logged: each one is a missing check.
        from ambito.core.concurrency import CONFLICT_MESSAGE

        # The first line names the constraint; the next (PostgreSQL's DETAIL) would quote the values.
        logger.warning("IntegrityError answered 409 on %s: %s", getattr(request, "path", "?"),
                       (str(exc).splitlines() or [""])[0])
        exc = Conflict({"detail": [str(CONFLICT_MESSAGE)], "code": "conflict"})
    elif isinstance(exc, RecursionError) and _while_parsing(exc):
        # A view that pins DRF's own JSONParser (not ``ambito.api.parsers.JSONParser``) and a body nested ~1,000
        # deep: still the client's mistake, not a server error.
        from ambito.api.parsers import depth_error, max_depth

        exc = depth_error(max_depth())
    return drf_exception_handler(exc, context)
