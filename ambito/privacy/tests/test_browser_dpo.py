"""The data protection officer's journey in the system Chromium: the access log of the Ambito, a privacy
request and its person, the record of processing."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ambito.care.tests.factories import person
from ambito.privacy import services
from ambito.privacy.models import PrivacyRequestKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dpo_follows_a_request_from_the_access_log_to_the_record_of_processing(
        page, demo_with, browser_login, screenshot):
    ctx = demo_with("network")
    subject = person(ctx, "monza", first="Giovanna", last="Trattati")
    services.privacy_request_create(actor=ctx.users["dpo"], person=subject, kind=PrivacyRequestKind.ACCESS,
                                    received_at=timezone.now() - datetime.timedelta(days=4))
    browser_login(page, "dpo")
    expect(page.get_by_role("heading", level=2, name="Responsabile della protezione dei dati (RPD/DPO)",
                            exact=True)).to_be_visible()

    page.get_by_role("link", name="Registro degli accessi").first.click()
    expect(page.get_by_role("heading", level=1, name="Registro degli accessi")).to_be_visible()
    screenshot(page, "dpo-access-log")

    page.get_by_role("link", name="Richieste privacy").first.click()
    expect(page.get_by_role("heading", level=1, name="Richieste privacy")).to_be_visible()
    expect(page.locator("main")).to_contain_text(subject.pseudonym)
    page.locator("main table a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(subject.pseudonym)
    screenshot(page, "dpo-privacy-request")

    page.get_by_role("link", name="Registro dei trattamenti").first.click()
    expect(page.get_by_role("heading", level=1, name="Registro delle attività di trattamento")).to_be_visible()
    screenshot(page, "dpo-record-of-processing")
