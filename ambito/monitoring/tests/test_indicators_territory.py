"""Needs indicators on the hand-built population of tests/factories.py.

Alfa 2024: aged 0–14 = 50, 15–64 = 200, 65+ = 75 (75+ = 25), total 325.
Beta 2024: aged 0–14 = 10, 15–64 = 90, 65+ = 20, total 120. Alfa 2023: 300 aged 40."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ambito.monitoring.indicators import Period, compute

YEAR = Period.year(2024)


def values(result):
    return {cell.key: cell.value for cell in result.cells}


def test_residents_takes_the_latest_year_in_the_period(world):
    result = compute("residents", actor=world.users["t.planner"], period=Period.parse("2023-01-01", "2024-12-31"))
    assert values(result) == {"total": Decimal("445")}


def test_residents_by_year_comune_sex_and_age_band(world):
    planner = world.users["t.planner"]
    period = Period.parse("2023-01-01", "2024-12-31")
    assert values(compute("residents", actor=planner, period=period, by="year")) == {
        "2023": Decimal("300"), "2024": Decimal("445")}
    assert values(compute("residents", actor=planner, period=YEAR, by="comune")) == {
        "999001": Decimal("325"), "999002": Decimal("120")}
    assert values(compute("residents", actor=planner, period=YEAR, by="sex")) == {
        "M": Decimal("160"), "F": Decimal("285")}
    assert values(compute("residents", actor=planner, period=YEAR, by="age_band")) == {
        "0-17": Decimal("60"), "18-64": Decimal("290"), "65-74": Decimal("70"), "75+": Decimal("25")}


def test_share_65_plus(world):
    result = compute("share_65_plus", actor=world.users["t.planner"], period=YEAR, by="comune")
    # Alfa 75/325 = 23.08 %, Beta 20/120 = 16.67 %
    assert values(result) == {"999001": Decimal("23.1"), "999002": Decimal("16.7")}
    assert values(compute("share_65_plus", actor=world.users["t.planner"], period=YEAR)) == {"total": Decimal("21.3")}


def test_old_age_index_and_dependency_ratio(world):
    planner = world.users["t.planner"]
    # 95 aged 65+ per 60 aged 0–14 → 158.3; (60 + 95) per 290 aged 15–64 → 53.4
    assert values(compute("old_age_index", actor=planner, period=YEAR)) == {"total": Decimal("158.3")}
    assert values(compute("dependency_ratio", actor=planner, period=YEAR)) == {"total": Decimal("53.4")}
    assert values(compute("dependency_ratio", actor=planner, period=YEAR, by="comune")) == {
        "999001": Decimal("62.5"), "999002": Decimal("33.3")}


def test_a_later_period_uses_the_latest_population_loaded(world):
    result = compute("residents", actor=world.users["t.planner"], period=Period.year(2025))
    assert values(result) == {"total": Decimal("445")}


def test_a_period_without_population_is_no_data_not_zero(world):
    result = compute("residents", actor=world.users["t.planner"], period=Period.year(2020))
    assert values(result) == {"total": None}


def test_a_social_worker_sees_only_the_comune_of_its_scope(world):
    assert values(compute("residents", actor=world.users["t.sw"], period=YEAR)) == {"total": Decimal("325")}


@pytest.mark.parametrize("start,end", [("2024-12-31", "2024-01-01"), ("2024-02-30", "2024-03-01"),
                                       ("1990-01-01", "1990-12-31"), ("2099-01-01", "2099-12-31"),
                                       ("2001-01-01", "2024-12-31"), ("", "2024-01-01")])
def test_impossible_periods_are_refused(start, end):
    with pytest.raises(ValidationError):
        Period.parse(start, end)


def test_a_breakdown_the_indicator_does_not_allow_is_refused(world):
    with pytest.raises(ValidationError):
        compute("share_65_plus", actor=world.users["t.planner"], period=YEAR, by="service")
