"""The OpenAPI schema documents what the API really answers, errors included, so clients and the schema fuzzer
(``ambito/api/tests/test_fuzz_schema.py``) can rely on it."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from ambito.core.api import ErrorDetail

VALIDATION_ERROR = OpenApiResponse(
    response={"type": "object", "additionalProperties": {},
              "description": "Messages by field name; ``detail`` or ``non_field_errors`` for the whole request."},
    description="Invalid input, a query parameter the operation does not take, or a business rule refused it "
                "(the messages say why).",
)
# A local time of day as DRF writes it ("09:30:00"): JSON Schema's "time" format wants an offset we never send.
LOCAL_TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema plus the error answers DRF gives on every operation: 400 (invalid input, an
    unknown query parameter), 401/403 where a caller must be signed in, 404 where a record is addressed or a
    page asked for, 429 where a throttle applies. An answer a view documents itself (e.g. 409 with its own
    body) is kept."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        query = {p["name"] for p in parameters if p.get("in") == "query"}
        # 400 everywhere: besides invalid input, a query parameter the operation does not take is refused
        # (ambito.api.query), and so is a control character in the address (core.middleware).
        errors = {"400": VALIDATION_ERROR}
        if self.view.authentication_classes:
            errors["401"] = OpenApiResponse(ErrorDetail, description="Credentials given but not valid.")
        errors["403"] = OpenApiResponse(ErrorDetail, description="Not signed in, or not allowed to do this.")
        if any(p.get("in") == "path" for p in parameters) or "page" in query:
            errors["404"] = OpenApiResponse(ErrorDetail, description="No such record for this caller, or page.")
        if self.view.get_throttles():
            errors["429"] = OpenApiResponse(ErrorDetail, description="Too many requests: retry later.")
        responses = operation["responses"]
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code)
        return operation

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            schema = {key: value for key, value in schema.items() if key != "format"}
            schema["pattern"] = LOCAL_TIME_PATTERN
        return schema
