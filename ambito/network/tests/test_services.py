"""Writes of the network app: availability from the waiting lists, provider profiles, info-point contacts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ambito.accounts.models import AccessAction, AccessLog
from ambito.network.models import InfoPointContact, ProviderProfile, RuntsSection
from ambito.network.services import (
    info_point_contact_record,
    provider_profile_update,
    service_update_availability,
    taxonomy_load_nomenclatore,
)


def test_availability_is_updated_and_refuses_negative_numbers(demo_with):
    demo = demo_with("network")
    service = demo.services["sad_brugherio"]
    service_update_availability(service=service, vacancies=3, estimated_wait_days=21)
    service.refresh_from_db()
    assert (service.vacancies, service.estimated_wait_days) == (3, 21)
    with pytest.raises(ValidationError):
        service_update_availability(service=service, vacancies=-1, estimated_wait_days=2)
    service_update_availability(service=service, vacancies=None, estimated_wait_days=None)
    service.refresh_from_db()
    assert service.vacancies is None


def test_the_ets_operator_updates_its_own_profile_only(demo_with):
    demo = demo_with("network")
    operator = demo.users["ets.operator"]
    profile = provider_profile_update(actor=operator, organisation=demo.organisations["coop_ponte"],
                                      contact_phone="039 999 0000")
    assert profile.contact_phone == "039 999 0000" and profile.version == 2
    with pytest.raises(PermissionDenied):
        provider_profile_update(actor=operator, organisation=demo.organisations["coop_spazio"], contact_phone="1")
    assert AccessLog.objects.filter(user=operator, action=AccessAction.DENIED).count() == 1
    assert ProviderProfile.objects.get(organisation=demo.organisations["coop_spazio"]).contact_phone != "1"


def test_profile_rules_are_explained(demo_with):
    demo = demo_with("network")
    with pytest.raises(ValidationError) as error:
        provider_profile_update(actor=demo.users["planner"], organisation=demo.organisations["aps_giovani"],
                                runts_section="", accreditation_status="accredited", accreditation_date=None)
    assert set(error.value.message_dict) == {"runts_section", "accreditation_date"}
    profile = provider_profile_update(actor=demo.users["planner"], organisation=demo.organisations["aps_giovani"],
                                      runts_section=RuntsSection.APS, accreditation_status="accredited",
                                      accreditation_date=dt.date(2026, 1, 1),
                                      accreditation_expiry=dt.date(2028, 12, 31))
    assert profile.accreditation_status == "accredited"


def test_info_point_contacts_are_counted_without_personal_data(demo_with):
    demo = demo_with("network")
    info_point = demo.services["oncology_info"]
    assert info_point.provider == demo.organisations["odv_oncologia"]
    contact = info_point_contact_record(actor=demo.users["planner"], info_point=info_point,
                                        date=timezone.localdate(), channel="phone", topic="benefits",
                                        referred_to=demo.services["transport"])
    assert contact.pk
    personal = {"name", "first_name", "last_name", "tax_code", "codice_fiscale", "phone", "email", "notes", "person"}
    assert not personal & {f.name for f in InfoPointContact._meta.get_fields()}
    with pytest.raises(ValidationError):
        info_point_contact_record(actor=demo.users["planner"], info_point=info_point,
                                  date=timezone.localdate() + dt.timedelta(days=2), channel="phone", topic="benefits")
    with pytest.raises(PermissionDenied):
        info_point_contact_record(actor=demo.users["ets.operator"], info_point=info_point,
                                  date=timezone.localdate(), channel="phone", topic="benefits")


def test_the_nomenclatore_loads_idempotently(db):
    first = taxonomy_load_nomenclatore()
    assert first == taxonomy_load_nomenclatore() >= 30
