"""Care indicators on hand-built referrals, deliveries and discharges (all people in Alfa unless said).

Referrals to S1 (provider Coop Prova) sent 3 March 2025 and answered after 1, 2, 4, 8 days, one never
answered → answered 4 of 5 = 80 %; median of 1, 2, 4, 8 = 3 days.
Deliveries: 6 persons with 2 visits of 1.5 h each in March, one person in Beta with 10 h in April,
one economic benefit of € 250.00 in May → hours 6 × 3 + 10 = 28; Alfa 18, Beta 10.
Persons served: Alfa 6 + the benefit's person = 7 → 7 × 1,000 / 325 = 21.54; Beta 1 / 120 = 8.33.
Discharges completed in 2025: four, services confirmed on time for three → 75 %."""

import datetime as dt
from decimal import Decimal

import pytest

from ambito.monitoring.indicators import Period, compute
from ambito.monitoring.tests import factories
from ambito.monitoring.tests.factories import at

YEAR = Period.year(2025)


@pytest.fixture
def care(world):
    s1 = factories.service(world, "s1", target_wait_days=30)
    for days in (1, 2, 4, 8, None):
        factories.referral(world, s1, answered_after_days=days)
    for _ in range(6):
        ref = factories.referral(world, s1, answered_after_days=1)
        factories.delivery(world, ref, on=dt.date(2025, 3, 10), hours=Decimal("1.5"))
        factories.delivery(world, ref, on=dt.date(2025, 3, 17), hours=Decimal("1.5"))
    beta = factories.referral(world, s1, comune="b", answered_after_days=1)
    factories.delivery(world, beta, on=dt.date(2025, 4, 2), hours=Decimal("10"))
    benefit = factories.referral(world, s1, answered_after_days=1)
    factories.delivery(world, benefit, on=dt.date(2025, 5, 5), amount=Decimal("250.00"))
    confirmed = at(2025, 6, 1, 9)
    factories.discharge(world, s1, completed_on=dt.date(2025, 6, 1), confirmations=[confirmed, confirmed])
    factories.discharge(world, s1, completed_on=dt.date(2025, 6, 2), confirmations=[confirmed])
    factories.discharge(world, s1, completed_on=dt.date(2025, 6, 3), confirmations=[at(2025, 5, 30)])
    factories.discharge(world, s1, completed_on=dt.date(2025, 6, 4), confirmations=[confirmed, None])
    return world


def values(result):
    return {cell.key: cell.value for cell in result.cells}


def test_hours_delivered_by_comune_and_month(care):
    planner = care.users["t.planner"]
    sw = care.users["t.sw"]
    assert values(compute("hours_delivered", actor=sw, period=YEAR)) == {"total": Decimal("18.0")}
    assert values(compute("hours_delivered", actor=sw, period=YEAR, by="month")) == {
        "2025-03": Decimal("18.0"), "2025-05": Decimal("0.0")}
    # the planner is not a case role: Beta's 10 hours come from one person and are suppressed, and Alfa's
    # with them, or the total of 28 minus Alfa's 18 would give Beta's 10 back (complementary suppression)
    cells = {c.key: c for c in compute("hours_delivered", actor=planner, period=YEAR, by="comune").cells}
    assert cells["999002"].value is None and cells["999002"].suppressed and not cells["999002"].complementary
    assert cells["999001"].value is None and cells["999001"].suppressed and cells["999001"].complementary
    assert values(compute("hours_delivered", actor=planner, period=YEAR)) == {"total": Decimal("28.0")}


def test_persons_served_per_1000_residents(care):
    sw = care.users["t.sw"]
    assert values(compute("persons_served_per_1000", actor=sw, period=YEAR)) == {"total": Decimal("21.54")}
    assert values(compute("persons_served_per_1000", actor=care.users["t.planner"], period=YEAR)) == {
        "total": Decimal("17.98")}  # 8 persons / 445 residents


def test_spending_delivered_is_suppressed_for_a_single_person_outside_case_roles(care):
    assert values(compute("spending_delivered", actor=care.users["t.sw"], period=YEAR)) == {
        "total": Decimal("250.00")}
    assert values(compute("spending_delivered", actor=care.users["t.observer"], period=YEAR)) == {"total": None}


def test_referral_answer_rate_and_median_response_days(care):
    sw = care.users["t.sw"]
    march_3 = Period.parse("2025-03-03", "2025-03-03")
    # 5 test referrals + 6 + 1 (Beta, out of scope) + 1, all sent on 3 March: Alfa has 12, 11 answered
    assert values(compute("referral_answer_rate", actor=sw, period=march_3)) == {"total": Decimal("91.7")}
    provider = str(care.orgs["coop"].pk)
    median = compute("referral_response_days_median", actor=sw, period=march_3, by="provider")
    # answered after 1, 2, 4, 8 and seven times 1 day → median of eleven values = 1
    assert values(median) == {provider: Decimal("1.0")}


def test_protected_discharges_with_services_active_on_the_day(care):
    sw = care.users["t.sw"]
    # 1 June: both confirmed at 9:00 of the day; 2 June: confirmed the day before; 3 June: days before;
    # 4 June: one service never confirmed → 3 of 4
    result = compute("discharges_services_active", actor=sw, period=YEAR)
    assert values(result) == {"total": Decimal("75.0")}
    assert result.cells[0].target == Decimal(100)
    # four persons: below the small-cell threshold for the planning office
    assert values(compute("discharges_services_active", actor=care.users["t.planner"], period=YEAR)) == {
        "total": None}


def test_no_deliveries_is_no_data(care):
    period = Period.year(2024)
    for code in ("hours_delivered", "persons_served_per_1000", "spending_delivered", "referral_answer_rate",
                 "referral_response_days_median", "discharges_services_active"):
        assert values(compute(code, actor=care.users["t.sw"], period=period)) == {"total": None}


def test_days_from_request_to_first_delivery(world):
    """Requests received 1 March 2025 (10:00); first deliveries 5, 11, 21, 31 March and 30 April →
    4, 10, 20, 30, 60 days: median 20; P90 at 0.9 × 4 = 3.6 → 30 + 0.6 × 30 = 48."""
    from ambito.access.models import AccessRequest

    s1 = factories.service(world, "s1")
    for day in (dt.date(2025, 3, 5), dt.date(2025, 3, 11), dt.date(2025, 3, 21), dt.date(2025, 3, 31),
                dt.date(2025, 4, 30)):
        ref = factories.referral(world, s1, answered_after_days=1)
        request = AccessRequest.objects.create(ambito=world.ambito, person=ref.person, comune=ref.comune,
                                               channel="pua_desk", need="SAD", area="anziani",
                                               received_at=at(2025, 3, 1))
        ref.care_plan.request = request
        ref.care_plan.save(update_fields=["request"])
        factories.delivery(world, ref, on=day + dt.timedelta(days=7), hours=1)  # a later one does not count
        factories.delivery(world, ref, on=day, hours=1)
    planner = world.users["t.planner"]
    assert values(compute("days_to_first_delivery_median", actor=planner, period=YEAR)) == {"total": Decimal("20.0")}
    assert values(compute("days_to_first_delivery_p90", actor=planner, period=YEAR)) == {"total": Decimal("48.0")}
    # by month the cells hold four persons and one: the office sees neither, the social worker both
    assert values(compute("days_to_first_delivery_median", actor=planner, period=YEAR, by="month")) == {
        "2025-03": None, "2025-04": None}
    assert values(compute("days_to_first_delivery_median", actor=world.users["t.sw"], period=YEAR, by="month")) == {
        "2025-03": Decimal("15.0"), "2025-04": Decimal("60.0")}
