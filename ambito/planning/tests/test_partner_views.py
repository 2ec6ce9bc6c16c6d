"""The pages and the API of the plans of the ASST and of the Region and of the links a Piano di Zona makes to
them: each side shows the link, only the planning office links, the regional observer and the district read."""

import json

import pytest
from django.urls import reverse

from ambito.planning import services_partner
from ambito.planning.models import PartnerLink, PartnerPlanKind, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional(demo, planner):
    plan = services_partner.partner_plan_create(actor=planner, kind=PartnerPlanKind.REGIONAL, region_code="03",
                                                title="Linee di indirizzo regionali", start_year=2025,
                                                end_year=2027, organisation=demo.organisations["region"])
    services_partner.partner_objective_save(actor=planner, partner_plan=plan, code="RL1",
                                            title="Integrazione sociosanitaria")
    return plan


def test_the_planner_links_an_objective_and_both_pages_show_it(demo, plan, regional, client_as):
    client = client_as("planner")
    objective = plan.objectives.get(code="OB1")
    rl1 = regional.objectives.get()
    page = client.get(reverse("planning-objective-detail", args=[objective.pk])).content.decode()
    assert "Integrazione sociosanitaria" in page  # offered in the link form
    response = client.post(reverse("planning-objective-link", args=[objective.pk]), {"partner_objective": rl1.pk})
    assert response.status_code == 302 and PartnerLink.objects.filter(objective=objective).exists()
    page = client.get(reverse("planning-objective-detail", args=[objective.pk])).content.decode()
    assert 'id="partner-links"' in page and "RL1 Integrazione sociosanitaria" in page
    observer = client_as("observer")
    page = observer.get(reverse("planning-partner-plan-detail", args=[regional.pk])).content.decode()
    assert "Integrazione sociosanitaria" in page and "OB1 Domiciliarità" not in page  # the plan is a draft
    Plan.objects.filter(pk=plan.pk).update(state="in_force")
    page = observer.get(reverse("planning-partner-plan-detail", args=[regional.pk])).content.decode()
    assert "OB1 Domiciliarità" in page


def test_the_intervention_page_links_and_unlinks(demo, plan, regional, client_as):
    client = client_as("planner")
    intervention = plan.interventions.get(code="I01")
    rl1 = regional.objectives.get()
    client.post(reverse("planning-intervention-link", args=[intervention.pk]), {"partner_objective": rl1.pk})
    page = client.get(reverse("planning-intervention-detail", args=[intervention.pk])).content.decode()
    assert "RL1 Integrazione sociosanitaria" in page and "Elimina il raccordo" in page
    link = PartnerLink.objects.get(intervention=intervention)
    client.post(reverse("planning-partner-link-remove", args=[link.pk]))
    assert not PartnerLink.objects.filter(pk=link.pk).exists()


def test_a_social_worker_cannot_link_nor_read_the_partner_plans(demo, plan, regional, client_as):
    client = client_as("sw.monza")
    objective = plan.objectives.get(code="OB1")
    client.post(reverse("planning-objective-link", args=[objective.pk]),
                {"partner_objective": regional.objectives.get().pk})
    assert not PartnerLink.objects.exists()
    assert client.get(reverse("planning-partner-plan-detail", args=[regional.pk])).status_code == 404
    page = client.get(reverse("planning-objective-detail", args=[objective.pk])).content.decode()
    assert "Integrazione sociosanitaria" not in page


def test_the_observer_reads_but_does_not_add_objectives(demo, regional, client_as):
    client = client_as("observer")
    assert client.get(reverse("planning-partner-plan-list")).status_code == 200
    response = client.post(reverse("planning-partner-objective-create", args=[regional.pk]),
                           {"code": "RL9", "title": "Altro"})
    assert response.status_code == 403 and regional.objectives.count() == 1


