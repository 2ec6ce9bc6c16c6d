"""Every door a real entry point: GP, hospital team, ETS, info-point, community desk bring a request in one
step, with the consents they collected, and each follows only what it brought."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from ambito.access import selectors, services
from ambito.access.models import AccessRequest, Channel, CommunityDesk, Consent, Person
from ambito.access.tests.factories import person_fields

pytestmark = pytest.mark.django_db

NOTICE = ["information_notice"]


def _bring(pua, username, channel, comune="monza", **extra):
    fields = person_fields(pua.comuni[comune])
    return services.request_bring(actor=pua.users[username], channel=channel, person=fields,
                                  need="Non riesce più a lavarsi da sola", area="anziani",
                                  consents=extra.pop("consents", NOTICE + ["care_processing"]), **extra), fields


def test_a_gp_brings_a_new_patient_and_sees_only_what_it_brought(pua):
    request, fields = _bring(pua, "gp", Channel.GP)
    person = request.person
    assert person.fiscal_code == fields["fiscal_code"] and request.channel == Channel.GP
    assert set(Consent.objects.filter(person=person).values_list("kind", flat=True)) == {
        "information_notice", "care_processing"}
    gp = pua.users["gp"]
    assert list(selectors.request_list(actor=gp)) == [request]
    assert selectors.person_get(actor=gp, pseudonym=person.pseudonym) == person
    # the social worker of Monza has it in the queue
    assert request in selectors.request_list(actor=pua.users["sw.monza"])
    # another request for the same person, by somebody else, is not the GP's
    other = services.request_create(actor=pua.users["sw.monza"], person=person, channel="pua_desk",
                                    need="Altro", area="anziani")
    assert other not in selectors.request_list(actor=gp)


def test_the_same_codice_fiscale_brings_the_request_to_the_same_person(pua):
    first, fields = _bring(pua, "gp", Channel.GP)
    second = services.request_bring(actor=pua.users["asl.operator"], channel=Channel.HOSPITAL_DISCHARGE,
                                    person=fields, need="Dimissione", area="anziani", consents=NOTICE)
    assert second.person == first.person
    assert Person.objects.filter(fiscal_code=fields["fiscal_code"]).count() == 1


def test_an_ets_operator_brings_a_request_and_sees_only_its_own(pua):
    mine, _fields = _bring(pua, "ets.operator", Channel.ETS)
    gp_request, _ = _bring(pua, "gp", Channel.GP)
    ets = pua.users["ets.operator"]
    assert list(selectors.request_list(actor=ets)) == [mine]
    assert gp_request not in selectors.requests_brought(actor=ets)
    with pytest.raises(PermissionDenied):
        _bring(pua, "ets.operator", Channel.GP)


def test_the_information_notice_is_required(pua):
    with pytest.raises(ValidationError) as refused:
        _bring(pua, "gp", Channel.GP, consents=["care_processing"])
    assert "consents" in refused.value.message_dict
    assert not AccessRequest.objects.exists()


def test_a_gp_sends_a_request_from_its_page_and_follows_it(pua, client):
    client.force_login(pua.users["gp"])
    page = client.get(reverse("access-bring"))
    assert page.status_code == 200 and "Invia una domanda al PUA" in page.content.decode()
    fields = person_fields(pua.comuni["monza"])
    response = client.post(reverse("access-bring"), {
        **fields, "residence_comune": fields["residence_comune"].pk, "birth_date": fields["birth_date"].isoformat(),
        "consents": ["information_notice", "health_sharing"], "area": "anziani", "urgency": "2",
        "need": "Vive solo, cadute frequenti"})
    assert response.status_code == 302 and response.url == reverse("access-my-requests")
    created = AccessRequest.objects.get()
    assert created.channel == Channel.GP and created.brought_by == pua.users["gp"]
    listing = client.get(reverse("access-my-requests")).content.decode()
    assert f"#{created.pk}" in listing and fields["last_name"] in listing
    services.request_triage(actor=pua.users["sw.monza"], request=created, triage_kind="social",
                            outcome="information", note="")
    services.request_transition(actor=pua.users["sw.monza"], request=created, to_status="information",
                                note="Informato sui servizi di trasporto")
    assert "Informato sui servizi di trasporto" in client.get(reverse("access-my-requests")).content.decode()


def test_the_api_takes_a_gp_request_for_a_new_patient(pua):
    api = APIClient()
    api.force_authenticate(pua.users["gp"])
    fields = person_fields(pua.comuni["monza"])
    body = {"channel": "gp", "need": "Dimesso ieri, vive solo", "area": "anziani", "urgency": 3,
            "consents": ["information_notice", "care_processing"],
            "person_details": {**fields, "residence_comune": pua.comuni["monza"].istat_code,
                               "birth_date": fields["birth_date"].isoformat()}}
    response = api.post("/api/v1/requests/", body, format="json")
    assert response.status_code == 201, response.content
    pseudonym = response.json()["person"]
    assert api.get(f"/api/v1/requests/{response.json()['id']}/").status_code == 200
    assert Person.objects.get(pseudonym=pseudonym).fiscal_code == fields["fiscal_code"]
    missing = api.post("/api/v1/requests/", {**body, "consents": []}, format="json")
    assert missing.status_code == 400 and "consents" in missing.json()


def test_a_request_at_a_community_desk_with_a_gp_is_a_joint_assessment(pua):
    sw, gp = pua.users["sw.monza"], pua.users["gp"]
    desk = CommunityDesk.objects.create(ambito=pua.ambito, comune=pua.comuni["monza"], name="Casa di Comunità",
                                        place="Via Sempione 1")
    desk.staff.add(sw, gp)
    request, _ = _bring(pua, "sw.monza", Channel.COMMUNITY_DESK, desk=desk, desk_gp=gp)
    _bring(pua, "sw.monza", Channel.COMMUNITY_DESK, desk=desk)
    [row] = selectors.desk_figures(actor=sw, year=request.received_at.year)
    assert (row.requests_count, row.joint_count) == (2, 1)
    with pytest.raises(ValidationError):  # a GP who does not work at the desk
        _bring(pua, "sw.monza", Channel.COMMUNITY_DESK, desk=desk, desk_gp=pua.users["sw.brugherio"])
    with pytest.raises(PermissionDenied):  # not staff of the desk
        _bring(pua, "sw.brugherio", Channel.COMMUNITY_DESK, desk=desk)


def test_each_door_is_counted_by_channel_and_each_desk_by_its_joint_assessments(pua):
    from django.utils import timezone

    from ambito.monitoring.indicators import Breakdown, Period, compute

    sw, gp = pua.users["sw.monza"], pua.users["gp"]
    desk = CommunityDesk.objects.create(ambito=pua.ambito, comune=pua.comuni["monza"], name="Casa di Comunità",
                                        place="Via Sempione 1")
    desk.staff.add(sw, gp)
    info_point = pua.services["oncology_info"]
    info_point.staffed_by.add(pua.organisations["coop_ponte"])
    doors = [("gp", Channel.GP, {}), ("asl.operator", Channel.HOSPITAL_DISCHARGE, {}), ("ets.operator", Channel.ETS, {}),
             ("ets.operator", Channel.INFO_POINT, {"info_point": info_point}), ("citizen", Channel.ONLINE, {}),
             ("sw.monza", Channel.COMMUNITY_DESK, {"desk": desk, "desk_gp": gp})]
    for times, (username, channel, door) in enumerate(doors, start=1):  # a different count for each door
        for _n in range(times):
            _bring(pua, username, channel, **door)
    period = Period.year(timezone.localdate().year)
    by_channel = {c.key: c.value for c in compute("requests_received", actor=sw, period=period,
                                                     by=Breakdown.CHANNEL).cells}
    assert by_channel == {"gp": 1, "hospital_discharge": 2, "ets": 3, "info_point": 4, "online": 5,
                          "community_desk": 6}
    [cell] = compute("desk_joint_assessments", actor=sw, period=period, by=Breakdown.DESK).cells
    assert (cell.key, cell.label, cell.value) == (str(desk.pk), "Casa di Comunità", 6)


def test_the_registration_page_sends_a_gp_to_its_door(pua, client):
    client.force_login(pua.users["gp"])
    page = client.get(reverse("access-person-create")).content.decode()
    assert "Usi la porta di accesso del PUA" in page and reverse("access-bring") in page
    client.force_login(pua.users["sw.monza"])
    assert "Usi la porta di accesso del PUA" not in client.get(reverse("access-person-create")).content.decode()


def test_after_an_admission_the_next_step_is_the_pai_of_the_person_admitted(pua, client):
    from ambito.access.tests.factories import make_person

    sw = pua.users["sw.monza"]
    services.priority_criteria_ensure_defaults(ambito=pua.ambito)
    sad = services.waiting_list_ensure(service=pua.services["sad_monza"], open_slots=1)
    entry = services.waiting_list_entry_add(actor=sw, waiting_list=sad, person=make_person(sw, pua.comuni["monza"]))
    client.force_login(sw)
    response = client.post(reverse("access-waiting-list-admit", args=[sad.pk]), {"entry": entry.pk}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"?ammessa={entry.pk}")
    assert "Prossimo passo" in page and f"/casi/nuovo/?persona={entry.person.pseudonym}" in page
    # a made-up or not admitted entry shows no next step
    assert "Prossimo passo" not in client.get(reverse("access-waiting-list", args=[sad.pk]) + "?ammessa=999999") \
        .content.decode()
