import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ambito.access.models import AssessmentDecision
from ambito.accounts.models import AccessLog
from ambito.care import selectors, services
from ambito.care.models import BudgetAxis, CarePlanStatus, DischargeSetting, Funder, GoalStatus
from ambito.care.tests.factories import person, signed_plan, uvm

pytestmark = pytest.mark.django_db


def test_a_plan_is_opened_from_a_uvm_and_signed_once_complete(care_demo):
    sw = care_demo.users["sw.monza"]
    who = person(care_demo)
    _request, assessment = uvm(care_demo, who)
    today = timezone.localdate()
    plan = services.care_plan_create(actor=sw, person=who, assessment=assessment, title="PAI", area="anziani",
                                     start_date=today, end_date=today + datetime.timedelta(days=365))
    assert (plan.request, plan.case_manager, plan.comune) == (assessment.request, sw, who.residence_comune)
    with pytest.raises(ValidationError, match="obiettivo"):
        services.care_plan_sign(actor=sw, plan=plan, signed_on=today, signed_by="Maria Rossi")
    assert AccessLog.objects.filter(user=sw, action="create", person_ref=who.pseudonym).exists()


def test_a_uvm_with_another_decision_does_not_open_a_plan(care_demo):
    who = person(care_demo)
    _request, assessment = uvm(care_demo, who)
    assessment.decision = AssessmentDecision.INFORMATION
    assessment.save()
    with pytest.raises(ValidationError):
        services.care_plan_create(actor=care_demo.users["sw.monza"], person=who, assessment=assessment, title="X",
                                  area="anziani", start_date=timezone.localdate(),
                                  end_date=timezone.localdate() + datetime.timedelta(days=30))


def test_other_territories_and_roles_cannot_open_or_edit(care_demo):
    who = person(care_demo)
    for username in ("sw.brugherio", "ets.operator", "planner", "observer", "gp"):
        with pytest.raises(PermissionDenied):
            services.care_plan_create(actor=care_demo.users[username], person=who, title="X", area="anziani",
                                      start_date=timezone.localdate(), end_date=timezone.localdate())
    plan, _i = signed_plan(care_demo, who=person(care_demo, first="Ada", last="Neri"))
    with pytest.raises(PermissionDenied):
        services.goal_add(actor=care_demo.users["sw.brugherio"], plan=plan, description="x", indicator="y",
                          target="z", review_on=plan.start_date)
    assert AccessLog.objects.filter(user=care_demo.users["sw.brugherio"], action="denied").count() >= 2


def test_interventions_stay_within_the_plan_and_are_positive(care_demo):
    plan, intervention = signed_plan(care_demo)
    common = dict(actor=care_demo.users["sw.monza"], plan=plan, service=intervention.service, description="x",
                  intensity_unit="hours_week", payer="comune")
    with pytest.raises(ValidationError):
        services.intervention_add(**common, intensity=Decimal("0"), start_date=plan.start_date, end_date=plan.end_date)
    with pytest.raises(ValidationError):
        services.intervention_add(**common, intensity=Decimal("2"), start_date=plan.start_date,
                                  end_date=plan.end_date + datetime.timedelta(days=1))


def test_a_review_versions_the_plan_and_keeps_the_history(care_demo):
    plan, _intervention = signed_plan(care_demo)
    goal = plan.goals.get()
    sw = care_demo.users["sw.monza"]
    with pytest.raises(ValidationError, match="obiettivo"):
        services.care_plan_review(actor=sw, plan=plan, reviewed_on=timezone.localdate(), outcomes={},
                                  next_review_on=plan.end_date)
    revision = services.care_plan_review(
        actor=sw, plan=plan, reviewed_on=timezone.localdate(), summary="Good progress",
        outcomes={goal.pk: {"outcome": GoalStatus.PARTLY, "value": "55"}}, next_review_on=plan.end_date)
    plan.refresh_from_db()
    goal.refresh_from_db()
    assert (revision.number, plan.revision, goal.status) == (1, 2, GoalStatus.PARTLY)
    assert revision.snapshot["goals"][0]["target"] == "60"
    assert goal.reviews.get().measured_value == "55"
    with pytest.raises(ValidationError):  # a partly achieved goal is still worked on: it needs an outcome
        services.care_plan_review(actor=sw, plan=plan, reviewed_on=timezone.localdate(), outcomes={}, close=True)
    services.care_plan_review(actor=sw, plan=plan, reviewed_on=timezone.localdate(), close=True,
                              outcomes={goal.pk: {"outcome": GoalStatus.ACHIEVED, "value": "62"}})
    plan.refresh_from_db()
    assert (plan.status, plan.revision, plan.revisions.count()) == (CarePlanStatus.CLOSED, 3, 2)


