"""Signed-in sessions end after SESSION_IDLE_MINUTES without a request (30 by default) and, whatever the
activity, SESSION_COOKIE_AGE after sign-in (12 hours); before, a session lasted 14 days."""

import time

import pytest

from ambito.core.middleware import LAST_SEEN_KEY, SIGNED_IN_KEY

PAGE = "/profilo/sicurezza/"


def _set(client, **values):
    session = client.session
    session.update(values)
    session.save()


@pytest.fixture
def signed_in(client, demo):
    client.post("/accesso/", {"username": "sw.monza", "password": "ambito-demo-2026"})
    assert client.get(PAGE).status_code == 200
    return client


def test_the_defaults(settings):
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def test_sign_in_starts_both_clocks(signed_in):
    session = signed_in.session
    assert abs(session[SIGNED_IN_KEY] - time.time()) < 60
    assert abs(session[LAST_SEEN_KEY] - time.time()) < 60


def test_activity_within_the_idle_time_keeps_the_session_and_moves_the_clock(signed_in, settings):
    now = int(time.time())
    _set(signed_in, **{LAST_SEEN_KEY: now - (settings.SESSION_IDLE_MINUTES - 1) * 60})
    assert signed_in.get(PAGE).status_code == 200
    assert signed_in.session[LAST_SEEN_KEY] >= now


def test_an_idle_session_ends_and_the_sign_in_page_says_why(signed_in, settings):
    _set(signed_in, **{LAST_SEEN_KEY: int(time.time()) - settings.SESSION_IDLE_MINUTES * 60 - 5})
    response = signed_in.get(PAGE)
    assert response.status_code == 302 and response.url.startswith("/accesso/?next=")
    login = signed_in.get(response.url)
    assert "La sessione è terminata dopo un periodo di inattività" in login.content.decode()
    assert signed_in.get(PAGE).status_code == 302, "signed out for good, not only for one request"


def test_the_idle_time_is_configurable(signed_in, settings):
    settings.SESSION_IDLE_MINUTES = 5
    _set(signed_in, **{LAST_SEEN_KEY: int(time.time()) - 6 * 60})
    assert signed_in.get(PAGE).status_code == 302


def test_an_active_session_still_ends_after_the_absolute_cap(signed_in, settings):
    now = int(time.time())
    _set(signed_in, **{SIGNED_IN_KEY: now - settings.SESSION_COOKIE_AGE - 5, LAST_SEEN_KEY: now - 10})
    assert signed_in.get(PAGE).status_code == 302


def test_an_idle_session_gets_no_api_answer(signed_in, settings):
    assert signed_in.get("/api/v1/comuni/").status_code == 200
    _set(signed_in, **{LAST_SEEN_KEY: int(time.time()) - settings.SESSION_IDLE_MINUTES * 60 - 5})
    assert signed_in.get("/api/v1/comuni/").status_code == 403


def test_the_clock_is_written_at_most_once_a_minute(signed_in):
    """Not a session write on every request (which SESSION_SAVE_EVERY_REQUEST would do)."""
    from django.contrib.sessions.models import Session

    before = Session.objects.get().expire_date
    signed_in.get(PAGE)
    signed_in.get(PAGE)
    assert Session.objects.get().expire_date == before
