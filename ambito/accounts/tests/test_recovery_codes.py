"""Two-factor recovery codes: ten single-use codes made at enrolment and shown once; one replaces the app's code
at sign-in (logged, never the code); new ones from the account page, with a current code, void the old."""

import logging
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "ambito-demo-2026"
RECOVERY = "/profilo/sicurezza/codici-di-recupero/"


@pytest.fixture(autouse=True)
def no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code(device, step_ahead=0):
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + step_ahead):06d}"


def codes_on(page) -> list[str]:
    return re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page)


def enrol(client, username="planner"):
    client.post("/accesso/", {"username": username, "password": PASSWORD})
    client.get("/profilo/sicurezza/due-fattori/")
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    done = client.post("/profilo/sicurezza/due-fattori/", {"code": code(device)})
    assert done.status_code == 302 and done.url == RECOVERY
    page = client.get(done.url).content.decode()
    return device, codes_on(page), page


def sign_in_with(client, typed, username="planner"):
    client.post("/esci/")
    client.post("/accesso/", {"username": username, "password": PASSWORD})
    return client.post("/accesso/codice/", {"code": typed, "next": "/"})


def test_enrolment_shows_ten_codes_once(client, demo):
    _device, codes, page = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "vengono mostrati solo questa volta" in page
    again = client.get(RECOVERY).content.decode()
    assert codes_on(again) == [], "shown only once"
    assert "Ti restano 10 codici di recupero non usati." in again
    assert StaticToken.objects.filter(device__user=demo.users["planner"]).count() == 10
    assert "Codici di recupero, se perdi il telefono: 10 non usati." in client.get("/profilo/sicurezza/").content.decode()


def test_a_recovery_code_replaces_the_apps_code_once_and_its_use_is_logged(client, demo, caplog):
    _device, codes, _page = enrol(client)
    with caplog.at_level(logging.INFO, logger="ambito.security"):
        done = sign_in_with(client, codes[0].upper().replace("-", " "))  # as typed from paper
    assert done.status_code == 302 and done.url == "/"
    assert client.get("/").status_code == 200
    used = [r.getMessage() for r in caplog.records if "recovery code used" in r.getMessage()]
    assert used == [f"two-factor recovery code used for user id {demo.users['planner'].pk} (9 left)"]
    assert all(codes[0] not in r.getMessage() and codes[0].replace("-", "") not in r.getMessage()
               for r in caplog.records)

    reused = sign_in_with(client, codes[0])
    assert reused.status_code == 200 and "Il codice non è valido" in reused.content.decode()
    assert sign_in_with(client, codes[1]).status_code == 302


def test_wrong_recovery_codes_count_towards_the_lockout(client, demo, settings):
    enrol(client)
    client.post("/esci/")
    client.post("/accesso/", {"username": "planner", "password": PASSWORD})
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/accesso/codice/", {"code": "aaaaa-aaaaa"}).status_code == 200
    assert client.post("/accesso/codice/", {"code": "aaaaa-aaaaa"}).status_code == 429


def test_new_codes_need_a_current_code_and_void_the_old_ones(client, demo):
    device, old, _page = enrol(client)
    refused = client.post(RECOVERY, {"code": "000000"})
    assert refused.status_code == 400 and "Il codice non è valido" in refused.content.decode()
    assert client.post(RECOVERY, {"code": old[0]}).status_code == 400, "a recovery code cannot mint new ones"

    done = client.post(RECOVERY, {"code": code(device, step_ahead=1)})
    assert done.status_code == 302 and done.url == RECOVERY
    new = codes_on(client.get(RECOVERY).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert StaticDevice.objects.filter(user=demo.users["planner"]).count() == 1

    assert sign_in_with(client, old[2]).status_code == 200, "the old codes stopped working"
    assert sign_in_with(client, new[2]).status_code == 302


def test_turning_two_factor_off_removes_the_codes(client, demo):
    device, _codes, _page = enrol(client, "observer")
    off = client.post("/profilo/sicurezza/due-fattori/disattiva/", {"code": code(device, step_ahead=1)})
    assert off.status_code == 302
    assert not StaticDevice.objects.filter(user=demo.users["observer"]).exists()
    assert client.get(RECOVERY).status_code == 302


def test_a_recovery_code_alone_does_not_make_two_factor_due(client, demo):
    """The static device is not a second factor on its own: without the app's device there is no code step."""
    StaticDevice.objects.create(user=demo.users["planner"], name="stray", confirmed=True)
    response = client.post("/accesso/", {"username": "planner", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200
