from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """A service's domain ValidationError is a 400 with the same messages the web forms show, so API views
    call services directly instead of each wrapping them."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail, code=getattr(exc, "code", None))
    return drf_exception_handler(exc, context)