def test_health_budget_totals_by_axis_and_funder(care_demo):
    sw = care_demo.users["sw.monza"]
    who = person(care_demo)
    today = timezone.localdate()
    budget = services.health_budget_create(actor=sw, person=who, title="Abitare", start_date=today.replace(day=1),
                                           end_date=today + datetime.timedelta(days=300))
    home_asl = services.health_budget_line_add(actor=sw, budget=budget, axis=BudgetAxis.HOME, funder=Funder.ASL,
                                               description="Educatore", planned_amount=Decimal("6000.00"))
    services.health_budget_line_add(actor=sw, budget=budget, axis=BudgetAxis.HOME, funder=Funder.COMUNE,
                                    description="Affitto", planned_amount=Decimal("2400.50"))
    work = services.health_budget_line_add(actor=sw, budget=budget, axis=BudgetAxis.WORK, funder=Funder.ETS,
                                           description="Tutor", planned_amount=Decimal("1200"))
    services.health_budget_expense_add(actor=sw, line=home_asl, spent_on=today, amount=Decimal("500.25"))
    services.health_budget_expense_add(actor=sw, line=work, spent_on=today, amount=Decimal("100"))
    with pytest.raises(ValidationError):
        services.health_budget_expense_add(actor=sw, line=work, spent_on=today, amount=Decimal("-1"))
    with pytest.raises(ValidationError):
        services.health_budget_line_add(actor=sw, budget=budget, axis=BudgetAxis.SOCIAL, funder=Funder.PERSON,
                                        description="x", planned_amount=Decimal("-1"))
    report = selectors.health_budget_report(budget=budget)
    axes = {a["key"]: (a["planned"], a["spent"]) for a in report["axes"]}
    assert axes == {"home": (Decimal("8400.50"), Decimal("500.25")), "work": (Decimal("1200.00"), Decimal("100.00")),
                    "learning": (Decimal("0.00"), Decimal("0.00")), "social": (Decimal("0.00"), Decimal("0.00"))}
    assert (report["total"]["planned"], report["total"]["spent"], report["total"]["remaining"]) == (
        Decimal("9600.50"), Decimal("600.25"), Decimal("9000.25"))
    assert {f["key"] for f in report["funders"]} == {"asl", "comune", "ets"}


def test_a_discharge_is_flagged_when_services_are_not_confirmed_two_days_before(care_demo):
    sw = care_demo.users["sw.monza"]
    today = datetime.date(2026, 5, 10)
    soon = services.discharge_create(actor=sw, person=person(care_demo), setting=DischargeSetting.HOSPITAL,
                                     facility="San Gerardo", planned_on=today + datetime.timedelta(days=2))
    later = services.discharge_create(actor=sw, person=person(care_demo, first="Bice"),
                                      setting=DischargeSetting.HOSPITAL, facility="San Gerardo",
                                      planned_on=today + datetime.timedelta(days=3))
    sad = services.discharge_service_require(actor=sw, discharge=soon, service=care_demo.services["sad_monza"])
    services.discharge_service_require(actor=sw, discharge=later, service=care_demo.services["adi"])
    services.discharge_task_add(actor=sw, discharge=soon, label="Letto articolato",
                                owner_organisation=care_demo.organisations["asst"], due_on=soon.planned_on)
    assert list(selectors.discharges_flagged(today=today)) == [soon]
    assert list(selectors.discharges_flagged(today=today + datetime.timedelta(days=1))) == [soon, later]
    services.discharge_service_confirm(actor=care_demo.users["ets.operator"], item=sad)  # Il Ponte runs the SAD
    assert list(selectors.discharges_flagged(today=today)) == []
    services.discharge_complete(actor=sw, discharge=soon, completed_on=timezone.localdate(),
                                confirm_incomplete=True)  # the bed's checklist item is still open
    soon.refresh_from_db()
    assert soon.services_active_on_day == 1
