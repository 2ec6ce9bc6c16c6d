from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import AnonRateThrottle


class TokenThrottle(AnonRateThrottle):
    rate = "20/min"


class ObtainTokenView(ObtainAuthToken):
    """POST username and password, receive the API token (header ``Authorization: Token <key>``)."""

    throttle_classes = [TokenThrottle]


obtain_token = ObtainTokenView.as_view()
