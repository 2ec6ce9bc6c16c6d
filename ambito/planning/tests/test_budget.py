"""Budget lines, totals by year/source/area/Comune with per-capita figures, consistency checks."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ambito.planning import services
from ambito.planning.models import BudgetLine
from ambito.planning.selectors import budget_checks, budget_totals, budget_totals_by_year, carry_over_totals

from .conftest import col

# Demo residents at 1 January 2023 (ISTAT), the latest before 2025: the denominators of the per-capita figures.
MONZA, BRUGHERIO, VILLASANTA = 121799, 34999, 14131


@pytest.fixture
def budgeted(demo, planner, plan):
    i01, i02 = plan.interventions.get(code="I01"), plan.interventions.get(code="I02")
    services.budget_row_set(actor=planner, intervention=i01, year=2025, amounts={
        col(demo, "monza"): "121.799,00", col(demo, "brugherio"): "69998", "fna": "50000.50", "regional": "0"})
    services.budget_row_set(actor=planner, intervention=i02, year=2025, amounts={
        col(demo, "monza"): "243598", "fnps": "10000.25"})
    services.budget_row_set(actor=planner, intervention=i01, year=2026, amounts={"fna": "1000"})
    return plan


def _population_year(demo):
    from ambito.territory.models import PopulationRecord

    return PopulationRecord.objects.filter(comune=demo.comuni["monza"]).order_by("-year").values_list(
        "year", flat=True).first()


def test_totals_by_source_area_and_comune_match_a_hand_calculation(demo, budgeted):
    totals = budget_totals(plan=budgeted, year=2025)
    # 121,799 + 69,998 + 50,000.50 + 0 + 243,598 + 10,000.25
    assert totals.total == Decimal("495395.75")
    assert {r["source"]: r["amount"] for r in totals.by_source} == {
        "comune": Decimal("435395.00"), "fnps": Decimal("10000.25"), "fna": Decimal("50000.50"),
        "regional": Decimal("0.00")}
    assert {r["area"]: r["amount"] for r in totals.by_area} == {
        "anziani": Decimal("241797.50"), "disabili": Decimal("253598.25")}
    comuni = {r["name"]: r for r in totals.by_comune}
    assert comuni["Monza"]["amount"] == Decimal("365397.00")
    assert comuni["Brugherio"]["amount"] == Decimal("69998.00")
    assert comuni["Villasanta"]["amount"] == Decimal("0.00")
    assert totals.population_year == 2023
    assert totals.residents == MONZA + BRUGHERIO + VILLASANTA == 170929
    assert comuni["Monza"]["per_capita"] == Decimal("3.00")  # 365,397 / 121,799
    assert comuni["Brugherio"]["per_capita"] == Decimal("2.00")  # 69,998 / 34,999
    assert comuni["Villasanta"]["per_capita"] is not None and comuni["Villasanta"]["per_capita"] == 0
    assert totals.per_capita == Decimal("2.90")  # 495,395.75 / 170,929 = 2.898…
    assert {r["area"]: r["per_capita"] for r in totals.by_area} == {
        "anziani": Decimal("1.41"), "disabili": Decimal("1.48")}  # 241,797.50 / 170,929; 253,598.25 / 170,929


def test_per_capita_uses_the_latest_population_before_the_budget_year(demo, budgeted):
    totals = budget_totals(plan=budgeted, year=2025)
    assert totals.population_year == _population_year(demo)
    for row in totals.by_comune:
        assert row["residents"] > 0


def test_totals_by_year_cover_the_whole_triennium(budgeted):
    assert budget_totals_by_year(plan=budgeted) == [
        {"year": 2025, "amount": Decimal("495395.75")}, {"year": 2026, "amount": Decimal("1000.00")},
        {"year": 2027, "amount": Decimal("0.00")}]


def test_totals_are_aggregated_in_a_fixed_number_of_queries(budgeted, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        budget_totals(plan=budgeted, year=2025)


def test_a_blank_amount_removes_the_line(demo, planner, budgeted):
    i01 = budgeted.interventions.get(code="I01")
    services.budget_row_set(actor=planner, intervention=i01, year=2025, amounts={"fna": ""})
    assert not BudgetLine.objects.filter(intervention=i01, year=2025, source="fna").exists()


@pytest.mark.parametrize("raw, message", [
    ("-10", "L'importo non può essere negativo (-10)."),
    ("dieci euro", "“dieci euro” non è un importo in euro."),
    ("12,345", "Gli importi in euro hanno al massimo due decimali (12,345)."),
    ("NaN", "“NaN” non è un importo in euro."),
])
def test_bad_amounts_are_refused_with_an_italian_message_and_nothing_changes(demo, planner, budgeted, raw,
                                                                               message):
    i01 = budgeted.interventions.get(code="I01")
    before = list(BudgetLine.objects.order_by("pk").values_list("pk", "amount"))
    with pytest.raises(ValidationError) as exc:
        services.budget_row_set(actor=planner, intervention=i01, year=2025,
                                amounts={"fnps": "5", col(demo, "monza"): raw})
    assert exc.value.message_dict[col(demo, "monza")] == [message]
    assert list(BudgetLine.objects.order_by("pk").values_list("pk", "amount")) == before


def test_an_unknown_source_or_a_year_outside_the_triennium_is_refused(planner, budgeted):
    i01 = budgeted.interventions.get(code="I01")
    with pytest.raises(ValidationError) as exc:
        services.budget_row_set(actor=planner, intervention=i01, year=2025, amounts={"lotteria": "5"})
    assert exc.value.message_dict["lotteria"] == ["Fonte di finanziamento sconosciuta “lotteria”."]
    with pytest.raises(ValidationError, match="fuori dal triennio 2025–2027"):
        services.budget_row_set(actor=planner, intervention=i01, year=2028, amounts={"fnps": "5"})


def test_consistency_checks_compare_sources_with_the_planned_total_and_dates(demo, planner, budgeted):
    assert budget_checks(plan=budgeted) == []
    i01 = budgeted.interventions.get(code="I01")
    services.intervention_update(actor=planner, intervention=i01, expected_version=i01.version,
                                 planned_total="300000")
    i02 = budgeted.interventions.get(code="I02")
    services.budget_row_set(actor=planner, intervention=i02, year=2025, amounts={col(demo, "villasanta"): "10"})
    problems = budget_checks(plan=budgeted)
    assert ("I01: le fonti di finanziamento sommano a € 242.797,50, ma il totale previsto è € 300.000,00."
            in problems)
    assert "I02: Villasanta finanzia un intervento che non copre il suo territorio." in problems
    # I01 ends in 2027 and starts in 2025: no date warning; a line before the start is flagged
    services.intervention_update(actor=planner, intervention=i01, expected_version=i01.version,
                                 start_date=__import__("datetime").date(2026, 1, 1))
    assert "I01: ci sono risorse nel 2025, prima dell'inizio dell'intervento." in budget_checks(plan=budgeted)


def test_carry_over_is_recorded_by_source(demo, planner, plan):
    services.carry_over_set(actor=planner, plan=plan, source="fnps", amount="1500,50", note="Residui 2024")
    services.carry_over_set(actor=planner, plan=plan, source="comune", comune=demo.comuni["monza"], amount="100")
    assert {r["source"]: r["amount"] for r in carry_over_totals(plan=plan)} == {
        "comune": Decimal("100.00"), "fnps": Decimal("1500.50")}
    with pytest.raises(ValidationError, match="negativo"):
        services.carry_over_set(actor=planner, plan=plan, source="fna", amount="-1")
    with pytest.raises(ValidationError, match="solo per quelli"):
        services.carry_over_set(actor=planner, plan=plan, source="fna", amount="1", comune=demo.comuni["monza"])
