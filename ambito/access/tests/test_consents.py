"""Information notices and consents are recorded from the person's record and through the API."""

from ambito.access.models import Consent
from ambito.access.tests.factories import make_person
from ambito.accounts.models import AccessAction, AccessLog


def test_a_social_worker_records_a_consent_from_the_person_page(client_as, demo):
    person = make_person(demo.users["sw.monza"], demo.comuni["monza"])
    client = client_as("sw.monza")
    page = client.get(f"/pua/persone/{person.pseudonym}/").content.decode()
    assert "Consensi e informative" in page and "Ancora nulla di registrato." in page
    response = client.post(f"/pua/persone/{person.pseudonym}/consensi/",
                           {"kind_health_sharing": "yes", "kind_information_notice": "yes",
                            "notice_version": "2026-01"}, follow=True)
    assert response.status_code == 200
    consent = Consent.objects.get(person=person, kind="health_sharing")
    assert consent.given and consent.notice_version == "2026-01"
    assert consent.recorded_by == demo.users["sw.monza"]
    # one form, one submit: the notice was recorded with it, the kinds left as they are were not
    assert set(Consent.objects.filter(person=person).values_list("kind", flat=True)) == {
        "health_sharing", "information_notice"}


def test_a_refusal_withdraws_the_consent_in_force(client_as, demo):
    person = make_person(demo.users["sw.monza"], demo.comuni["monza"])
    client = client_as("sw.monza")
    client.post(f"/pua/persone/{person.pseudonym}/consensi/", {"kind_provider_sharing": "yes"})
    client.post(f"/pua/persone/{person.pseudonym}/consensi/", {"kind_provider_sharing": "no"})
    first, second = Consent.objects.filter(person=person, kind="provider_sharing").order_by("pk")
    assert first.withdrawn_at is not None and second.given is False


def test_a_bad_kind_changes_nothing(client_as, demo):
    person = make_person(demo.users["sw.monza"], demo.comuni["monza"])
    before = Consent.objects.count()
    client_as("sw.monza").post(f"/pua/persone/{person.pseudonym}/consensi/", {"kind_marketing": "yes"})
    client_as("sw.monza").post(f"/pua/persone/{person.pseudonym}/consensi/", {"kind_care_processing": "maybe"})
    assert Consent.objects.count() == before


def test_the_api_lists_and_records_consents_and_logs_the_read(client_as, demo):
    person = make_person(demo.users["sw.monza"], demo.comuni["monza"])
    client = client_as("sw.monza")
    created = client.post(f"/api/v1/persons/{person.pk}/consents/", {"kind": "care_processing", "given": True},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["kind"] == "care_processing"
    listed = client.get(f"/api/v1/persons/{person.pk}/consents/")
    assert [c["kind"] for c in listed.json()] == ["care_processing"]
    assert AccessLog.objects.filter(object_id=str(person.pk), action=AccessAction.READ, purpose="API consents").exists()


def test_a_social_worker_of_another_comune_cannot_reach_the_consents(client_as, demo):
    person = make_person(demo.users["sw.monza"], demo.comuni["monza"])
    client = client_as("sw.brugherio")
    assert client.get(f"/api/v1/persons/{person.pk}/consents/").status_code == 404
    assert client.post(f"/pua/persone/{person.pseudonym}/consensi/", {"kind_care_processing": "yes"}).status_code == 404
    assert not Consent.objects.filter(person=person, kind="care_processing").exists()