def test_the_planner_adds_a_plan_and_an_objective_from_the_pages(demo, client_as):
    client = client_as("planner")
    response = client.post(reverse("planning-partner-plan-list"), {
        "kind": "ppt", "title": "Piano di sviluppo del Polo Territoriale", "start_year": 2024, "end_year": 2026,
        "organisation": demo.organisations["asst"].pk})
    assert response.status_code == 302
    ppt = demo.organisations["asst"].partner_plans.get()
    client.post(reverse("planning-partner-objective-create", args=[ppt.pk]), {"code": "ppt1", "title": "COT"})
    assert [o.code for o in ppt.objectives.all()] == ["PPT1"]


def test_the_api_reads_the_links_and_only_the_planner_writes(demo, plan, regional, client_as):
    """``client_as`` signs the one test client in as each persona in turn."""
    rl1 = regional.objectives.get()
    objective = plan.objectives.get(code="OB1")
    observer = client_as("observer")
    payload = json.dumps({"partner_objective": rl1.pk, "objective": objective.pk})
    hidden = observer.post("/api/v1/partner-links/", data=payload, content_type="application/json")
    assert hidden.status_code == 404  # the plan is a draft: its objective is hidden from the observer
    planner = client_as("planner")
    created = planner.post("/api/v1/partner-links/", data=payload, content_type="application/json")
    assert created.status_code == 201, created.content
    body = client_as("observer").get(f"/api/v1/partner-plans/{regional.pk}/").json()
    assert body["objectives"][0]["links"] == []  # nor does the draft's side of the link show
    assert client_as("observer").get(f"/api/v1/plans/{plan.pk}/alignment/").status_code == 404
    Plan.objects.filter(pk=plan.pk).update(state="in_force")  # links may be made after approval too
    refused = client_as("observer").post("/api/v1/partner-links/", data=payload, content_type="application/json")
    assert refused.status_code == 403 and PartnerLink.objects.count() == 1
    body = client_as("observer").get(f"/api/v1/partner-plans/{regional.pk}/").json()
    assert body["objectives"][0]["links"][0]["code"] == "OB1"
    assert [p["id"] for p in client_as("asl.operator").get("/api/v1/partner-plans/").json()] == [regional.pk]
    assert client_as("sw.monza").get(f"/api/v1/partner-plans/{regional.pk}/").status_code == 404
    alignment = client_as("observer").get(f"/api/v1/plans/{plan.pk}/alignment/").json()
    assert alignment["objectives_linked"] == 1 and alignment["rows"][0]["objectives"] == ["OB1"]
    objective_created = client_as("planner").post(f"/api/v1/partner-plans/{regional.pk}/objectives/", data=json.dumps(
        {"code": "RL2", "title": "Domiciliarità"}), content_type="application/json")
    assert objective_created.status_code == 201
    link_id = created.json()["id"]
    assert client_as("observer").delete(f"/api/v1/partner-links/{link_id}/").status_code == 403
    assert client_as("planner").delete(f"/api/v1/partner-links/{link_id}/").status_code == 204


def test_the_partner_plan_page_and_endpoint_read_in_the_same_queries_for_one_link_or_many(demo, planner, plan,
                                                                                           regional, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rl1 = regional.objectives.get()
    rl2 = services_partner.partner_objective_save(actor=planner, partner_plan=regional, code="RL2", title="Casa")
    services_partner.partner_link_add(actor=planner, partner_objective=rl1, objective=plan.objectives.get(code="OB1"))
    client = client_as("observer")
    urls = [reverse("planning-partner-plan-detail", args=[regional.pk]), f"/api/v1/partner-plans/{regional.pk}/"]

    def counts():
        result = []
        for url in urls:
            client.get(url)  # warm the per-request caches the same way for both counts
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    one = counts()
    for objective in plan.objectives.all():
        services_partner.partner_link_add(actor=planner, partner_objective=rl2, objective=objective)
    for intervention in plan.interventions.all():
        services_partner.partner_link_add(actor=planner, partner_objective=rl1, intervention=intervention)
    assert counts() == one
