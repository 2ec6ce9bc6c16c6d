import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ambito.accounts.models import AccessLog
from ambito.care import services
from ambito.care.models import CaseAttachment, Delivery, ReferralStatus
from ambito.care.tests.factories import accepted_referral, person, signed_plan, uvm

pytestmark = pytest.mark.django_db


def test_the_social_worker_builds_a_plan_from_the_uvm_without_javascript(care_demo, client_as):
    who = person(care_demo)
    _request, assessment = uvm(care_demo, who)
    client = client_as("sw.monza")
    today = timezone.localdate()
    form = client.get(reverse("care-plan-create") + f"?uvm={assessment.pk}")
    assert "Nuovo piano di assistenza individualizzato" in form.content.decode()
    created = client.post(reverse("care-plan-create"), {
        "person": who.pk, "assessment": assessment.pk, "title": "PAI domiciliare", "area": "anziani",
        "start_date": today.isoformat(), "end_date": (today + datetime.timedelta(days=200)).isoformat()})
    plan = who.care_plans.get()
    assert created.url == reverse("care-plan-detail", args=[plan.pk])
    client.post(reverse("care-goal-add", args=[plan.pk]), {
        "description": "Autonomia", "indicator": "Barthel", "target": "60",
        "review_on": (today + datetime.timedelta(days=90)).isoformat()})
    bad = client.post(reverse("care-intervention-add", args=[plan.pk]), {
        "service": care_demo.services["sad_monza"].pk, "description": "SAD", "intensity": "6",
        "intensity_unit": "hours_week", "start_date": today.isoformat(),
        "end_date": (today + datetime.timedelta(days=400)).isoformat(), "payer": "comune"})
    assert bad.status_code == 400 and "periodo del piano" in bad.content.decode()
    client.post(reverse("care-intervention-add", args=[plan.pk]), {
        "service": care_demo.services["sad_monza"].pk, "description": "SAD", "intensity": "6",
        "intensity_unit": "hours_week", "start_date": today.isoformat(),
        "end_date": (today + datetime.timedelta(days=200)).isoformat(), "payer": "comune"})
    client.post(reverse("care-plan-sign", args=[plan.pk]), {"signed_on": today.isoformat(), "signed_by": "Maria"})
    intervention = plan.interventions.get()
    client.post(reverse("care-referral-send", args=[plan.pk, intervention.pk]), {"response_days": "5"})
    page = client.get(reverse("care-plan-detail", args=[plan.pk]))
    text = page.content.decode()
    assert "Attivo" in text and "Inviato" in text and "Cooperativa Sociale Il Ponte" in text
    assert client_as("sw.brugherio").get(reverse("care-plan-detail", args=[plan.pk])).status_code == 403
    assert client_as("ets.operator").get(reverse("care-plan-detail", args=[plan.pk])).status_code == 403
    assert client_as("observer").get(reverse("care-plan-list")).status_code == 403


def test_the_ets_operator_accepts_from_its_inbox_with_and_without_htmx(care_demo, client_as):
    sw = care_demo.users["sw.monza"]
    _plan, first = signed_plan(care_demo)
    _plan2, second = signed_plan(care_demo, who=person(care_demo, first="Bruna", last="Galli"))
    one = services.referral_send(actor=sw, intervention=first)
    two = services.referral_send(actor=sw, intervention=second)
    client = client_as("ets.operator")
    inbox = client.get(reverse("care-referral-inbox")).content.decode()
    assert "Via Italia 1" in inbox and one.person.pseudonym not in inbox and "1940" not in inbox
    swapped = client.post(reverse("care-referral-accept", args=[one.pk]), HTTP_HX_REQUEST="true")
    assert swapped.status_code == 200 and f'id="referral-{one.pk}"' in swapped.content.decode()
    assert "<html" not in swapped.content.decode()
    plain = client.post(reverse("care-referral-accept", args=[two.pk]))
    assert plain.status_code == 302
    twice = client.post(reverse("care-referral-accept", args=[two.pk]), follow=True)
    assert "non si può rispondere due volte" in twice.content.decode()
    one.refresh_from_db()
    assert one.status == ReferralStatus.ACCEPTED
    # The Comune's inbox holds referrals to the Comune's own services, not those sent to the ETS.
    assert "Via Italia 1" not in client_as("sw.monza").get(reverse("care-referral-inbox")).content.decode()
    assert client_as("observer").get(reverse("care-referral-inbox")).status_code == 403


