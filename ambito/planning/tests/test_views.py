"""Pages of the plan for each role, and the planner's forms with their Italian error messages."""

import pytest

from ambito.planning.models import BudgetLine, Intervention, Objective, Plan

from .conftest import col


@pytest.fixture
def plans(pdz):
    return Plan.objects.get(start_year=2021), Plan.objects.get(start_year=2025)


def _pages(old, new, intervention):
    return [f"/piano/{old.pk}/", f"/piano/{old.pk}/bilancio/?anno=2022", f"/piano/{old.pk}/personale/?anno=2022",
            f"/piano/{new.pk}/coprogrammazione/", f"/piano/{old.pk}/accordo/", f"/piano/{old.pk}/versioni/",
            f"/piano/interventi/{intervention.pk}/"]


MEMBERS = ("planner", "sw.monza", "ets.operator", "observer", "asl.operator", "gp", "admin", "dpo")
PARTNERS = ("planner", "ets.operator", "asl.operator")  # who reads a plan in co-programming


def test_members_and_the_observer_read_every_page(client_as, plans):
    """Every member of the Ambito and the Region's observer read every page of the plan in force; of the plan in
    co-programming, only the planning office and those who co-program it (the Third Sector, the ASL's district):
    for the others it does not exist (issue 19)."""
    old, new = plans
    shared = [url.replace(f"/{new.pk}/coprogrammazione/", f"/{old.pk}/coprogrammazione/")
              for url in _pages(old, new, old.interventions.get(code="I01"))]
    coprogramming = [f"/piano/{new.pk}/", f"/piano/{new.pk}/coprogrammazione/",
                     f"/piano/{new.pk}/bilancio/?anno=2025", f"/piano/{new.pk}/versioni/",
                     f"/piano/interventi/{new.interventions.get(code='I01').pk}/"]
    for username in MEMBERS:
        client = client_as(username)
        for url in shared:
            assert client.get(url).status_code == 200, (username, url)
        budget = client.get(f"/piano/{old.pk}/bilancio/?anno=2022").content.decode()
        assert "5.400.000,00" in budget and "Fondi propri di Monza" in budget
        for url in coprogramming:
            response = client.get(url)
            assert response.status_code == (200 if username in PARTNERS else 404), (username, url)
            if username not in PARTNERS:
                assert new.title not in response.content.decode(), (username, url)


def test_readers_cannot_reach_the_forms(client_as, plans):
    old, new = plans
    i01 = new.interventions.get(code="I01")

    def refused(client, code):
        assert client.get(f"/piano/{new.pk}/interventi/nuovo/").status_code == code
        assert client.get(f"/piano/interventi/{i01.pk}/modifica/").status_code == code
        assert client.get(f"/piano/interventi/{i01.pk}/bilancio/2025/").status_code == code
        assert client.post(f"/piano/{new.pk}/obiettivi/", {"code": "OB9", "title": "x"}).status_code == code
        assert client.post(f"/piano/{new.pk}/stato/", {"action": "open_consultation"}).status_code == code

    for username in ("ets.operator", "asl.operator"):  # read the plan in co-programming, do not edit it
        refused(client_as(username), 403)
    for username in ("sw.monza", "observer"):  # do not read it yet: refused without saying it exists
        refused(client_as(username), 404)
    assert not Objective.objects.filter(code="OB9").exists()
    assert Plan.objects.get(pk=new.pk).state == "coprogramming"
    Plan.objects.filter(pk=new.pk).update(state="consultation")  # still editable; now every member reads it
    for username in ("sw.monza", "observer", "ets.operator", "gp"):
        refused(client_as(username), 403)
    assert not Objective.objects.filter(code="OB9").exists()
    assert Plan.objects.get(pk=new.pk).state == "consultation"


