"""Budget and LEPS indicators from the plan, LEPS presence from the catalogue, citizen satisfaction.

Plan 2024–2026 of the test Ambito, in force (only approved plans count): budget 2025 = Alfa's own funds
€ 1,000 + FNPS € 500; 2026 FNPS € 700.
Social workers 0.1 FTE for 445 residents → 4,450 residents per FTE (LEPS target 5,000).
PUA covers Alfa only → 50 % of the Comuni; the protected-discharge service covers both → 100 %; no social
emergency service → 0 %.
Survey: five responses with scores (5, 4), (3, 3), (4, 5), (2, 4), (5, 5) → mean 40 / 10 = 4.00."""

from decimal import Decimal

import pytest

from ambito.monitoring.indicators import Period, compute
from ambito.monitoring.tests import factories
from ambito.monitoring.tests.factories import at

YEAR = Period.year(2025)


def values(result):
    return {cell.key: cell.value for cell in result.cells}


@pytest.fixture
def plan(world):
    from ambito.planning.models import BudgetLine, Intervention, Plan, StaffPosition

    p = Plan.objects.create(ambito=world.ambito, title="Piano di prova", start_year=2024, end_year=2026,
                            state="in_force")
    intervention = Intervention.objects.create(plan=p, code="I01", title="SAD", area="anziani")
    BudgetLine.objects.create(intervention=intervention, year=2025, source="comune", comune=world.comuni["a"],
                              amount=Decimal("1000.00"))
    BudgetLine.objects.create(intervention=intervention, year=2025, source="fnps", amount=Decimal("500.00"))
    BudgetLine.objects.create(intervention=intervention, year=2026, source="fnps", amount=Decimal("700.00"))
    StaffPosition.objects.create(intervention=intervention, profile="social_worker", fte=Decimal("0.10"),
                                 employer=world.orgs["udp"])
    # a fixed-term social worker of a cooperative does not count for the LEPS ratio
    StaffPosition.objects.create(intervention=intervention, profile="social_worker", fte=Decimal("1.00"),
                                 employer=world.orgs["coop"], permanent=False)
    return world


def test_budget_planned_by_source_comune_and_year(plan):
    planner = plan.users["t.planner"]
    assert values(compute("budget_planned", actor=planner, period=YEAR)) == {"total": Decimal("1500.00")}
    assert values(compute("budget_planned", actor=planner, period=YEAR, by="source")) == {
        "comune": Decimal("1000.00"), "fnps": Decimal("500.00")}
    assert values(compute("budget_planned", actor=planner, period=YEAR, by="comune")) == {
        "999001": Decimal("1000.00")}
    two_years = Period.parse("2025-01-01", "2026-06-30")
    assert values(compute("budget_planned", actor=planner, period=two_years, by="year")) == {
        "2025": Decimal("1500.00"), "2026": Decimal("700.00")}


def test_budget_planned_without_lines_is_no_data(plan):
    assert values(compute("budget_planned", actor=plan.users["t.planner"], period=Period.year(2023))) == {
        "total": None}


def test_residents_per_social_worker_against_the_leps_ratio(plan):
    result = compute("residents_per_social_worker", actor=plan.users["t.planner"], period=YEAR)
    assert values(result) == {"total": Decimal("4450")}
    assert result.cells[0].target == Decimal(5000)


def test_leps_presence_by_comune(world):
    factories.service(world, "pua", service_type="pua", area="multiutenza", comuni=("a",))
    factories.service(world, "dimissioni", service_type="adi", leps=("protected_discharge",))
    planner = world.users["t.planner"]
    assert values(compute("leps_pua_coverage", actor=planner, period=YEAR, by="comune")) == {
        "999001": Decimal("100.0"), "999002": Decimal("0.0")}
    assert values(compute("leps_pua_coverage", actor=planner, period=YEAR)) == {"total": Decimal("50.0")}
    assert values(compute("leps_protected_discharge_coverage", actor=planner, period=YEAR)) == {
        "total": Decimal("100.0")}
    assert values(compute("leps_social_emergency_coverage", actor=planner, period=YEAR)) == {"total": Decimal("0.0")}


