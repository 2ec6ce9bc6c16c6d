"""An organisation's accreditation and RUNTS registration are the planning office's record: the Third-Sector
operator edits its own profile (description, contacts...) but cannot extend its accreditation nor change its
RUNTS section, on the page or through the service; the planning office edits both on the same page."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ambito.accounts.models import AccessAction, AccessLog
from ambito.network.models import ProviderProfile
from ambito.network.services import provider_profile_update


def _profile_data(profile, **changes):
    data = {"version": profile.version, "description": profile.description, "legal_form": profile.legal_form,
            "areas": profile.areas, "contact_name": profile.contact_name, "contact_email": profile.contact_email,
            "contact_phone": profile.contact_phone, "runts_number": profile.runts_number,
            "runts_section": profile.runts_section, "accreditation_status": profile.accreditation_status,
            "accreditation_date": profile.accreditation_date.isoformat() if profile.accreditation_date else "",
            "accreditation_expiry": profile.accreditation_expiry.isoformat() if profile.accreditation_expiry else ""}
    return data | changes


def test_the_ets_profile_form_has_no_accreditation_or_runts_fields_and_ignores_them(demo_with, client_as):
    demo = demo_with("network")
    ponte = demo.organisations["coop_ponte"]
    profile = ProviderProfile.objects.get(organisation=ponte)
    before = (profile.runts_section, profile.accreditation_status, profile.accreditation_expiry)
    client = client_as("ets.operator")
    url = reverse("network-provider-edit", args=[ponte.pk])
    page = client.get(url).content.decode()
    for name in ("runts_number", "runts_section", "accreditation_status", "accreditation_date",
                 "accreditation_expiry"):
        assert f'name="{name}"' not in page, name
    assert 'id="office-data"' in page and "Ufficio di Piano" in page
    forged = _profile_data(profile, contact_phone="039 111 2222", runts_section="a",
                           accreditation_expiry="2036-12-31", accreditation_status="accredited")
    assert client.post(url, forged).status_code == 302
    profile.refresh_from_db()
    assert profile.contact_phone == "039 111 2222"  # its own data is saved
    assert (profile.runts_section, profile.accreditation_status, profile.accreditation_expiry) == before


def test_the_service_refuses_an_ets_changing_its_accreditation_and_logs_it(demo_with):
    demo = demo_with("network")
    operator, ponte = demo.users["ets.operator"], demo.organisations["coop_ponte"]
    for change in ({"accreditation_expiry": dt.date(2036, 12, 31)}, {"runts_section": "a"},
                   {"accreditation_status": "accredited"}, {"runts_number": "X-1"}):
        with pytest.raises(PermissionDenied):
            provider_profile_update(actor=operator, organisation=ponte, **change)
    assert AccessLog.objects.filter(user=operator, action=AccessAction.DENIED).count() == 4
    assert provider_profile_update(actor=operator, organisation=ponte, contact_name="Anna").contact_name == "Anna"


def test_the_planning_office_edits_accreditation_and_runts_on_the_organisation_page(demo_with, client_as):
    demo = demo_with("network")
    ponte = demo.organisations["coop_ponte"]
    profile = ProviderProfile.objects.get(organisation=ponte)
    client = client_as("planner")
    url = reverse("network-provider-edit", args=[ponte.pk])
    page = client.get(url).content.decode()
    assert 'name="accreditation_expiry"' in page and 'name="runts_section"' in page
    assert 'id="office-data"' not in page
    response = client.post(url, _profile_data(profile, runts_section="b", accreditation_status="accredited",
                                              accreditation_date="2024-01-10", accreditation_expiry="2029-01-09"))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.runts_section == "b" and profile.accreditation_expiry == dt.date(2029, 1, 9)
