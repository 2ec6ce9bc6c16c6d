"""The cost of what was delivered: deliveries valued at unit costs reconcile with the providers' payments in the
demo; a planted difference is listed. The spending indicators read the recorded commitments and payments."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from ambito.monitoring.indicators import Period, Query
from ambito.monitoring.indicators.spending import spending_committed, spending_paid
from ambito.monitoring.spending import reconciliation
from ambito.planning import services_spending as spending
from ambito.planning.models import Commitment, Payment, Plan

pytestmark = [pytest.mark.django_db,
              pytest.mark.shared_demo("network", "planning", "access", "care", "monitoring")]  # one load, both tests


@pytest.fixture
def full(shared_demo):
    return shared_demo


def _comuni(ctx):
    return [c.id for c in ctx.comuni.values()]


def _year_with_invoices():
    payment = Payment.objects.filter(service_month__isnull=False).order_by("service_month").first()
    return payment.service_month.year if payment else None


def test_the_demo_delivered_value_reconciles_with_payments_and_a_planted_difference_is_listed(full, client_as):
    year = _year_with_invoices()
    assert year is not None, "the demo pays its providers by month of service"
    result = reconciliation(comune_ids=_comuni(full), year=year)
    assert result["rows"] and all(r["difference"] == 0 for r in result["rows"] if r["unvalued"] == 0)
    assert [d for d in result["differences"] if "paid" in d["why"] or "pagato" in d["why"]] == []
    invoice = Payment.objects.filter(service_month__year=year).select_related("commitment").first()
    # plant: the provider is paid € 100 more than delivered for a month it had no invoice for
    month = dt.date(year, 12, 1) if invoice.service_month.month != 12 else dt.date(year, 11, 1)
    _plant(full, invoice, month, year)
    planted = reconciliation(comune_ids=_comuni(full), year=year)
    listed = [d for d in planted["differences"] if d["provider_id"] == invoice.provider_id and d["month"] == month]
    assert len(listed) == 1 and listed[0]["difference"] == Decimal("100.00")
    page = client_as("planner").get(f"/monitoraggio/riconciliazione/?anno={year}").content.decode()
    assert invoice.provider.name in page and 'id="differences"' in page


def _plant(full, invoice, month, year):
    extra = spending.commitment_record(actor=full.users["planner"], intervention=invoice.commitment.intervention,
                                       year=year, source="comune", comune=invoice.commitment.comune, amount="100",
                                       act_number=f"DD integrazione {year}", act_date=dt.date(year, 6, 1),
                                       provider=invoice.provider)
    spending.payment_record(actor=full.users["planner"], commitment=extra, amount="100.00",
                            paid_on=dt.date(year + 1, 1, 20), payee=invoice.payee, provider=invoice.provider,
                            service_month=month)


def test_the_spending_indicators_read_the_recorded_commitments_and_payments(full):
    plan = Plan.objects.get(ambito=full.ambito, start_year=2021)
    query = Query(period=Period(dt.date(2022, 1, 1), dt.date(2022, 12, 31)), comune_ids=frozenset(_comuni(full)), by="source")
    committed = {c.key: c.value for c in spending_committed(query)}
    expected = Commitment.objects.filter(intervention__plan=plan, year=2022, source="fnps").aggregate(
        s=Sum("amount"))["s"]
    assert Decimal(str(committed["fnps"])) == expected
    paid = {c.key: c.value for c in spending_paid(query)}
    assert 0 < Decimal(str(paid["fnps"])) <= expected
