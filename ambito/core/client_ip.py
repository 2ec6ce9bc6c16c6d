"""The address of the client behind the request, for django-axes' lockout and the API throttles alike.

``X-Forwarded-For`` is believed only when the direct peer (``REMOTE_ADDR``) is one of ``TRUSTED_PROXIES`` (IPs
or CIDR networks, empty by default). Each proxy appends the address it received the request from, so the
header is read right to left, skipping the trusted proxies; the first address that is not one of them is the
client. Whatever a client writes to the left of that was written by the client itself and is ignored, so a
forged header changes nothing; without trusted proxies the header is not read at all.
"""

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings

logger = logging.getLogger("ambito.security")


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _address(text: str):
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _plain(address):
    """``::ffff:192.0.2.1`` (an IPv4 client on a dual-stack socket) is 192.0.2.1."""
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address, networks) -> bool:
    return address is not None and any(_plain(address) in network for network in networks)


def client_ip(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or, when that is a trusted proxy, the right-most address of
    ``X-Forwarded-For`` that is not itself a trusted proxy."""
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(_address(remote), networks):
        return remote
    forwarded = [part for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for part in reversed(forwarded):
        address = _address(part)
        if address is None:
            # Written by a trusted proxy, so never expected: keep the proxy's own address rather than guess.
            logger.warning("X-Forwarded-For from a trusted proxy holds something that is not an address")
            return remote
        if not _trusted(address, networks):
            return str(_plain(address))
    # Only trusted hops (e.g. a health check from the proxy itself): the left-most one is the origin.
    first = _address(forwarded[0]) if forwarded else None
    return str(_plain(first)) if first is not None else remote
