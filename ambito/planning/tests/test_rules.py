"""Each check on one plan agrees with the selector that lists plans, and who may do what; who reads a plan in
each state of its lifecycle, on its pages and through the API (issue 19)."""

import pytest

from ambito.planning import rules, services
from ambito.planning.models import Plan
from ambito.planning.selectors import (
    consultation_list,
    plan_contributable_list,
    plan_editable_list,
    plan_list,
)
from ambito.planning.services import plan_transition

PERSONAS = ["planner", "sw.monza", "sw.brugherio", "asl.operator", "gp", "ets.operator", "observer", "admin",
            "citizen"]
PAIRS = [
    (rules.can_view_plan, lambda user: plan_list(actor=user)),
    (rules.can_edit_plan, lambda user: plan_editable_list(actor=user)),
    (rules.can_contribute, lambda user: plan_contributable_list(actor=user)),
    (rules.can_view_consultation, lambda user: consultation_list()),
]


def test_predicates_and_selectors_agree_for_every_demo_persona(pdz):
    plan_2025 = Plan.objects.get(start_year=2025)
    plans = list(Plan.objects.all())
    for phase in ("coprogramming", "consultation"):
        if phase == "consultation":
            plan_2025.contributions.filter(status="submitted").update(status="accepted")
            plan_transition(actor=pdz.users["planner"], plan=plan_2025, action="open_consultation")
            plans = list(Plan.objects.all())
        for username in PERSONAS:
            user = pdz.users[username]
            for predicate, selector in PAIRS:
                selected = set(selector(user).values_list("pk", flat=True))
                allowed = {p.pk for p in plans if predicate(user, p)}
                assert allowed == selected, (phase, username, predicate.name)


def test_who_reads_edits_and_contributes(pdz):
    plan = Plan.objects.get(start_year=2025)  # in co-programming: its partners read it, the other members do not
    expected = {
        "planner": (True, True, False), "ets.operator": (True, False, True), "asl.operator": (True, False, False),
        "sw.monza": (False, False, False), "observer": (False, False, False), "citizen": (False, False, False),
    }
    for username, (view, edit, contribute) in expected.items():
        user = pdz.users[username]
        assert (rules.can_view_plan(user, plan), rules.can_edit_plan(user, plan),
                rules.can_contribute(user, plan)) == (view, edit, contribute), username


MEMBERS = {"planner", "sw.monza", "sw.brugherio", "asl.operator", "gp", "ets.operator", "observer", "admin", "dpo"}
# Who reads a Piano di Zona in each state (issue 19, item 6): a draft is the planning office's; in co-programming
# the Third Sector and the ASL's district, who co-program it, read it too; from the public consultation on, every
# member of the Ambito. A citizen reads none of it here (the consultation has its own public page).
READERS = {
    "draft": {"planner"},
    "coprogramming": {"planner", "ets.operator", "asl.operator"},
    "consultation": MEMBERS,
    "approved": MEMBERS,
    "in_force": MEMBERS,
    "closed": MEMBERS,
}


@pytest.mark.parametrize("state", list(READERS))
def test_each_state_of_the_plan_is_read_by_exactly_its_readers_on_the_pages_and_the_api(demo, planner, plan,
                                                                                          client_as, state):
    services.budget_row_set(actor=planner, intervention=plan.interventions.get(code="I01"), year=2025,
                            amounts={"fnps": "123456.78"})
    Plan.objects.filter(pk=plan.pk).update(state=state)
    urls = {"page": f"/piano/{plan.pk}/", "budget page": f"/piano/{plan.pk}/bilancio/?anno=2025",
            "budget api": f"/api/v1/plans/{plan.pk}/budget/?year=2025"}
    for username in sorted(MEMBERS | {"citizen"}):
        reads = username in READERS[state]
        assert rules.can_view_plan(demo.users[username], Plan.objects.get(pk=plan.pk)) is reads, (state, username)
        client = client_as(username)
        for label, url in urls.items():
            response = client.get(url)
            body = response.content.decode()
            where = (state, username, label, response.status_code)
            if reads:
                assert response.status_code == 200, where
                assert ("123456.78" if label == "budget api" else "123.456,78") in body, where
            else:
                assert response.status_code == 404, where  # hidden: refused without saying the plan exists
                assert "123456.78" not in body and "123.456,78" not in body and "Piano di prova" not in body, where
        listed = [p["id"] for p in client.get("/api/v1/plans/").json()["results"]]
        assert (plan.pk in listed) is reads, (state, username, "plan list")
