"""Staffing: LEPS social-worker ratio and the L. 178/2020 grant; supervision hours (16 h/year per worker)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ambito.planning import services
from ambito.planning.models import SessionKind, StaffPosition
from ambito.planning.selectors import (
    leps_checks,
    planned_social_worker_fte,
    social_worker_grant,
    social_worker_ratio,
    supervision_hours,
)


@pytest.mark.parametrize("residents, permanent, grant", [
    # 100,000 residents: 1:6,500 = 15.38…, 1:5,000 = 20, 1:4,000 = 25
    (100000, Decimal("15"), Decimal("0.00")),  # below 1:6,500: nothing
    (100000, Decimal("20"), Decimal("184615.38")),  # (20 − 15.3846…) × 40,000
    (100000, Decimal("22"), Decimal("224615.38")),  # + 2 × 20,000
    (100000, Decimal("30"), Decimal("284615.38")),  # capped at 1:4,000: + 5 × 20,000
    (65000, Decimal("13"), Decimal("120000.00")),  # 10 → 13 at 40,000 each
])
def test_the_grant_follows_law_178_2020(residents, permanent, grant):
    assert social_worker_grant(residents=residents, permanent_fte=permanent) == grant


def test_the_ratio_of_the_plan_counts_social_workers_against_residents(demo, planner, plan):
    i01 = plan.interventions.get(code="I01")
    services.staff_position_add(actor=planner, intervention=i01, profile="social_worker", fte="30",
                                employer=demo.organisations["comune_monza"])
    services.staff_position_add(actor=planner, intervention=i01, profile="social_worker", fte="2,5",
                                employer=demo.organisations["coop_ponte"], permanent=False)
    services.staff_position_add(actor=planner, intervention=i01, profile="educator", fte="4",
                                employer=demo.organisations["coop_ponte"])
    ratio = social_worker_ratio(plan=plan, year=2025)
    assert ratio.residents == 170929  # ISTAT 1 January 2023, the latest before 2025
    assert (ratio.fte, ratio.permanent_fte) == (Decimal("32.50"), Decimal("30.00"))
    assert ratio.needed_essential == Decimal("34.19") and ratio.needed_goal == Decimal("42.73")
    # the LEPS counts the Comune's 30 FTE, not the cooperative's 2.5 (as the dashboard does)
    assert ratio.leps_fte == Decimal("30.00")
    assert not ratio.essential_met and ratio.residents_per_worker == Decimal("5698")
    # (30 − 170,929/6,500) × 40,000 = (30 − 26.2968) × 40,000
    assert ratio.grant == Decimal("148129.23")
    assert planned_social_worker_fte(plan=plan) == Decimal("32.50")
    assert planned_social_worker_fte(plan=plan, permanent_only=True) == Decimal("30.00")


@pytest.mark.parametrize("fte", ["0", "-1", "molti", "NaN"])
def test_bad_fte_is_refused(demo, planner, plan, fte):
    with pytest.raises(ValidationError):
        services.staff_position_add(actor=planner, intervention=plan.interventions.first(), profile="oss", fte=fte,
                                    employer=demo.organisations["coop_ponte"])
    assert not StaffPosition.objects.exists()


def test_supervision_reads_real_sessions_against_16_hours_a_year(demo, planner, plan):
    monza = demo.organisations["comune_monza"]
    for month in (1, 4, 7):
        services.training_session_record(actor=planner, plan=plan, kind=SessionKind.SUPERVISION,
                                         title="Supervisione", on=date(2025, month, 10), hours="6",
                                         participants=[("Anna Rossi", monza)] + ([("Bruno Neri", monza)]
                                                                                  if month == 1 else []))
    services.training_session_record(actor=planner, plan=plan, kind=SessionKind.TRAINING, title="Corso UVM",
                                     on=date(2025, 2, 1), hours="20", participants=[("Bruno Neri", monza)])
    hours = {w["name"]: (w["hours"], w["compliant"]) for w in supervision_hours(plan=plan, year=2025)}
    assert hours == {"Anna Rossi": (Decimal("18"), True), "Bruno Neri": (Decimal("6"), False)}
    check = next(c for c in leps_checks(plan=plan, year=2025) if c.code == "supervision")
    assert not check.met and check.detail == "1 operatori su 2 hanno avuto almeno 16 ore di supervisione nel 2025."
    with pytest.raises(ValidationError, match="almeno un partecipante"):
        services.training_session_record(actor=planner, plan=plan, kind="supervision", title="x",
                                         on=date(2025, 1, 1), hours="2", participants=[(" ", monza)])


def test_leps_checks_look_for_pua_social_emergency_24_7_and_protected_discharges(demo, planner, plan):
    codes = {c.code: c.met for c in leps_checks(plan=plan)}
    assert codes == {"social_worker_ratio": False, "supervision": False, "social_emergency": False, "pua": False,
                     "protected_discharge": False}
    services.intervention_create(actor=planner, plan=plan, code="I10", title="Pronto intervento sociale",
                                 area="poverta", service_type="social_emergency", always_available=True)
    services.intervention_create(actor=planner, plan=plan, code="I11", title="PUA", area="multiutenza",
                                 leps=["pua", "protected_discharge"])
    codes = {c.code: c.met for c in leps_checks(plan=plan)}
    assert codes["social_emergency"] and codes["pua"] and codes["protected_discharge"]
