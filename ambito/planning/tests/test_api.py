"""REST API: /api/v1/plans/, the budget of a year, transitions as actions, nested content, permissions."""

import pytest

from ambito.planning import services
from ambito.planning.models import BudgetLine, Intervention, Objective, Plan


def test_the_plan_list_shows_ambito_triennium_and_state(client_as, pdz):
    body = client_as("asl.operator").get("/api/v1/plans/").json()  # the district co-programs the 2025 plan
    assert body["count"] == 2
    first = body["results"][0]
    assert set(first) >= {"id", "ambito", "start_year", "end_year", "state"}
    assert (first["start_year"], first["end_year"], first["state"]) == (2025, 2027, "coprogramming")
    assert first["ambito"]["name"] == "Ambito di Monza"
    assert client_as("asl.operator").get("/api/v1/plans/?state=in_force").json()["count"] == 1
    assert client_as("asl.operator").get("/api/v1/plans/?year=2022").json()["results"][0]["start_year"] == 2021
    # the Region's observer lists the plan in force only: the one in co-programming is not shared yet
    observed = client_as("observer").get("/api/v1/plans/").json()
    assert [(p["start_year"], p["state"]) for p in observed["results"]] == [(2021, "in_force")]
    assert client_as("observer").get("/api/v1/plans/?state=coprogramming").json()["count"] == 0


def test_citizens_and_anonymous_callers_see_no_plan(client, client_as, pdz):
    assert client_as("citizen").get("/api/v1/plans/").json()["count"] == 0
    client.logout()
    assert client.get("/api/v1/plans/").status_code == 403


def test_the_budget_of_a_year_has_exactly_the_agreed_shape(client_as, pdz):
    plan = Plan.objects.get(start_year=2021)
    body = client_as("observer").get(f"/api/v1/plans/{plan.pk}/budget/?year=2022").json()
    assert list(body) == ["year", "total", "by_source", "by_area", "by_comune"]
    assert body["year"] == 2022 and body["total"] == "5400000.00"
    assert {"source": "fnps", "amount": "530000.00"} in body["by_source"]
    assert all(set(row) == {"source", "amount"} for row in body["by_source"])
    assert all(isinstance(row["amount"], str) for row in body["by_source"] + body["by_area"] + body["by_comune"])
    monza = next(row for row in body["by_comune"] if row["name"] == "Monza")
    assert monza == {"comune": "108033", "name": "Monza", "amount": "1920000.00", "residents": 121984,
                     "per_capita": "15.74"}  # 1,920,000 / 121,984 residents at 1 January 2022


def test_a_year_outside_the_triennium_is_a_clear_400(client_as, pdz):
    plan = Plan.objects.get(start_year=2021)
    response = client_as("planner").get(f"/api/v1/plans/{plan.pk}/budget/?year=2030")
    assert response.status_code == 400
    assert response.json()["detail"] == ["L'anno deve essere compreso tra 2021 e 2023."]


def test_the_detail_nests_objectives_interventions_lines_staffing_contributions_parties(client_as, pdz):
    plan = Plan.objects.get(start_year=2021)
    body = client_as("planner").get(f"/api/v1/plans/{plan.pk}/").json()
    assert [o["code"] for o in body["objectives"]] == ["OB1", "OB2", "OB3", "OB4"]
    i09 = next(i for i in body["interventions"] if i["code"] == "I09")
    assert {"year": 2022, "source": "fnps", "comune": None, "amount": "210000.00"} in i09["budget_lines"]
    assert any(s["profile"] == "social_worker" and s["fte"] == "22.00" for s in i09["staffing"])
    i01 = next(i for i in body["interventions"] if i["code"] == "I01")
    assert i01["indicators"][0]["targets"] == {"2021": "40.00", "2022": "35.00", "2023": "30.00"}
    assert len(body["parties"]) == 6 and body["parties"][0]["signed_on"]
    assert body["transitions"] == ["close", "start_revision"]
    assert client_as("observer").get(f"/api/v1/plans/{plan.pk}/").json()["transitions"] == []


def test_transitions_are_actions_with_clear_errors(client_as, demo, planner, plan):
    client = client_as("planner")
    url = f"/api/v1/plans/{plan.pk}/transitions/"
    response = client.post(url, {"action": "approve"}, content_type="application/json")
    assert response.status_code == 409
    assert "non è possibile mentre il piano è in stato “Bozza”" in response.json()["detail"][0]
    response = client.post(url, {"action": "start_coprogramming"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "coprogramming"
    denied = client_as("asl.operator").post(url, {"action": "open_consultation"}, content_type="application/json")
    assert denied.status_code == 403  # reads the plan in co-programming, does not move it
    hidden = client_as("observer").post(url, {"action": "open_consultation"}, content_type="application/json")
    assert hidden.status_code == 404  # does not read it yet: refused without saying it exists
    assert Plan.objects.get(pk=plan.pk).state == "coprogramming"


def test_the_planning_office_creates_a_plan(client_as, demo):
    response = client_as("planner").post("/api/v1/plans/", {"title": "Piano", "start_year": 2028},
                                         content_type="application/json")
    assert response.status_code == 201 and response.json()["end_year"] == 2030
    assert client_as("sw.monza").post("/api/v1/plans/", {"title": "Piano", "start_year": 2031},
                                      content_type="application/json").status_code == 403


def _many_plans(demo, planner, count, first=2040):
    """``count`` plans, each with an objective, an intervention and a budget line (bulk: only the list is tested)."""
    plans = Plan.objects.bulk_create([Plan(ambito=demo.ambito, title="Piano", start_year=year, end_year=year + 2)
                                      for year in range(first, first + count * 3, 3)])
    Objective.objects.bulk_create([Objective(plan=plan, code="OB1", title="Obiettivo") for plan in plans])
    interventions = Intervention.objects.bulk_create([Intervention(plan=plan, code="I01", title="Intervento",
                                                                   area="anziani") for plan in plans])
    BudgetLine.objects.bulk_create([BudgetLine(intervention=i, year=i.plan.start_year, source="fnps", amount=1)
                                    for i in interventions])


@pytest.mark.parametrize("url", ["/api/v1/plans/", "/piano/"])
def test_plan_lists_take_the_same_queries_for_1_and_50_plans(client_as, demo, planner, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("planner")
    _many_plans(demo, planner, 1)
    client.get(url)  # warm the caches (sessions, content types)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _many_plans(demo, planner, 49, first=2100)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(url).status_code == 200
    assert len(fifty) == len(one)


def test_the_plan_detail_takes_the_same_queries_for_1_and_many_interventions(client_as, demo, planner, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("planner")
    url = f"/api/v1/plans/{plan.pk}/"
    services.indicator_save(actor=planner, intervention=plan.interventions.get(code="I01"), name="Utenti",
                            targets={2025: 1})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(3, 30):
        i = services.intervention_create(actor=planner, plan=plan, code=f"I{n:02}", title="Altro", area="anziani")
        services.indicator_save(actor=planner, intervention=i, name="Utenti", targets={2025: 1, 2026: 2})
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