@pytest.fixture
def survey(world):
    from ambito.monitoring.models import QuestionKind, Survey, SurveyQuestion
    from ambito.monitoring.services import survey_response_submit

    svc = factories.service(world, "s1")
    s = Survey.objects.create(service=svc, title="Gradimento")
    q1 = SurveyQuestion.objects.create(survey=s, order=1, text="Cortesia", kind=QuestionKind.SCALE)
    q2 = SurveyQuestion.objects.create(survey=s, order=2, text="Puntualità", kind=QuestionKind.SCALE)
    q3 = SurveyQuestion.objects.create(survey=s, order=3, text="Suggerimenti", kind=QuestionKind.TEXT)
    for day, (a, b) in enumerate([(5, 4), (3, 3), (4, 5), (2, 4), (5, 5)], start=1):
        survey_response_submit(survey=s, answers={q1.pk: a, q2.pk: b, q3.pk: "ok" if day == 1 else ""},
                               submitted_at=at(2025, 4, day))
    return world


def test_satisfaction_mean_and_responses(survey):
    planner = survey.users["t.planner"]
    assert values(compute("satisfaction_mean", actor=planner, period=YEAR)) == {"total": Decimal("4.00")}
    assert values(compute("survey_responses", actor=planner, period=YEAR, by="month")) == {"2025-04": Decimal("5")}
    # only the first three days of April: (5, 4), (3, 3), (4, 5) → 24 / 6 = 4.00 from three responses,
    # a cell the planning office does not see
    three = Period.parse("2025-04-01", "2025-04-03")
    assert values(compute("satisfaction_mean", actor=planner, period=three)) == {"total": None}
    # the service works in Alfa and Beta: its answers are the Ambito's, not Alfa's social worker's alone
    assert values(compute("satisfaction_mean", actor=survey.users["t.sw"], period=three)) == {"total": None}


def test_a_survey_counts_where_its_service_works_and_never_twice(survey):
    """One figure, one number: the service covers Alfa and Beta, so its answers count for the two together
    (the Ambito) and not again for Alfa alone or Beta alone; Alfa's own service counts for Alfa."""
    from ambito.monitoring.models import QuestionKind, Survey, SurveyQuestion
    from ambito.monitoring.services import survey_response_submit

    own = Survey.objects.create(service=factories.service(survey, "alfa", comuni=("a",)), title="Alfa")
    question = SurveyQuestion.objects.create(survey=own, order=1, text="Cortesia", kind=QuestionKind.SCALE)
    for day in range(1, 7):
        survey_response_submit(survey=own, answers={question.pk: 3}, submitted_at=at(2025, 5, day))
    planner = survey.users["t.planner"]
    a, b = survey.comuni["a"].pk, survey.comuni["b"].pk

    def count(ids):
        return compute("survey_responses", actor=planner, period=YEAR, comune_ids=ids).total.value

    assert (count({a, b}), count({a})) == (Decimal("11"), Decimal("6")) and not count({b})
    assert count({a}) + (count({b}) or 0) <= count({a, b})
    assert values(compute("satisfaction_mean", actor=survey.users["t.sw"], period=YEAR)) == {"total": Decimal("3.00")}


def test_a_plan_indicator_linked_to_a_code_gives_its_yearly_target(plan):
    from ambito.monitoring.models import PlanIndicatorLink
    from ambito.planning.models import Indicator, IndicatorTarget, Intervention

    svc = factories.service(plan, "sad", target_wait_days=60)
    factories.admitted(plan, svc, days=20)
    intervention = Intervention.objects.get(code="I01")
    plan_indicator = Indicator.objects.create(intervention=intervention, name="Giorni di attesa SAD",
                                              unit="giorni", lower_is_better=True)
    IndicatorTarget.objects.create(indicator=plan_indicator, year=2025, value=Decimal("25"))
    IndicatorTarget.objects.create(indicator=plan_indicator, year=2026, value=Decimal("20"))
    PlanIndicatorLink.objects.create(code="waiting_days_median", plan_indicator=plan_indicator, service=svc)
    sw = plan.users["t.sw"]
    by_service = compute("waiting_days_median", actor=sw, period=YEAR, by="service")
    assert [(c.value, c.target) for c in by_service.cells] == [(Decimal("20.0"), Decimal("25"))]  # plan wins
    filtered = compute("waiting_days_median", actor=sw, period=YEAR, service_id=svc.pk)
    assert filtered.cells[0].target == Decimal("25")
    assert compute("waiting_days_median", actor=sw, period=YEAR).cells[0].target is None  # not Ambito-wide
