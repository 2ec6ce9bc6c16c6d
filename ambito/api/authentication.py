"""API token authentication that also names the caller in the change history.

django-auditlog takes the author of a change from ``AuditlogMiddleware``, which reads ``request.user`` before
the view runs. A session user is known there; a caller with an API token is only authenticated by DRF inside
the view, so without this every API write was logged with ``"actor": ""``. Once the token is accepted, the
caller becomes the actor of the request's audit context (the one the middleware opened)."""

from auditlog.context import auditlog_value
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


def audit_actor_set(user) -> None:
    """Make ``user`` the author of the changes logged for the rest of this request."""
    try:
        context = auditlog_value.get()
    except LookupError:  # outside a request the middleware saw (e.g. APIRequestFactory): nothing to name
        return
    if context.get("actor") is None:
        context["actor"] = user


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            audit_actor_set(result[0])
        return result


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema describes the token as knox's (``Authorization: Token …``)."""

    target_class = "ambito.api.authentication.TokenAuthentication"
    name = "knoxApiToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization",
                                                   token_prefix=self.target.authenticate_header(""))
