"""Editing a service from the staff pages: who may, who gets 403 (logged), field errors in Italian."""

from django.urls import reverse

from ambito.accounts.models import AccessAction, AccessLog
from ambito.network.models import Service

# persona: (may edit coop_ponte's SAD Monza, may edit ASST's ADI)
EXPECTED = {
    "planner": (True, True),
    "ets.operator": (True, False),
    "sw.monza": (False, False),
    "sw.brugherio": (False, False),
    "asl.operator": (False, False),
    "gp": (False, False),
    "observer": (False, False),
    "admin": (False, False),
    "citizen": (False, False),
}


def _post_data(service, **changes):
    data = {
        "version": service.version, "name": service.name, "description": service.description,
        "taxonomy_term": service.taxonomy_term_id or "", "target_groups": service.target_groups,
        "minimum_age": service.minimum_age if service.minimum_age is not None else "",
        "maximum_age": service.maximum_age if service.maximum_age is not None else "",
        "isee_max": "", "eligibility_description": service.eligibility_description,
        "application_process": service.application_process, "fee": service.fee,
        "fees_description": service.fees_description, "languages": ", ".join(service.languages),
        "phone": service.phone, "email": service.email, "url": service.url,
        "capacity": service.capacity if service.capacity is not None else "",
        "capacity_unit": service.capacity_unit, "target_wait_days": service.target_wait_days or "",
        "active": "on",
    }
    data.update(changes)
    return data


def test_each_persona_edits_only_what_it_may(demo_with, client):
    demo = demo_with("network")
    for username, expected in EXPECTED.items():
        client.force_login(demo.users[username])
        for key, allowed in zip(("sad_monza", "adi"), expected, strict=True):
            _try_edit(client, demo, username, key, allowed)


def _try_edit(client, demo, username, key, allowed):
    service = Service.objects.get(pk=demo.services[key].pk)
    url = reverse("network-service-edit", args=[service.pk])
    denied_before = AccessLog.objects.filter(action=AccessAction.DENIED, object_id=str(service.pk),
                                             user=demo.users[username]).count()
    phone = f"039 111 {username}"
    response = client.post(url, _post_data(service, phone=phone))
    version = service.version
    service.refresh_from_db()
    if allowed:
        assert response.status_code == 302, (username, response.content.decode()[:2000])
        assert service.phone == phone and service.version == version + 1
    else:
        assert response.status_code == 403, username
        assert service.phone != phone
        assert AccessLog.objects.filter(action=AccessAction.DENIED, object_id=str(service.pk),
                                        user=demo.users[username]).count() == denied_before + 1


def test_an_anonymous_visitor_is_sent_to_sign_in(demo_with, client):
    demo = demo_with("network")
    response = client.get(reverse("network-service-edit", args=[demo.services["adi"].pk]))
    assert response.status_code == 302 and "/accesso/" in response["Location"]


def test_the_denied_attempt_is_also_logged_by_the_application(demo_with, client, caplog):
    demo = demo_with("network")
    client.force_login(demo.users["ets.operator"])
    with caplog.at_level("WARNING", logger="ambito.network.services"):
        assert client.get(reverse("network-service-edit", args=[demo.services["adi"].pk])).status_code == 403
    assert "denied edit a service of another organisation" in caplog.text


def test_field_errors_are_shown_in_italian(demo_with, client_as):
    demo = demo_with("network")
    client = client_as("planner")
    service = demo.services["school"]
    response = client.post(reverse("network-service-edit", args=[service.pk]),
                           _post_data(service, minimum_age="18", maximum_age="6", languages="italiano"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "italiano non è un codice lingua di due lettere." in text
    response = client.post(reverse("network-service-edit", args=[service.pk]),
                           _post_data(service, minimum_age="18", maximum_age="6"))
    assert "L&#x27;età massima non può essere inferiore all&#x27;età minima." in response.content.decode()


def test_a_stale_edit_is_refused(demo_with, client_as):
    demo = demo_with("network")
    client = client_as("planner")
    service = demo.services["cdd"]
    stale = _post_data(service, phone="1")
    client.post(reverse("network-service-edit", args=[service.pk]), _post_data(service, phone="2"))
    response = client.post(reverse("network-service-edit", args=[service.pk]), stale)
    assert response.status_code == 200
    assert "Qualcun altro ha salvato" in response.content.decode() or "salvato" in response.content.decode()
    service.refresh_from_db()
    assert service.phone == "2"


def test_the_catalogue_page_lists_the_operators_services(demo_with, client_as):
    demo = demo_with("network")
    response = client_as("ets.operator").get(reverse("network-catalogue"))
    text = response.content.decode()
    assert demo.services["sad_monza"].name in text
    assert demo.services["adi"].name not in text


def test_catalogue_queries_do_not_grow_with_the_services(demo_with, client_as, django_assert_max_num_queries):
    demo = demo_with("network")
    client = client_as("planner")
    client.get(reverse("network-catalogue"))
    with django_assert_max_num_queries(12):
        client.get(reverse("network-catalogue"))
    base = demo.services["sad_monza"]
    Service.objects.bulk_create([
        Service(ambito=base.ambito, provider=base.provider, name=f"Servizio {i}", service_type="sad", area="anziani")
        for i in range(50)
    ])
    with django_assert_max_num_queries(12):
        client.get(reverse("network-catalogue"))


PROFILE_ACCESS = {"ets.operator": 200, "planner": 200, "sw.monza": 403, "sw.brugherio": 403, "asl.operator": 403,
                  "gp": 403, "observer": 403, "admin": 403, "citizen": 403}


def test_provider_profile_page_for_each_role(demo_with, client):
    demo = demo_with("network")
    own = reverse("network-provider-edit", args=[demo.organisations["coop_ponte"].pk])
    other = reverse("network-provider-edit", args=[demo.organisations["coop_spazio"].pk])
    for username, status in PROFILE_ACCESS.items():
        client.force_login(demo.users[username])
        assert client.get(own).status_code == status, username
        assert client.get(other).status_code == (200 if username == "planner" else 403), username


def test_the_planner_saves_a_profile_and_sees_italian_errors(demo_with, client_as):
    demo = demo_with("network")
    client = client_as("planner")
    url = reverse("network-provider-edit", args=[demo.organisations["aps_giovani"].pk])
    data = {"version": 1, "legal_form": "association", "runts_number": "MB-1", "runts_section": "",
            "accreditation_status": "accredited", "areas": ["famiglia_minori"]}
    text = client.post(url, data).content.decode()
    assert "Indicare la sezione RUNTS" in text and "Per un ente accreditato serve la data" in text
    data.update(runts_section="b", accreditation_date="2026-01-10", accreditation_expiry="2029-01-09")
    assert client.post(url, data).status_code == 302


def test_the_info_point_log_records_a_contact(demo_with, client_as):
    demo = demo_with("network")
    client = client_as("planner")
    url = reverse("network-info-point-contacts", args=[demo.services["oncology_info"].pk])
    assert "48 contatti" in client.get(url).content.decode()
    response = client.post(url, {"date": "2026-11-02", "channel": "phone", "topic": "transport",
                                 "referred_to": demo.services["transport"].pk})
    assert response.status_code == 302
    assert "49 contatti" in client.get(url).content.decode()
    assert client_as("ets.operator").get(url).status_code == 403