def test_citizens_and_visitors_see_no_plan_page(client, client_as, plans):
    old, new = plans
    citizen = client_as("citizen")
    for url in _pages(old, new, old.interventions.get(code="I01")):
        assert citizen.get(url).status_code == 404, url
    client.logout()
    assert client.get(f"/piano/{old.pk}/").status_code == 302


def test_the_plan_page_shows_live_needs_figures_leps_checks_and_progress(client_as, plans):
    old, _new = plans
    page = client_as("observer").get(f"/piano/{old.pk}/").content.decode()
    assert "Dati aggiornati dalla popolazione ISTAT al 1° gennaio 2023" in page
    assert "170.929" in page
    assert "Verifica dei LEPS" in page and "Pronto intervento sociale" in page
    assert "80%" in page  # I01 progress


def test_a_frozen_plan_shows_no_edit_forms(client_as, plans):
    old, _new = plans
    page = client_as("planner").get(f"/piano/{old.pk}/").content.decode()
    assert "approvata e congelata" in page
    assert "Aggiungi un intervento" not in page
    assert "Avvia una nuova versione" in page


def test_the_budget_form_refuses_negative_and_non_numeric_amounts_in_italian(client_as, demo, plans):
    _old, new = plans
    i01 = new.interventions.get(code="I01")
    before = list(BudgetLine.objects.filter(intervention=i01).values_list("source", "amount"))
    response = client_as("planner").post(f"/piano/interventi/{i01.pk}/bilancio/2025/",
                                         {col(demo, "monza"): "-100", "fnps": "abc"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "L&#x27;importo non può essere negativo (-100)." in page
    assert "“abc” non è un importo in euro." in page
    assert list(BudgetLine.objects.filter(intervention=i01).values_list("source", "amount")) == before


def test_the_planner_saves_a_budget_row(client_as, demo, plans):
    _old, new = plans
    i02 = new.interventions.get(code="I02")
    response = client_as("planner").post(f"/piano/interventi/{i02.pk}/bilancio/2026/",
                                         {"fnps": "1.500,25", col(demo, "brugherio"): ""}, follow=True)
    assert "Bilancio 2026 di I02 salvato." in response.content.decode()
    assert str(BudgetLine.objects.get(intervention=i02, year=2026).amount) == "1500.25"


def test_an_out_of_order_transition_from_the_page_says_why(client_as, plans):
    _old, new = plans
    response = client_as("planner").post(f"/piano/{new.pk}/stato/", {"action": "approve"}, follow=True)
    assert "non è possibile mentre il piano è in stato “Co-programmazione”" in response.content.decode()
    assert Plan.objects.get(pk=new.pk).state == "coprogramming"


def test_a_duplicate_intervention_code_is_shown_on_the_form(client_as, plans):
    _old, new = plans
    response = client_as("planner").post(f"/piano/{new.pk}/interventi/nuovo/",
                                         {"code": "i01", "title": "Doppio", "area": "anziani"})
    assert "Il piano ha già un intervento con codice I01." in response.content.decode()
    assert Intervention.objects.filter(plan=new, code="I01").count() == 1


def test_the_version_diff_page_compares_versions(client_as, plans):
    old, _new = plans
    from ambito.planning.services import plan_transition

    plan_transition(actor=old.created_by, plan=old, action="start_revision", reason="Proroga 2024")
    page = client_as("planner").get(f"/piano/{old.pk}/versioni/?da=1&a=2").content.decode()
    assert "Modifiche dalla versione 1 alla versione 2" in page
    assert "Proroga 2024" in page
    # the new version in public consultation: the Region's observer compares it with the approved one
    for action in ("start_coprogramming", "open_consultation"):
        plan_transition(actor=old.created_by, plan=old, action=action)
    page = client_as("observer").get(f"/piano/{old.pk}/versioni/?da=1&a=2").content.decode()
    assert "Modifiche dalla versione 1 alla versione 2" in page and "Proroga 2024" in page
    assert client_as("observer").get(f"/piano/{old.pk}/versioni/?da=1&a=9").status_code == 404
