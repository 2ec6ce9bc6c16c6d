"""A locked account says so, with the time the lockout ends: on the sign-in page and, as JSON, on the API token
endpoint (429 with a clear detail, not the generic 400 of wrong credentials)."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.utils import timezone

PASSWORD = "ambito-demo-2026"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def _expected_until(settings) -> str:
    latest = AccessAttempt.objects.order_by("-attempt_time").first().attempt_time
    return timezone.localtime(latest + datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)).strftime("%H:%M")


def test_the_sign_in_page_says_until_when_the_account_is_locked(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accesso/", {"username": "planner", "password": "wrong-password"})
    locked = client.post("/accesso/", {"username": "planner", "password": PASSWORD})
    assert locked.status_code == 429
    page = locked.content.decode()
    assert f"Account bloccato fino alle {_expected_until(settings)}" in page
    assert "Account temporaneamente bloccato" in page
    assert 0 < int(locked["Retry-After"]) <= 3600


def test_the_token_endpoint_answers_a_locked_account_with_json(client, demo, settings):
    answers = [client.post("/api/v1/token/", {"username": "planner", "password": "wrong-password"})
               for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert [a.status_code for a in answers[:-1]] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert answers[-1].status_code == 429, "the failure that locks says so already"

    locked = client.post("/api/v1/token/", {"username": "planner", "password": PASSWORD})
    assert locked.status_code == 429 and locked["Content-Type"] == "application/json"
    body = locked.json()
    assert body["detail"] == (f"Account bloccato fino alle {_expected_until(settings)}: troppi tentativi di "
                              "accesso non riusciti.")
    assert body["locked_until"] and "token" not in body
    assert int(locked["Retry-After"]) > 0


def test_the_lockout_message_is_in_english_for_english_pages(client, demo, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        locked = client.post("/accesso/", {"username": "planner", "password": "wrong-password"})
    assert f"Account locked until {_expected_until(settings)}" in locked.content.decode()
