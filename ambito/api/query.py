"""Unknown query parameters on the API are refused (400) with the list of the accepted ones.

Before, a misspelt or unsupported filter was silently ignored (``?start=2022-01-01`` returned the current
year as if it had been applied). The accepted parameters of an operation are the ones its OpenAPI schema
documents (filters, pagination, ``extend_schema`` parameters): one source for the documentation, the schema
fuzzer and this check, so a view that reads a parameter must document it. ``format`` (DRF's renderer switch)
is accepted everywhere. Paths and methods the schema does not describe (the schema and docs pages, 404s,
405s) are left to their views.
"""

import re
import threading

from django.http import JsonResponse
from django.utils.translation import gettext as _

ALWAYS_ACCEPTED = frozenset({"format"})
PREFIX = "/api/v1/"

_lock = threading.Lock()
_operations: list | None = None


def _path_pattern(path: str) -> re.Pattern:
    parts = re.split(r"\{[^}/]+\}", path)
    return re.compile("^" + "[^/]+".join(re.escape(part) for part in parts) + "$")


def operations() -> list[tuple[re.Pattern, str, frozenset]]:
    """``(path pattern, method, accepted query parameters)`` of every operation, built once per process from
    the schema (under a second)."""
    global _operations
    if _operations is None:
        with _lock:
            if _operations is None:
                from drf_spectacular.generators import SchemaGenerator

                schema = SchemaGenerator().get_schema(request=None, public=True)
                found = []
                for path, item in schema.get("paths", {}).items():
                    pattern = _path_pattern(path)
                    for method, operation in item.items():
                        if not isinstance(operation, dict) or "responses" not in operation:
                            continue
                        names = frozenset(p["name"] for p in operation.get("parameters", []) if p.get("in") == "query")
                        found.append((pattern, method.upper(), names))
                _operations = found
    return _operations


def accepted_parameters(path: str, method: str) -> frozenset | None:
    """The query parameters the operation at ``path`` takes; None when the schema does not describe it."""
    method = "GET" if method == "HEAD" else method
    for pattern, operation_method, names in operations():
        if operation_method == method and pattern.match(path):
            return names | ALWAYS_ACCEPTED
    return None


class QueryParametersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.GET and request.path.startswith(PREFIX):
            accepted = accepted_parameters(request.path, request.method)
            if accepted is not None:
                unknown = sorted(set(request.GET) - accepted)
                if unknown:
                    return self.refuse(unknown, accepted)
        return self.get_response(request)

    @staticmethod
    def refuse(unknown, accepted):
        shown = sorted(accepted - ALWAYS_ACCEPTED)
        if shown:
            detail = _("Unknown query parameters: %(unknown)s. This operation accepts: %(accepted)s.") % {
                "unknown": ", ".join(unknown), "accepted": ", ".join(shown)}
        else:
            detail = _("Unknown query parameters: %(unknown)s. This operation accepts no query parameters.") % {
                "unknown": ", ".join(unknown)}
        return JsonResponse({"detail": detail, "unknown": unknown, "accepted": shown}, status=400)