def test_the_ets_operator_logs_a_week_and_a_failed_week_saves_nothing(care_demo, client_as):
    referral = accepted_referral(care_demo)
    client = client_as("ets.operator")
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 7)
    page = client.get(reverse("care-referral-detail", args=[referral.pk])).content.decode()
    assert "Registra una settimana intera" in page and "Apri il caso" not in page
    bad = client.post(reverse("care-delivery-week", args=[referral.pk]), {
        "week_start": monday.isoformat(), "delivery_type": "home_care_visit", "operator_name": "Anna",
        "start_0": "09:00", "end_0": "11:00", "start_2": "11:00", "end_2": "10:00"})
    assert bad.status_code == 400 and "Non è stato salvato nulla" in bad.content.decode()
    assert not Delivery.objects.exists()
    good = client.post(reverse("care-delivery-week", args=[referral.pk]), {
        "week_start": monday.isoformat(), "delivery_type": "home_care_visit", "operator_name": "Anna",
        "start_0": "09:00", "end_0": "11:00", "start_2": "09:00", "end_2": "10:30"})
    assert good.status_code == 302 and Delivery.objects.count() == 2
    csv = SimpleUploadedFile("d.csv", (
        "referral;date;start;end;hours;type;operator\n"
        f"{referral.pk};{monday:%Y-%m-%d};09:00;10:00;;home_care_visit;Anna\n").encode())
    refused = client.post(reverse("care-delivery-import"), {"file": csv})
    assert refused.status_code == 400 and "Anna ha già una prestazione" in refused.content.decode()
    assert Delivery.objects.count() == 2


def test_attachments_are_private_and_served_only_to_who_may_read_the_note(care_demo, client_as, settings):
    referral = accepted_referral(care_demo)
    sw = care_demo.users["sw.monza"]
    social = services.case_note_add(actor=sw, person=referral.person, text="Solo sociale", visibility="social",
                                    files=[SimpleUploadedFile("relazione.pdf", b"%PDF-1.4 test", "application/pdf")])
    shared = services.case_note_add(actor=sw, person=referral.person, text="Per l'ente", visibility="provider",
                                    referral=referral,
                                    files=[SimpleUploadedFile("chiavi.txt", b"Chiavi dalla vicina", "text/plain")])
    private, provider_file = CaseAttachment.objects.get(note=social), CaseAttachment.objects.get(note=shared)
    assert private.file.path.startswith(str(settings.PRIVATE_STORAGE_ROOT))
    assert not private.file.path.startswith(str(settings.MEDIA_ROOT))
    ok = client_as("sw.monza").get(reverse("care-attachment", args=[private.pk]))
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == b"%PDF-1.4 test"
    assert client_as("ets.operator").get(reverse("care-attachment", args=[private.pk])).status_code == 403
    assert client_as("asl.operator").get(reverse("care-attachment", args=[private.pk])).status_code == 403
    assert client_as("ets.operator").get(reverse("care-attachment", args=[provider_file.pk])).status_code == 200
    assert AccessLog.objects.filter(user=care_demo.users["ets.operator"], action="denied",
                                    object_id=str(private.pk)).exists()
    with pytest.raises(Exception, match="PDF, JPEG"):
        services.case_note_add(actor=sw, person=referral.person, text="x",
                               files=[SimpleUploadedFile("a.exe", b"MZ", "application/x-msdownload")])
    for attachment in (private, provider_file):
        attachment.file.delete(save=False)


