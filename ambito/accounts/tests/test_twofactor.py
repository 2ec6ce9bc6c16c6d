"""Two-factor sign-in (TOTP) for staff roles: enrolment with a real code computed from the device key, the
code after the password, axes lockout on wrong codes, roles that must enrol, the API token endpoint."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "ambito-demo-2026"


@pytest.fixture
def no_throttle(settings):
    """django-otp's own back-off (1 s, 2 s, ... after each wrong code) would refuse a right code typed at once
    after a wrong one; axes' lockout is what these tests check."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(device, step_ahead=0):
    """The code an authenticator app shows, from the stored key (``step_ahead`` 1 = the next 30-second step,
    still accepted within the device's tolerance; a code already used is refused as a replay)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + step_ahead):06d}"


def sign_in(client, username):
    response = client.post("/accesso/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def enrol(client, username):
    sign_in(client, username)
    page = client.get("/profilo/sicurezza/due-fattori/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    done = client.post("/profilo/sicurezza/due-fattori/", {"code": code(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_a_staff_user_enrols_by_scanning_the_qr_and_confirming_a_code(client, demo, no_throttle):
    sign_in(client, "planner")
    page = client.get("/profilo/sicurezza/due-fattori/").content.decode()
    assert '<img src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=demo.users["planner"])
    assert not device.confirmed
    assert client.get("/profilo/sicurezza/due-fattori/").status_code == 200
    assert TOTPDevice.objects.filter(user=demo.users["planner"]).count() == 1, "a reload keeps the same key"

    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"
    refused = client.post("/profilo/sicurezza/due-fattori/", {"code": wrong})
    assert refused.status_code == 200
    assert "Il codice non è valido" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    done = client.post("/profilo/sicurezza/due-fattori/", {"code": code(device)})
    assert done.status_code == 302 and done.url == "/profilo/sicurezza/codici-di-recupero/", "recovery codes next"
    device.refresh_from_db()
    assert device.confirmed
    security = client.get("/profilo/sicurezza/").content.decode()
    assert ">Attivo<" in security and "Disattiva" in security


def test_after_enrolment_the_password_alone_does_not_open_the_application(client, demo, no_throttle):
    device = enrol(client, "sw.monza")
    client.post("/esci/")
    sign_in(client, "sw.monza")

    held = client.get("/")
    assert held.status_code == 302 and held.url.startswith("/accesso/codice/")
    assert client.get("/api/v1/comuni/").status_code == 403
    assert client.get("/", headers={"HX-Request": "true"})["HX-Redirect"].startswith("/accesso/codice/")

    form = client.get("/accesso/codice/?next=/")
    assert form.status_code == 200 and 'autocomplete="one-time-code"' in form.content.decode()
    replay = client.post("/accesso/codice/", {"code": code(device), "next": "/"})
    assert replay.status_code == 200, "the code used at enrolment cannot be used again"
    done = client.post("/accesso/codice/", {"code": code(device, step_ahead=1), "next": "/"})
    assert done.status_code == 302 and done.url == "/"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/comuni/").status_code == 200


def test_wrong_codes_count_towards_the_axes_lockout(client, demo, settings):
    enrol(client, "planner")
    client.post("/esci/")
    sign_in(client, "planner")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/accesso/codice/", {"code": "000000"}).status_code == 200
    locked = client.post("/accesso/codice/", {"code": "000000"})
    assert locked.status_code == 429
    assert "Account temporaneamente bloccato" in locked.content.decode()
    assert client.get("/").wsgi_request.user.is_anonymous, "the half-open session is closed"
    again = client.post("/accesso/", {"username": "planner", "password": PASSWORD})
    assert again.status_code == 429, "the right password does not get past the lockout"


def test_a_right_password_does_not_reset_the_count_of_wrong_codes(client, demo, settings):
    enrol(client, "planner")
    client.post("/esci/")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        if attempt % 2 == 0:  # sign in again between wrong codes
            client.post("/esci/")
            sign_in(client, "planner")
        last = client.post("/accesso/codice/", {"code": "000000"})
    assert last.status_code == 429


def test_roles_that_require_two_factor_must_enrol_before_using_the_application(client, demo, settings,
                                                                                 no_throttle):
    settings.AMBITO_REQUIRE_2FA_ROLES = ["administrator", "dpo"]
    sign_in(client, "admin")
    held = client.get("/")
    assert held.status_code == 302 and held.url.startswith("/profilo/sicurezza/due-fattori/")
    page = client.get(held.url).content.decode()
    assert "a due fattori: attivalo per continuare." in page
    device = TOTPDevice.objects.get(user=demo.users["admin"])
    client.post("/profilo/sicurezza/due-fattori/?next=/", {"code": code(device), "next": "/"})
    assert client.get("/").status_code == 200
    off = client.post("/profilo/sicurezza/due-fattori/disattiva/", {"code": code(device, step_ahead=1)})
    assert off.status_code == 400
    assert TOTPDevice.objects.filter(user=demo.users["admin"], confirmed=True).exists()

    client.post("/esci/")
    sign_in(client, "planner")
    assert client.get("/").status_code == 200, "roles not listed are not held"


def test_a_user_turns_two_factor_off_with_a_current_code(client, demo, no_throttle):
    device = enrol(client, "observer")
    assert client.post("/profilo/sicurezza/due-fattori/disattiva/", {"code": "000000"}).status_code == 400
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    off = client.post("/profilo/sicurezza/due-fattori/disattiva/", {"code": code(device, step_ahead=1)})
    assert off.status_code == 302
    assert not TOTPDevice.objects.filter(user=demo.users["observer"]).exists()


def test_citizens_have_no_two_factor_enrolment(client, demo):
    sign_in(client, "citizen")
    assert client.get("/profilo/sicurezza/due-fattori/").status_code == 403
    assert not TOTPDevice.objects.exists()
    assert "disponibile per gli account" in client.get("/profilo/sicurezza/").content.decode()


def test_the_api_token_endpoint_asks_for_the_code_too(client, demo, no_throttle):
    device = enrol(client, "planner")
    client.post("/esci/")
    refused = client.post("/api/v1/token/", {"username": "planner", "password": PASSWORD})
    assert refused.status_code == 400 and "token" not in refused.json()
    ok = client.post("/api/v1/token/", {"username": "planner", "password": PASSWORD,
                                        "otp_code": code(device, step_ahead=1)})
    assert ok.status_code == 200 and ok.json()["token"]


def test_a_misspelt_required_role_is_a_system_check_error(settings):
    from ambito.accounts.twofactor import check_required_roles

    settings.AMBITO_REQUIRE_2FA_ROLES = ["administrator", "dpo"]
    assert check_required_roles() == []
    settings.AMBITO_REQUIRE_2FA_ROLES = ["administrator", "admins"]
    assert [e.id for e in check_required_roles()] == ["ambito.E2FA1"]


def test_enrolling_revokes_an_api_token_issued_before(client, demo, no_throttle):
    """A token from before enrolment would open the API without a code."""
    from knox.models import AuthToken

    from ambito.accounts.services import api_token_issue

    key, _expiry = api_token_issue(user=demo.users["planner"])
    assert client.get("/api/v1/comuni/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    enrol(client, "planner")
    assert not AuthToken.objects.filter(user=demo.users["planner"]).exists()
    client.post("/esci/")
    assert client.get("/api/v1/comuni/", HTTP_AUTHORIZATION=f"Token {key}").status_code in (401, 403)
