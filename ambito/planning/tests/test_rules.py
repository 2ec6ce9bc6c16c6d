"""Each check on one plan agrees with the selector that lists plans, and who may do what."""

from ambito.planning import rules
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
    plan = Plan.objects.get(start_year=2025)
    expected = {
        "planner": (True, True, False), "sw.monza": (True, False, False), "ets.operator": (True, False, True),
        "observer": (True, False, False), "citizen": (False, False, False),
    }
    for username, (view, edit, contribute) in expected.items():
        user = pdz.users[username]
        assert (rules.can_view_plan(user, plan), rules.can_edit_plan(user, plan),
                rules.can_contribute(user, plan)) == (view, edit, contribute), username
