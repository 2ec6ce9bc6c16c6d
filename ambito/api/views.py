from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, renderers, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.api.throttling import AnonRateThrottle  # keyed by the real client address (TRUSTED_PROXIES)


class TokenThrottle(AnonRateThrottle):
    rate = "20/min"


class TokenInput(AuthTokenSerializer):
    token = None  # the request carries credentials only
    otp_code = serializers.CharField(required=False, allow_blank=True, write_only=True,
                                     help_text="The current two-factor code, for users who enrolled.")


class TokenOutput(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as ``Authorization: Token <token>``. It is shown only now: "
                                            "the server keeps a hash of it, never the token itself.")
    expiry = serializers.DateTimeField(allow_null=True, help_text="When the token stops working.")


class ObtainTokenView(APIView):
    """POST username and password, receive a new API token (header ``Authorization: Token <key>``) and its
    expiry. The key is returned once: only its hash is stored."""

    throttle_classes = [TokenThrottle]
    permission_classes = ()
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, parsers.JSONParser)
    renderer_classes = (renderers.JSONRenderer,)
    serializer_class = TokenInput

    @extend_schema(request=TokenInput, responses={200: TokenOutput})
    def post(self, request, *args, **kwargs):
        """Users with two-factor sign-in add ``otp_code``; roles that require it and have not enrolled get none."""
        from ambito.accounts import twofactor
        from ambito.accounts.services import api_token_issue

        serializer = TokenInput(data=request.data, context={"request": request, "view": self})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if not twofactor.token_login_allowed(request._request, user, str(request.data.get("otp_code", ""))):
            return Response({"non_field_errors": [twofactor.token_refused_message()]}, status=400)
        key, expiry = api_token_issue(user=user)
        return Response(TokenOutput({"token": key, "expiry": expiry}).data)


obtain_token = ObtainTokenView.as_view()


@csrf_exempt  # an answer, not an action: a POST to a missing path is a 404 like any other
def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
