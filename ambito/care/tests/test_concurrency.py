"""Two social workers editing the same PAI: the second save is refused, not lost, and told what the first one
saved. At the bottom, parallel requests on a live server (PostgreSQL): N provider operators accepting one
referral, N social workers saving one plan."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ambito.care import services
from ambito.care.models import CarePlan, CarePlanStatus, ReferralStatus
from ambito.care.tests.factories import person, signed_plan, uvm
from ambito.core.concurrency import StaleEditError
from ambito.core.tests.parallel import (
    THREADS,
    api_session,
    colleagues,
    fire,
    one_winner,
    requires_postgresql,
    summary,
)
from ambito.network.taxonomy import Area


def _hidden_version(html: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def _form(plan, **changes):
    data = {"version": plan.version, "title": plan.title, "summary": plan.summary,
            "start_date": plan.start_date.isoformat(), "end_date": plan.end_date.isoformat(),
            "next_review_on": plan.next_review_on.isoformat() if plan.next_review_on else ""}
    return data | changes


@pytest.mark.django_db
def test_a_stale_care_plan_update_is_refused_and_the_first_is_kept(care_demo):
    sw = care_demo.users["sw.monza"]
    plan, _intervention = signed_plan(care_demo)
    first, second = CarePlan.objects.get(pk=plan.pk), CarePlan.objects.get(pk=plan.pk)
    fields = {"summary": "", "start_date": plan.start_date, "end_date": plan.end_date}
    services.care_plan_update(actor=sw, plan=first, expected_version=first.version, title="Di Marco", **fields)
    with pytest.raises(StaleEditError):
        services.care_plan_update(actor=sw, plan=second, expected_version=second.version, title="Di Sara", **fields)
    saved = CarePlan.objects.get(pk=plan.pk)
    assert (saved.title, saved.version) == ("Di Marco", plan.version + 1)


@pytest.mark.django_db
def test_the_edit_form_keeps_the_values_and_shows_the_other_save(care_demo, client_as):
    sw = care_demo.users["sw.monza"]
    plan, _intervention = signed_plan(care_demo)
    client = client_as("sw.monza")
    url = reverse("care-plan-edit", args=[plan.pk])
    assert _hidden_version(client.get(url).content.decode()) == plan.version
    # A colleague saves first.
    services.care_plan_update(actor=sw, plan=CarePlan.objects.get(pk=plan.pk), expected_version=plan.version,
                              title="PAI rivisto dalla collega", summary="Figlia disponibile il sabato",
                              start_date=plan.start_date, end_date=plan.end_date)
    mine = _form(plan, summary="Vicina di casa presente ogni giorno")
    response = client.post(url, mine)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Qualcun altro ha salvato questo dato" in html
    assert "Titolo: “PAI rivisto dalla collega”" in html and "“Figlia disponibile il sabato”" in html
    assert "Vicina di casa presente ogni giorno</textarea>" in html  # my text is still there to re-apply
    saved = CarePlan.objects.get(pk=plan.pk)
    assert (saved.title, saved.summary) == ("PAI rivisto dalla collega", "Figlia disponibile il sabato")
    assert _hidden_version(html) == saved.version == plan.version + 1
    again = client.post(url, {**mine, "title": saved.title, "version": saved.version})
    assert again.status_code == 302
    assert CarePlan.objects.get(pk=plan.pk).summary == "Vicina di casa presente ogni giorno"


@pytest.mark.django_db
def test_the_edit_form_needs_the_version_and_keeps_goals_inside_the_period(care_demo, client_as):
    plan, _intervention = signed_plan(care_demo)
    client = client_as("sw.monza")
    url = reverse("care-plan-edit", args=[plan.pk])
    no_version = client.post(url, {k: v for k, v in _form(plan, title="Senza").items() if k != "version"})
    assert no_version.status_code == 400 and "senza la versione del dato" in no_version.content.decode()
    shorter = client.post(url, _form(plan, end_date=(plan.start_date + datetime.timedelta(days=10)).isoformat()))
    assert shorter.status_code == 400 and "restare nelle date del piano" in shorter.content.decode()
    assert CarePlan.objects.get(pk=plan.pk).version == plan.version
    assert client_as("sw.brugherio").get(url).status_code == 403


@pytest.mark.django_db
def test_a_stale_agreement_is_refused(care_demo, client_as):
    sw = care_demo.users["sw.monza"]
    who = person(care_demo)
    _request, assessment = uvm(care_demo, who)
    today = timezone.localdate()
    plan = services.care_plan_create(actor=sw, person=who, assessment=assessment, title="PAI", area=Area.ELDERLY,
                                     start_date=today, end_date=today + datetime.timedelta(days=200))
    services.goal_add(actor=sw, plan=plan, description="Autonomia", indicator="Barthel", target="60",
                      review_on=today + datetime.timedelta(days=90))
    services.intervention_add(actor=sw, plan=plan, service=care_demo.services["sad_monza"], description="SAD",
                              intensity=6, intensity_unit="hours_week", start_date=today,
                              end_date=today + datetime.timedelta(days=200), payer="comune")
    client = client_as("sw.monza")
    read = _hidden_version(client.get(reverse("care-plan-detail", args=[plan.pk])).content.decode())
    services.care_plan_update(actor=sw, plan=CarePlan.objects.get(pk=plan.pk), expected_version=read,
                              title="PAI corretto", summary="", start_date=plan.start_date, end_date=plan.end_date)
    stale = client.post(reverse("care-plan-sign", args=[plan.pk]), {"version": read, "signed_on": today.isoformat(),
                                                                     "signed_by": "Maria Rossi"})
    assert stale.status_code == 400 and "Qualcun altro ha salvato" in stale.content.decode()
    assert "Maria Rossi" in stale.content.decode()
    assert CarePlan.objects.get(pk=plan.pk).status == CarePlanStatus.DRAFT


@pytest.mark.django_db
def test_the_api_patch_carries_the_version_and_answers_409_with_the_saved_plan(care_demo, client_as):
    plan, _intervention = signed_plan(care_demo)
    api = client_as("sw.monza")
    url = f"/api/v1/care-plans/{plan.pk}/"
    version = api.get(url).json()["version"]
    ok = api.patch(url, {"version": version, "summary": "Rete familiare debole"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == version + 1 and ok.json()["title"] == plan.title
    stale = api.patch(url, {"version": version, "summary": "Rete familiare forte"}, content_type="application/json")
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale" and body["current_version"] == version + 1
    assert body["current"]["summary"] == "Rete familiare debole"
    assert CarePlan.objects.get(pk=plan.pk).summary == "Rete familiare debole"
    assert api.patch(url, {"summary": "x"}, content_type="application/json").status_code == 400  # no version
    assert client_as("sw.brugherio").patch(url, {"version": version + 1, "summary": "x"},
                                           content_type="application/json").status_code == 403
    assert CarePlan.objects.get(pk=plan.pk).version == version + 1


# --- Parallel requests on a live server (PostgreSQL) -------------------------------------------------------------

TRIALS = 5


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_acceptances_of_one_referral_record_exactly_one(demo_with, live_server):
    ctx = demo_with("network")
    sessions = [api_session(live_server, user) for user in colleagues(ctx, "ets.operator", THREADS)]
    trials = []
    for trial in range(1, TRIALS + 1):
        _plan, intervention = signed_plan(ctx, who=person(ctx, first=f"Prova{trial}", last="Parallela"))
        referral = services.referral_send(actor=ctx.users["sw.monza"], intervention=intervention)
        payloads = [None] * THREADS
        _winner, lost = one_winner(fire(sessions, "POST", f"/api/v1/referrals/{referral.pk}/accept/", payloads),
                                   payloads)
        assert all(o.body["code"] == "already_answered" and "due volte" in o.body["detail"][0] for o in lost)
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.ACCEPTED and referral.answered_at is not None
        assert referral.status_changes.filter(to_status=ReferralStatus.ACCEPTED).count() == 1
        assert referral.status_changes.count() == 2  # sent, accepted
        trials.append({"accepted_200": 1, "refused_409": len(lost)})
    summary("referral acceptance", trials)


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_patches_of_one_care_plan_leave_exactly_one_winner(demo_with, live_server):
    ctx = demo_with("network")
    plan, _intervention = signed_plan(ctx)
    sessions = [api_session(live_server, user) for user in colleagues(ctx, "sw.monza", THREADS)]
    url = f"/api/v1/care-plans/{plan.pk}/"
    trials = []
    for trial in range(1, TRIALS + 1):
        version = CarePlan.objects.get(pk=plan.pk).version
        payloads = [{"version": version, "title": f"PAI {trial}.{n}", "summary": f"Scritto da {n}"}
                    for n in range(THREADS)]
        winner, lost = one_winner(fire(sessions, "PATCH", url, payloads), payloads)
        saved = CarePlan.objects.get(pk=plan.pk)
        assert (saved.title, saved.summary, saved.version) == (winner["title"], winner["summary"], version + 1)
        assert all(o.body["current"]["title"] == winner["title"] for o in lost)
        trials.append({"saved_200": 1, "refused_409": len(lost)})
    summary("care plan PATCH", trials)
