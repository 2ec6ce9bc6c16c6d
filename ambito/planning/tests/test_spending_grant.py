"""The L. 178/2020 c. 797 grant by the letter of the law: only social workers employed by the Ambito or its
Comuni on a permanent contract count; the thresholds 1:6,500, 1:5,000 and 1:4,000 with worked examples."""

from decimal import Decimal

import pytest

from ambito.planning import services
from ambito.planning.selectors import social_worker_grant, social_worker_ratio
from ambito.planning.selectors_spending import grant_positions


@pytest.mark.parametrize("residents, fte, grant", [
    # 65,000 residents: 1:6,500 = 10 FTE, 1:5,000 = 13 FTE, 1:4,000 = 16.25 FTE
    (65000, Decimal("10"), Decimal("0.00")),  # exactly at 1:6,500: the grant starts above it
    (65000, Decimal("11.5"), Decimal("60000.00")),  # 1.5 FTE beyond 1:6,500 × € 40,000
    (65000, Decimal("16.25"), Decimal("185000.00")),  # 3 × 40,000 up to 1:5,000 + 3.25 × 20,000 up to 1:4,000
    (65000, Decimal("20"), Decimal("185000.00")),  # nothing beyond 1:4,000
    # 130,000 residents: 1:6,500 = 20, 1:5,000 = 26, 1:4,000 = 32.5
    (130000, Decimal("24"), Decimal("160000.00")),  # 4 × 40,000
    (130000, Decimal("30"), Decimal("320000.00")),  # 6 × 40,000 + 4 × 20,000
])
def test_worked_examples_of_the_three_thresholds(residents, fte, grant):
    assert social_worker_grant(residents=residents, permanent_fte=fte) == grant


def test_only_the_ambito_and_its_comuni_as_employers_raise_the_grant(demo, planner, plan):
    i01 = plan.interventions.get(code="I01")
    org = demo.organisations
    services.staff_position_add(actor=planner, intervention=i01, profile="social_worker", fte="30",
                                employer=org["comune_monza"])
    services.staff_position_add(actor=planner, intervention=i01, profile="social_worker", fte="2",
                                employer=org["udp"])
    before = social_worker_ratio(plan=plan, year=2025)
    assert before.permanent_fte == Decimal("32.00")
    # two permanent FTE of a cooperative: social workers of the Ambito's services, but not its employees
    services.staff_position_add(actor=planner, intervention=i01, profile="social_worker", fte="2",
                                employer=org["coop_ponte"], permanent=True)
    services.staff_position_add(actor=planner, intervention=i01, profile="social_worker", fte="1",
                                employer=org["comune_brugherio"], permanent=False)
    after = social_worker_ratio(plan=plan, year=2025)
    assert after.fte == Decimal("35.00")  # every social worker counts for the LEPS ratio shown
    assert after.permanent_fte == Decimal("32.00") and after.grant == before.grant
    why = {(p["employer"], p["counts"]): p["why"] for p in grant_positions(plan=plan)}
    assert why[("Cooperativa Sociale Il Ponte", False)].startswith("Non conteggiato: dipendente di")
    assert why[("Comune di Brugherio", False)] == "Non conteggiato: contratto non a tempo indeterminato."
    assert why[("Comune di Monza", True)].startswith("Conteggiato")
