"""Two people editing the same plan or intervention: the second save is refused, not lost, and told what the
first one saved. The parallel trials at the bottom run on a live server against PostgreSQL."""

import re

import pytest

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
from ambito.planning import services
from ambito.planning.models import Intervention, Plan
from ambito.planning.tests.conftest import approve


def _hidden_version(html: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


# --- Intervention -------------------------------------------------------------------------------------------


def test_the_second_stale_save_is_refused_and_the_first_is_kept(planner, plan):
    first = Intervention.objects.get(plan=plan, code="I01")
    second = Intervention.objects.get(plan=plan, code="I01")
    services.intervention_update(actor=planner, intervention=first, expected_version=first.version,
                                 title="Versione di Giulia")
    with pytest.raises(StaleEditError) as exc:
        services.intervention_update(actor=planner, intervention=second, expected_version=second.version,
                                     title="Versione di Marco")
    assert "Qualcun altro ha salvato" in exc.value.messages[0]
    assert Intervention.objects.get(pk=first.pk).title == "Versione di Giulia"


def test_the_intervention_form_keeps_the_values_and_shows_the_other_save(client_as, planner, plan):
    intervention = Intervention.objects.get(plan=plan, code="I01")
    client = client_as("planner")
    read = client.get(f"/piano/interventi/{intervention.pk}/modifica/").content.decode()
    assert _hidden_version(read) == intervention.version
    data = {"version": intervention.version, "code": "I01", "title": "Il titolo di Marco", "area": "anziani",
            "objective": intervention.objective_id, "start_date": "2025-01-01", "end_date": "2027-12-31",
            "target_group": "Over 75 soli", "comuni": [c.pk for c in intervention.comuni.all()]}
    # Giulia saves first, from another browser.
    services.intervention_update(actor=planner, intervention=Intervention.objects.get(pk=intervention.pk),
                                 expected_version=intervention.version, title="Il titolo di Giulia")
    response = client.post(f"/piano/interventi/{intervention.pk}/modifica/", data)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Qualcun altro ha salvato questo dato" in html
    # Where the saved record differs from what Marco sent: Giulia's title and his own new target group.
    assert "dove diverso dai tuoi valori: titolo: “Il titolo di Giulia”; destinatari: “—”." in html
    assert 'value="Il titolo di Marco"' in html and 'value="Over 75 soli"' in html  # Marco's values stay
    saved = Intervention.objects.get(pk=intervention.pk)
    assert (saved.title, saved.target_group, saved.version) == ("Il titolo di Giulia", "", intervention.version + 1)
    assert _hidden_version(html) == saved.version
    # Having seen Giulia's title, Marco saves again knowingly: now on the current version.
    again = client.post(f"/piano/interventi/{intervention.pk}/modifica/", {**data, "version": saved.version})
    assert again.status_code == 302
    assert Intervention.objects.get(pk=intervention.pk).title == "Il titolo di Marco"


def test_an_edit_without_the_version_it_was_based_on_is_refused(client_as, plan):
    intervention = Intervention.objects.get(plan=plan, code="I01")
    response = client_as("planner").post(f"/piano/interventi/{intervention.pk}/modifica/", {
        "code": "I01", "title": "Senza versione", "area": "anziani"})
    assert response.status_code == 200 and "senza la versione del dato" in response.content.decode()
    assert Intervention.objects.get(pk=intervention.pk).title == "Assistenza domiciliare"


def test_the_api_answers_409_to_a_stale_patch_with_the_saved_record(client_as, plan):
    intervention = Intervention.objects.get(plan=plan, code="I01")
    client = client_as("planner")
    url = f"/api/v1/interventions/{intervention.pk}/"
    ok = client.patch(url, {"version": intervention.version, "title": "A"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == intervention.version + 1
    stale = client.patch(url, {"version": intervention.version, "title": "B", "target_group": "Nuovo"},
                         content_type="application/json")
    assert stale.status_code == 409
    body = stale.json()
    assert "Qualcun altro ha salvato" in body["detail"][0] and body["code"] == "stale"
    assert body["current_version"] == intervention.version + 1
    assert body["current"]["title"] == "A" and body["current"]["version"] == intervention.version + 1
    saved = Intervention.objects.get(pk=intervention.pk)
    assert (saved.title, saved.target_group) == ("A", "")
    assert client.patch(url, {"title": "C"}, content_type="application/json").status_code == 400  # no version
    bad = client.patch(url, {"version": intervention.version + 1, "planned_total": "molti"},
                       content_type="application/json")
    assert bad.status_code == 400 and "planned_total" in bad.json()["fields"]


def test_a_stale_progress_update_keeps_the_note_typed(client_as, planner, plan):
    plan = approve(plan, planner)
    intervention = Intervention.objects.get(plan=plan, code="I01")
    read_version = intervention.version
    services.intervention_progress_update(actor=planner, intervention=intervention, expected_version=read_version,
                                          progress=40, note="Avviato in tre Comuni")
    response = client_as("planner").post(f"/piano/interventi/{intervention.pk}/avanzamento/", {
        "version": read_version, "progress": 55, "progress_note": "La mia nota di Marco"})
    html = response.content.decode()
    assert response.status_code == 409 and "La mia nota di Marco" in html and "Avviato in tre Comuni" in html
    saved = Intervention.objects.get(pk=intervention.pk)
    assert (saved.progress, saved.progress_note) == (40, "Avviato in tre Comuni")


# --- Plan (Piano di Zona header) ---------------------------------------------------------------------------------


def test_a_stale_plan_text_save_is_shown_back_with_the_other_text(client_as, planner, plan):
    client = client_as("planner")
    read = client.get(f"/piano/{plan.pk}/").content.decode()
    version = _hidden_version(read)
    services.plan_update(actor=planner, plan=Plan.objects.get(pk=plan.pk), expected_version=version,
                         title="Piano di Giulia", needs_narrative="Analisi di Giulia")
    response = client.post(f"/piano/{plan.pk}/testo/", {"version": version, "title": "Piano di Marco",
                                                        "needs_narrative": "Analisi di Marco"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Qualcun altro ha salvato questo dato" in html
    assert "“Piano di Giulia”" in html and "“Analisi di Giulia”" in html
    assert 'value="Piano di Marco"' in html and "Analisi di Marco</textarea>" in html
    saved = Plan.objects.get(pk=plan.pk)
    assert (saved.title, saved.needs_narrative, saved.version) == ("Piano di Giulia", "Analisi di Giulia",
                                                                   version + 1)
    assert _hidden_version(html) == saved.version
    assert client.post(f"/piano/{plan.pk}/testo/", {"version": saved.version, "title": "Piano di Marco",
                                                    "needs_narrative": "Analisi di Marco"}).status_code == 302
    assert Plan.objects.get(pk=plan.pk).title == "Piano di Marco"


def test_the_plan_api_patch_carries_the_version_and_answers_409_when_stale(client_as, plan):
    client = client_as("planner")
    url = f"/api/v1/plans/{plan.pk}/"
    version = client.get(url).json()["version"]
    ok = client.patch(url, {"version": version, "needs_narrative": "Più anziani soli"},
                      content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == version + 1
    assert ok.json()["title"] == "Piano di prova"  # a field not sent is left as it was
    stale = client.patch(url, {"version": version, "title": "Titolo perso?"}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == version + 1
    assert stale.json()["current"]["needs_narrative"] == "Più anziani soli"
    saved = Plan.objects.get(pk=plan.pk)
    assert (saved.title, saved.needs_narrative) == ("Piano di prova", "Più anziani soli")
    assert client.patch(url, {"title": "X"}, content_type="application/json").status_code == 400
    # the draft is hidden from the observer: refused without saying it exists
    assert client_as("observer").patch(url, {"version": version + 1, "title": "X"},
                                       content_type="application/json").status_code == 404
    assert Plan.objects.get(pk=plan.pk).title == "Piano di prova"


# --- Parallel edits through the API on a live server (PostgreSQL) ----------------------------------------------

EDIT_TRIALS = 5


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_patches_of_one_intervention_leave_exactly_one_winner(demo, live_server):
    planner = demo.users["planner"]
    plan = services.plan_create(actor=planner, ambito=demo.ambito, title="Piano parallelo", start_year=2025)
    intervention = services.intervention_create(actor=planner, plan=plan, code="I01", title="Iniziale",
                                                area="anziani")
    sessions = [api_session(live_server, user) for user in colleagues(demo, "planner", THREADS)]
    url = f"/api/v1/interventions/{intervention.pk}/"
    trials = []
    for trial in range(1, EDIT_TRIALS + 1):
        version = Intervention.objects.get(pk=intervention.pk).version
        payloads = [{"version": version, "title": f"Prova {trial} di {n}", "target_group": f"gruppo {n}"}
                    for n in range(THREADS)]
        winner, lost = one_winner(fire(sessions, "PATCH", url, payloads), payloads)
        saved = Intervention.objects.get(pk=intervention.pk)
        assert (saved.title, saved.target_group, saved.version) == (winner["title"], winner["target_group"],
                                                                    version + 1)
        assert all(o.body["current_version"] == version + 1 and o.body["current"]["title"] == winner["title"]
                   for o in lost)
        trials.append({"saved_200": 1, "refused_409": len(lost)})
    summary("intervention PATCH", trials)
