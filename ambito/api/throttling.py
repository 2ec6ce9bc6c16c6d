"""DRF throttles keyed by ``ambito.core.client_ip.client_ip``: ``X-Forwarded-For`` counts only when it comes from
a trusted proxy (``TRUSTED_PROXIES``), so a forged header cannot buy a fresh allowance. DRF's own ``get_ident``
reads the header from anyone unless ``NUM_PROXIES`` is set, and even then trusts a fixed count of hops."""

from rest_framework import throttling

from ambito.core.client_ip import client_ip


class ClientIPMixin:
    def get_ident(self, request):
        return client_ip(request)


class AnonRateThrottle(ClientIPMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientIPMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(ClientIPMixin, throttling.ScopedRateThrottle):
    pass