LIST_PAGES = [("sw.monza", "care-plan-list"), ("ets.operator", "care-referral-inbox"),
              ("sw.monza", "care-budget-list"), ("asl.operator", "care-plan-list"),
              ("sw.monza", "care-discharge-list")]


def test_list_pages_use_the_same_queries_for_1_and_many_rows(care_demo, client):
    sw = care_demo.users["sw.monza"]

    def case(who=None):
        referral = accepted_referral(care_demo, **({"who": who} if who else {}))
        services.health_budget_create(actor=sw, person=referral.person, title="B",
                                      start_date=referral.care_plan.start_date, end_date=referral.care_plan.end_date)
        discharge = services.discharge_create(actor=sw, person=referral.person, setting="hospital", facility="H",
                                              planned_on=timezone.localdate())
        services.discharge_service_require(actor=sw, discharge=discharge, service=care_demo.services["adi"])

    def counts():
        result = {}
        for username, url_name in LIST_PAGES:
            client.force_login(care_demo.users[username])
            client.get(reverse(url_name))
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(url_name)).status_code == 200
            result[(username, url_name)] = len(queries)
        return result

    case()
    one = counts()
    for index in range(6):
        case(person(care_demo, first=f"N{index}"))
    assert counts() == one


def test_the_social_worker_plans_a_discharge_and_sees_it_flagged_until_confirmed(care_demo, client_as):
    who = person(care_demo)
    client = client_as("sw.monza")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    created = client.post(reverse("care-discharge-list"), {"person": who.pk, "setting": "hospital",
                                                           "facility": "San Gerardo", "planned_on": tomorrow})
    discharge = who.discharges.get()
    url = reverse("care-discharge-detail", args=[discharge.pk])
    assert created.url == url
    client.post(url, {"form": "service", "service": care_demo.services["sad_monza"].pk})
    client.post(url, {"form": "task", "label": "Letto articolato", "owner_organisation":
                      care_demo.organisations["asst"].pk, "due_on": tomorrow})
    assert "Servizi non confermati" in client.get(reverse("care-discharge-list")).content.decode()
    item = discharge.services.get()
    client.post(url, {"form": "confirm", "item": item.pk})
    client.post(url, {"form": "done", "task": discharge.tasks.get().pk})
    page = client.get(reverse("care-discharge-list")).content.decode()
    assert "Servizi non confermati" not in page
    assert client_as("sw.brugherio").get(url).status_code == 403
    assert client_as("ets.operator").get(reverse("care-discharge-list")).status_code == 403


def test_a_budget_di_salute_is_built_and_reported_by_axis(care_demo, client_as):
    who = person(care_demo)
    client = client_as("sw.monza")
    today = timezone.localdate()
    created = client.post(reverse("care-budget-create"), {
        "person": who.pk, "title": "Abitare in autonomia", "area": "salute_mentale",
        "start_date": today.replace(day=1).isoformat(), "end_date": (today + datetime.timedelta(days=300)).isoformat()})
    budget = who.health_budgets.get()
    url = reverse("care-budget-detail", args=[budget.pk])
    assert created.url == url
    client.post(url, {"form": "line", "axis": "home", "funder": "asl", "description": "Educatore",
                      "planned_amount": "6000"})
    client.post(url, {"form": "member", "role": "ets", "name": "Cooperativa Il Ponte"})
    line = budget.lines.get()
    client.post(url, {"form": "expense", "line": line.pk, "spent_on": today.isoformat(), "amount": "1250.50"})
    refused = client.post(url, {"form": "expense", "line": line.pk, "spent_on": today.isoformat(), "amount": "-3"})
    assert refused.status_code == 400
    page = client.get(url).content.decode()
    assert "6.000,00" in page and "1.250,50" in page and "4.749,50" in page and "Cooperativa Il Ponte" in page
    assert client_as("sw.brugherio").get(url).status_code == 403
    assert client_as("ets.operator").get(url).status_code == 403
