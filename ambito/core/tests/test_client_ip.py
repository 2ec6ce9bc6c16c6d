"""The client address behind a trusted proxy, for django-axes' lockout and the API throttles alike: the
X-Forwarded-For header counts only when the direct peer is in TRUSTED_PROXIES; a forged one changes nothing."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from ambito.core.client_ip import client_ip

PASSWORD = "ambito-demo-2026"
PROXY = "10.0.0.5"


def _request(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"
    assert client_ip(_request(PROXY, "198.51.100.1")) == PROXY


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    (PROXY, "198.51.100.1", "198.51.100.1"),  # one proxy
    (PROXY, "1.2.3.4, 198.51.100.1", "198.51.100.1"),  # the client forged "1.2.3.4" in front: ignored
    (PROXY, "198.51.100.1, 10.0.0.7", "198.51.100.1"),  # two trusted hops: skip both
    (PROXY, "198.51.100.1:51234", "198.51.100.1"),  # a port is dropped
    (PROXY, "[2001:db8::1]:443", "2001:db8::1"),
    (PROXY, "::ffff:198.51.100.1", "198.51.100.1"),
    (PROXY, "", PROXY),  # nothing forwarded: the proxy itself
    (PROXY, "not-an-address", PROXY),  # never written by a real proxy: no guess
    ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # the peer is not a trusted proxy: header ignored
    ("::ffff:10.0.0.5", "198.51.100.1", "198.51.100.1"),  # the proxy seen on a dual-stack socket
], ids=["one-hop", "forged-left", "two-hops", "port", "ipv6", "mapped", "empty", "garbage", "untrusted-peer",
        "mapped-proxy"])
def test_behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client(settings, remote, forwarded,
                                                                                expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(_request(remote, forwarded)) == expected


def test_a_bad_trusted_proxies_setting_refuses_to_start():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ambito.settings", "TRUSTED_PROXIES": "10.0.0.5,proxy.local"}
    result = subprocess.run([sys.executable, "-c", "from django.conf import settings; settings.DEBUG"],
                            cwd=Path(__file__).resolve().parents[3], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr


# --- django-axes -------------------------------------------------------------------------------------------


def _fail(client, username, **headers):
    return client.post("/accesso/", {"username": username, "password": "wrong-password"}, **headers)


def test_forged_forwarded_headers_do_not_escape_the_lockout(client, demo, settings):
    """Without a trusted proxy a client cannot look like many by writing X-Forwarded-For."""
    settings.TRUSTED_PROXIES = []
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, "planner", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
    locked = client.post("/accesso/", {"username": "planner", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9",
                         HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert locked.status_code == 429


def test_behind_the_proxy_one_client_cannot_lock_out_another(client, demo, settings):
    """Before, axes saw the proxy's address for everyone: five wrong passwords from anyone locked the account
    for everyone. Now the lockout is the attacker's (username + their address) only."""
    settings.TRUSTED_PROXIES = [PROXY]
    attacker, colleague = {"HTTP_X_FORWARDED_FOR": "198.51.100.66"}, {"HTTP_X_FORWARDED_FOR": "192.0.2.10"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, "planner", REMOTE_ADDR=PROXY, **attacker)
    assert client.post("/accesso/", {"username": "planner", "password": PASSWORD}, REMOTE_ADDR=PROXY,
                       **attacker).status_code == 429
    signed_in = client.post("/accesso/", {"username": "planner", "password": PASSWORD}, REMOTE_ADDR=PROXY,
                            **colleague)
    assert signed_in.status_code == 302 and signed_in.url == "/"

    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}


# --- DRF throttle ---------------------------------------------------------------------------------------------


@pytest.fixture
def token_throttle(monkeypatch):
    from ambito.api.views import TokenThrottle

    monkeypatch.setattr(TokenThrottle, "rate", "3/min")
    monkeypatch.setattr(TokenThrottle, "THROTTLE_RATES", {})
    cache.clear()
    yield
    cache.clear()


def _token(client, n, **headers):
    # a different unknown username each time: failures, but never an axes lockout
    return client.post("/api/v1/token/", {"username": f"nobody-{n}", "password": "x"}, **headers)


def test_a_forged_forwarded_header_does_not_reset_the_token_throttle(client, db, settings, token_throttle):
    settings.TRUSTED_PROXIES = []
    answers = [_token(client, n, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
               for n in range(4)]
    assert answers == [400, 400, 400, 429]


def test_behind_the_proxy_the_token_throttle_counts_each_client(client, db, settings, token_throttle):
    settings.TRUSTED_PROXIES = [PROXY]
    first = [_token(client, n, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code
             for n in range(4)]
    assert first == [400, 400, 400, 429]
    assert _token(client, 9, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 400
    # the throttled client cannot pass as another by writing the header itself: the proxy appends the truth
    forged = _token(client, 10, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2, 198.51.100.1")
    assert forged.status_code == 429
