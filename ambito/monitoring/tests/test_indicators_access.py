"""Waiting-time and coverage indicators on a hand-built set of admissions.

Service S1 (target 30 days): waits 10, 20, 30, 40, 100 days → median 30; P90 at rank 0.9 × 4 = 3.6,
40 + 0.6 × (100 − 40) = 76. Service S2: waits 5, 15 → median 10, P90 5 + 0.9 × 10 = 14.
All seven together: 5 10 15 20 30 40 100 → median 20, P90 at 5.4: 40 + 0.4 × 60 = 64.
Everybody lives in Alfa (325 residents): 7 × 1,000 / 325 = 21.54; over the Ambito (445) 15.73."""

import datetime as dt
from decimal import Decimal

import pytest

from ambito.monitoring.indicators import Period, compute
from ambito.monitoring.tests import factories
from ambito.monitoring.tests.factories import at

YEAR = Period.year(2025)


@pytest.fixture
def admissions(world):
    s1 = factories.service(world, "s1", target_wait_days=30)
    s2 = factories.service(world, "s2", service_type="adi", area="disabili", target_wait_days=20)
    for days in (10, 20, 30, 40, 100):
        factories.admitted(world, s1, days=days, sex="F")
    for days in (5, 15):
        factories.admitted(world, s2, days=days, sex="M", birth=dt.date(2010, 1, 1))
    factories.waiting(world, s1, comune="b")
    return world


def values(result):
    return {cell.key: cell.value for cell in result.cells}


def test_waiting_days_median_and_p90_over_the_ambito(admissions):
    sw = admissions.users["t.sw"]
    assert values(compute("waiting_days_median", actor=sw, period=YEAR)) == {"total": Decimal("20.0")}
    assert values(compute("waiting_days_p90", actor=sw, period=YEAR)) == {"total": Decimal("64.0")}


def test_waiting_days_by_service_carry_the_service_target(admissions):
    sw = admissions.users["t.sw"]
    s1, s2 = str(admissions.services["s1"].pk), str(admissions.services["s2"].pk)
    median = compute("waiting_days_median", actor=sw, period=YEAR, by="service")
    assert {c.key: (c.value, c.target) for c in median.cells} == {
        s1: (Decimal("30.0"), Decimal("30")), s2: (Decimal("10.0"), Decimal("20"))}
    assert values(compute("waiting_days_p90", actor=sw, period=YEAR, by="service")) == {
        s1: Decimal("76.0"), s2: Decimal("14.0")}


def test_waiting_days_by_sex_age_band_and_month(admissions):
    sw = admissions.users["t.sw"]
    assert values(compute("waiting_days_median", actor=sw, period=YEAR, by="sex")) == {
        "F": Decimal("30.0"), "M": Decimal("10.0")}
    # born 1940-06-15 → 84 at admission in 2025; born 2010-01-01 → 15
    assert values(compute("waiting_days_median", actor=sw, period=YEAR, by="age_band")) == {
        "0-17": Decimal("10.0"), "75+": Decimal("30.0")}
    # admitted 1 March + n days: March (5, 10, 15, 20, 30 → 31 March), April (40), June (100 → 9 June)
    assert values(compute("waiting_days_median", actor=sw, period=YEAR, by="month")) == {
        "2025-03": Decimal("15.0"), "2025-04": Decimal("40.0"), "2025-06": Decimal("100.0")}
    assert values(compute("waiting_days_median", actor=sw, period=YEAR, by="quarter")) == {
        "2025-Q1": Decimal("15.0"), "2025-Q2": Decimal("70.0")}


def test_small_cells_are_suppressed_for_roles_that_are_not_case_roles(admissions):
    s1, s2 = str(admissions.services["s1"].pk), str(admissions.services["s2"].pk)
    for username in ("t.planner", "t.observer"):
        cells = {c.key: c for c in compute("waiting_days_median", actor=admissions.users[username], period=YEAR,
                                           by="service").cells}
        assert cells[s1].value == Decimal("30.0")  # five persons: shown
        assert cells[s2].value is None and cells[s2].suppressed  # two persons: suppressed


@pytest.mark.parametrize("by", [None, "comune", "service", "area", "month", "quarter", "year", "sex", "age_band"])
def test_a_regional_observer_never_gets_a_cell_of_fewer_than_five_persons(admissions, by):
    observer = admissions.users["t.observer"]
    for code in ("waiting_days_median", "waiting_days_p90", "requests_received", "persons_waiting",
                 "persons_admitted_per_1000"):
        from ambito.monitoring.indicators import definition

        if by and by not in definition(code).breakdowns:
            continue
        for cell in compute(code, actor=observer, period=YEAR, by=by).cells:
            assert cell.value is None or cell.n is None or cell.n >= 5, (code, by, cell)


def test_persons_admitted_per_1000_residents(admissions):
    sw, planner = admissions.users["t.sw"], admissions.users["t.planner"]
    assert values(compute("persons_admitted_per_1000", actor=sw, period=YEAR)) == {"total": Decimal("21.54")}
    assert values(compute("persons_admitted_per_1000", actor=planner, period=YEAR)) == {"total": Decimal("15.73")}
    assert values(compute("persons_admitted_per_1000", actor=planner, period=YEAR, by="comune")) == {
        "999001": Decimal("21.54"), "999002": None}


def test_requests_received_and_persons_waiting(admissions):
    sw, planner = admissions.users["t.sw"], admissions.users["t.planner"]
    assert values(compute("requests_received", actor=sw, period=YEAR, by="month")) == {"2025-03": Decimal("7")}
    assert values(compute("requests_received", actor=sw, period=YEAR, by="area")) == {
        "anziani": Decimal("5"), "disabili": Decimal("2")}
    # the only person still waiting lives in Beta: outside the social worker's scope
    assert values(compute("persons_waiting", actor=sw, period=YEAR)) == {"total": None}
    assert compute("persons_waiting", actor=planner, period=YEAR).cells[0].n == 1


def test_a_period_without_admissions_is_no_data(admissions):
    sw = admissions.users["t.sw"]
    period = Period.parse("2024-01-01", "2024-12-31")
    for code in ("waiting_days_median", "waiting_days_p90", "persons_admitted_per_1000", "requests_received"):
        assert values(compute(code, actor=sw, period=period)) == {"total": None}


def test_period_bounds_are_whole_days(admissions):
    sw = admissions.users["t.sw"]
    # 1 March 10:00 + 10 days → admitted 11 March; a period ending 10 March excludes it
    assert values(compute("waiting_days_median", actor=sw, period=Period.parse("2025-03-01", "2025-03-10"))) == {
        "total": Decimal("5.0")}
    assert at(2025, 3, 11) > at(2025, 3, 10)
