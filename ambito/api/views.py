from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from ambito.api.throttling import AnonRateThrottle  # keyed by the real client address (TRUSTED_PROXIES)


class TokenThrottle(AnonRateThrottle):
    rate = "20/min"


class ObtainTokenView(ObtainAuthToken):
    """POST username and password, receive the API token (header ``Authorization: Token <key>``)."""

    throttle_classes = [TokenThrottle]

    def post(self, request, *args, **kwargs):
        """Users with two-factor sign-in add ``otp_code``; roles that require it and have not enrolled get none."""
        from ambito.accounts import twofactor

        serializer = self.get_serializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if not twofactor.token_login_allowed(request._request, user, str(request.data.get("otp_code", ""))):
            return Response({"non_field_errors": [twofactor.token_refused_message()]}, status=400)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


obtain_token = ObtainTokenView.as_view()


@csrf_exempt  # an answer, not an action: a POST to a missing path is a 404 like any other
def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
