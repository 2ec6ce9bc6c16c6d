"""Who accessed a person's record (*registro degli accessi*): the page and API for the DPO and the person's
case manager, the DPO's view of the whole log of their Ambiti, and the rules behind them."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ambito.access.models import AccessRequest, Channel, Person
from ambito.accounts.models import AccessAction, AccessLog
from ambito.accounts.selectors import scope_for
from ambito.accounts.services import access_log_record, access_log_records
from ambito.care.models import CarePlan
from ambito.network.taxonomy import Area
from ambito.privacy import selectors
from ambito.privacy.rules import can_view_person_access_log

PERSONAS = ["planner", "sw.monza", "sw.brugherio", "asl.operator", "gp", "ets.operator", "observer", "admin", "dpo",
            "citizen"]
# For Maria (Monza): the DPO of the planning office, the Monza social worker and the district operator (who may
# edit her record), and sw.brugherio as case manager of her care plan. Administrators are audited, not readers.
MAY_READ_MARIA = {"dpo", "sw.monza", "asl.operator", "sw.brugherio"}


@pytest.fixture
def world(demo):
    """Two persons, a GP request and a care plan for Maria, and accesses to them by several personas."""
    users = demo.users
    maria = Person.objects.create(ambito=demo.ambito, first_name="Maria", last_name="Trailtest",
                                  birth_date=datetime.date(1940, 5, 1), sex="F", residence_comune=demo.comuni["monza"])
    lucia = Person.objects.create(ambito=demo.ambito, first_name="Lucia", last_name="Elsewhere",
                                  birth_date=datetime.date(1950, 2, 3), sex="F",
                                  residence_comune=demo.comuni["brugherio"])
    request = AccessRequest.objects.create(ambito=demo.ambito, person=maria, comune=maria.residence_comune,
                                           channel=Channel.GP, brought_by=users["gp"], need="Help at home",
                                           area=Area.ELDERLY, received_at=timezone.now())
    today = timezone.localdate()
    plan = CarePlan.objects.create(ambito=demo.ambito, comune=maria.residence_comune, person=maria, title="PAI",
                                   area=Area.ELDERLY, start_date=today, end_date=today + datetime.timedelta(days=90),
                                   case_manager=users["sw.brugherio"], status="active")
    access_log_record(actor=users["gp"], record=request, action=AccessAction.CREATE, purpose="access request")
    access_log_record(actor=users["sw.monza"], record=maria, action=AccessAction.READ, purpose="person record")
    access_log_record(actor=users["sw.monza"], record=plan, action=AccessAction.UPDATE, purpose="plan signed")
    access_log_record(actor=users["sw.brugherio"], record=lucia, action=AccessAction.READ, purpose="person record")
    access_log_record(actor=users["ets.operator"], record=maria, action=AccessAction.DENIED, purpose="peek")
    for user in users.values():  # a fresh scope per request, as in production
        user.__dict__.pop("_ambito_scope", None)
        user.__dict__.pop("_ambito_dpo_ambiti", None)
    return demo, maria, lucia, request, plan


def _url(person_pk):
    return reverse("privacy-person-access-log", args=[person_pk])


def test_each_access_carries_who_organisation_role_object_person_action_purpose_and_when(world):
    demo, maria, _lucia, request, plan = world
    entries = {(e.content_type.model, e.action): e for e in AccessLog.objects.filter(person_id=maria.pk)}
    created = entries[("accessrequest", "create")]
    assert (created.user, created.organisation, created.role) == (demo.users["gp"], demo.organisations["asst"], "gp")
    assert (created.object_id, created.person_id, created.person_ref) == (str(request.pk), maria.pk, maria.pseudonym)
    assert (created.purpose_code, created.purpose) == ("intake", "access request")
    assert created.at is not None
    assert entries[("careplan", "update")].purpose_code == "care"
    assert entries[("careplan", "update")].object_id == str(plan.pk)
    assert entries[("person", "denied")].role == "provider_operator"


def test_only_the_dpo_and_the_case_team_read_a_persons_trail_and_nothing_leaks(world, client):
    demo, maria, _lucia, _request, _plan = world
    missing = Person.objects.order_by("-pk").first().pk + 1000
    for username in PERSONAS:
        client.force_login(demo.users[username])
        page = client.get(_url(maria.pk))
        api = client.get(reverse("api-person-access-log", args=[maria.pk]))
        if username in MAY_READ_MARIA:
            assert (page.status_code, api.status_code) == (200, 200), username
            assert maria.pseudonym in page.content.decode()
        else:
            assert (page.status_code, api.status_code) == (403, 403), username
            for response in (page, api):
                body = response.content.decode()
                assert maria.pseudonym not in body and "Trailtest" not in body and "sw.monza" not in body
            assert client.get(reverse("privacy-person-access-log-csv", args=[maria.pk])).status_code == 403
        # an id that does not exist answers like a forbidden one: no existence oracle
        assert client.get(_url(missing)).status_code == 403, username
        assert client.get(reverse("api-person-access-log", args=[missing])).status_code == 403, username
    client.logout()
    assert client.get(_url(maria.pk)).status_code == 302
    assert client.get(reverse("api-person-access-log", args=[maria.pk])).status_code in (401, 403)


def test_the_trail_lists_every_record_about_the_person_and_filters(world, client_as):
    demo, maria, _lucia, _request, _plan = world
    client = client_as("dpo")
    rows = client.get(_url(maria.pk)).context["page"].object_list
    kinds = {(e.content_type.model, e.action) for e in rows}
    assert {("accessrequest", "create"), ("person", "read"), ("careplan", "update"), ("person", "denied")} <= kinds
    assert all(e.person_id == maria.pk for e in rows)  # nothing about Lucia
    body = client.get(_url(maria.pk)).content.decode()
    assert "Galli" in body and "ASST Monza" in body and "Cooperativa Sociale Il Ponte" in body
    only_denied = client.get(_url(maria.pk), {"azione": "denied"}).context["page"].object_list
    assert [e.user.username for e in only_denied] == ["ets.operator"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert list(client.get(_url(maria.pk), {"dal": tomorrow.isoformat()}).context["page"].object_list) == []
    today = timezone.localdate().isoformat()
    assert len(client.get(_url(maria.pk), {"dal": today, "al": today}).context["page"].object_list) >= 4
    inverted = client.get(_url(maria.pk), {"dal": tomorrow.isoformat(), "al": today})
    assert inverted.status_code == 200 and inverted.context["form"].errors


def test_reading_the_trail_is_itself_logged_for_audit(world, client_as):
    demo, maria, _lucia, _request, _plan = world
    client_as("sw.brugherio").get(_url(maria.pk))
    entry = AccessLog.objects.filter(user=demo.users["sw.brugherio"], person_id=maria.pk).latest("id")
    assert (entry.action, entry.purpose_code, entry.content_type.model) == ("read", "audit", "person")
    client_as("dpo").get(reverse("api-person-access-log", args=[maria.pk]))
    assert AccessLog.objects.filter(user=demo.users["dpo"], person_id=maria.pk, purpose_code="audit").exists()


def test_the_csv_download_streams_the_filtered_trail_and_is_logged(world, client_as):
    demo, maria, _lucia, _request, _plan = world
    access_log_record(actor=demo.users["sw.monza"], record=maria, action=AccessAction.READ, purpose="=HYPERLINK(1)")
    response = client_as("dpo").get(reverse("privacy-person-access-log-csv", args=[maria.pk]), {"azione": "read"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert maria.pseudonym in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1 + AccessLog.objects.filter(person_id=maria.pk, action="read").count()
    assert all(row[-1] == maria.pseudonym for row in rows[1:])
    assert "'=HYPERLINK(1)" in {row[7] for row in rows[1:]}  # a spreadsheet will not run it as a formula
    assert AccessLog.objects.filter(user=demo.users["dpo"], action="export", purpose_code="audit").exists()


def test_the_person_page_links_to_the_trail_only_for_those_who_may_read_it(world, client_as):
    _demo, maria, _lucia, _request, _plan = world
    page = client_as("sw.monza").get(reverse("access-person", args=[maria.pseudonym]))
    assert page.status_code == 200 and _url(maria.pk) in page.content.decode()
    page = client_as("gp").get(reverse("access-person", args=[maria.pseudonym]))  # sees her through a request
    assert page.status_code == 200 and _url(maria.pk) not in page.content.decode()


def test_the_dpo_lists_the_log_of_their_ambito_with_filters(world, client_as):
    demo, maria, lucia, _request, _plan = world
    outsider = AccessLog.objects.filter(person_id=maria.pk).first().content_type  # a record about no one
    access_log_record(actor=None, record=outsider, action=AccessAction.READ, purpose="no person, no organisation")
    client = client_as("dpo")
    page = client.get(reverse("privacy-access-log"))
    assert page.status_code == 200
    rows = page.context["page"].object_list
    assert {e.person_id for e in rows} >= {maria.pk, lucia.pk}
    assert "no person, no organisation" not in {e.purpose for e in rows}
    assert _url(maria.pk) in page.content.decode()
    by_user = client.get(reverse("privacy-access-log"), {"utente": demo.users["sw.brugherio"].pk})
    assert {e.user.username for e in by_user.context["page"].object_list} == {"sw.brugherio"}
    denied = client.get(reverse("privacy-access-log"), {"azione": "denied"}).context["page"].object_list
    assert [e.user.username for e in denied] == ["ets.operator"]
    # the DPO's own reads of the log are hidden unless asked for, so pages do not shift under the reader
    assert not any(e.user_id == demo.users["dpo"].pk for e in page.context["page"].object_list)
    mine = client.get(reverse("privacy-access-log"), {"mie_letture": "on"}).context["page"].object_list
    assert any(e.user_id == demo.users["dpo"].pk and e.purpose_code == "audit" for e in mine)
    api = client.get(reverse("api-access-log"), {"action": "denied"}).json()
    assert [r["username"] for r in api["results"]] == ["ets.operator"]
    assert api["results"][0]["role"] == "provider_operator" and api["results"][0]["person_id"] == maria.pk
    assert client.get(reverse("api-access-log"), {"action": "peek"}).status_code == 400


def test_only_the_dpo_has_the_ambito_log_and_its_menu_entry(world, client):
    demo = world[0]
    for username in PERSONAS:
        client.force_login(demo.users[username])
        page, api = client.get(reverse("privacy-access-log")), client.get(reverse("api-access-log"))
        home = client.get(reverse("home")).content.decode()
        if username == "dpo":
            assert (page.status_code, api.status_code) == (200, 200)
            assert reverse("privacy-access-log") in home
        else:
            assert (page.status_code, api.status_code) == (403, 403), username
            assert "Trailtest" not in page.content.decode() + api.content.decode()
            assert reverse("privacy-access-log") not in home, username


def _fill(demo, person, count):
    access_log_records(actor=demo.users["sw.monza"], records=[person] * count, action=AccessAction.LIST,
                       purpose="work queue")


@pytest.mark.parametrize("view", ["privacy-access-log", "api-access-log", "privacy-person-access-log",
                                  "api-person-access-log"])
def test_the_log_pages_cost_the_same_queries_for_1_and_50_rows(demo, client_as, view,
                                                               django_assert_max_num_queries):
    maria = Person.objects.create(ambito=demo.ambito, first_name="Maria", last_name="Count",
                                  birth_date=datetime.date(1940, 5, 1), sex="F", residence_comune=demo.comuni["monza"])
    client = client_as("dpo")
    url = reverse(view, args=[maria.pk]) if "person" in view else reverse(view)
    is_page = view.startswith("privacy-")

    def rows(response):
        return list(response.context["page"].object_list) if is_page else response.json()["results"]

    _fill(demo, maria, 1)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    # the person's trail also shows the DPO's own reads of it (each visit adds one)
    first = len(rows(response))
    assert first == (1 if view.endswith("-access-log") and "person" not in view else 2)
    _fill(demo, maria, 49)
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert len(rows(response)) == 50


def test_the_endpoints_are_in_the_openapi_schema(demo, client_as):
    schema = client_as("dpo").get(reverse("api-schema"), {"format": "json"}).json()
    assert "/api/v1/persons/{id}/access-log/" in schema["paths"] or "/api/v1/persons/{pk}/access-log/" in schema[
        "paths"]
    listing = schema["paths"]["/api/v1/access-log/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"date_from", "date_to", "action", "purpose", "user", "page"}


@pytest.mark.parametrize("username", PERSONAS)
def test_who_reads_which_trail_and_which_entries(world, username):
    demo, maria, lucia = world[:3]
    user = demo.users[username]
    scope_for(user)
    readable = set(selectors.person_access_log_persons(actor=user).values_list("pk", flat=True))
    assert (maria.pk in readable) == (username in MAY_READ_MARIA) == can_view_person_access_log(user, maria)
    # Lucia (Brugherio): her Comune's social worker, the district and the DPO; sw.monza works in Monza only.
    assert (lucia.pk in readable) == (username in {"dpo", "sw.brugherio", "asl.operator"}), username
    visible = selectors.access_log_list(actor=user)
    if username == "dpo":
        assert {e.person_id for e in visible} >= {maria.pk, lucia.pk}
    else:
        assert not visible.exists(), username
