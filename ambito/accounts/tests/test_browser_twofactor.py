"""In a real browser: the enrolment page shows the QR code (a data: image the CSP allows), the key typed from
the page confirms the device and the recovery codes are shown, and the next sign-in asks for the code."""

from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from_page_key(secret: str, step_ahead: int = 0) -> str:
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, 30, 0, 6, step_ahead):06d}"


def test_a_planner_enrols_from_the_qr_page_and_is_asked_for_the_code_next_time(page, demo, browser_login,
                                                                               screenshot, live_server):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    browser_login(page, "planner")
    page.goto(f"{live_server.url}/profilo/sicurezza/")
    page.get_by_role("link", name="Attiva l'accesso a due fattori").click()
    qr = page.get_by_role("img", name="Codice QR per aggiungere l'account all'app di autenticazione")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0"), "the QR image is rendered"
    screenshot(page, "twofactor-enrol-it")
    secret = page.locator("#totp-secret").inner_text()
    page.fill("#id_code", code_from_page_key(secret))
    page.get_by_role("button", name="Conferma").click()
    expect(page.get_by_role("alert").filter(has_text="Accesso a due fattori attivo")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)  # the recovery codes, shown once
    screenshot(page, "twofactor-recovery-codes-it")
    page.get_by_role("link", name="Li ho salvati: continua").click()

    page.get_by_role("button", name="Esci").click()
    browser_login(page, "planner")
    expect(page.get_by_role("heading", name="Codice di accesso")).to_be_visible()
    screenshot(page, "twofactor-verify-it")
    page.fill("#id_code", code_from_page_key(secret, step_ahead=1))
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("button", name="Esci")).to_be_visible()
    assert "/accesso/codice/" not in page.url
    assert [v for v in violations if "img-src" in v] == [], "the QR code's data: image is allowed"
