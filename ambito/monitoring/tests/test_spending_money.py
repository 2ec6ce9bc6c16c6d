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
from ambito.planning.selectors_spending import spending_overview

pytestmark = [pytest.mark.django_db,
              pytest.mark.shared_demo("network", "planning", "access", "care", "monitoring")]  # one load, every test


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
    for each in (2021, 2022, 2023):  # every year of the plan: each provider's month paid as valued
        result = reconciliation(comune_ids=_comuni(full), year=each)
        assert result["rows"] and all(r["difference"] == 0 for r in result["rows"] if r["unvalued"] == 0), each
        assert [d for d in result["differences"] if "paid" in d["why"] or "pagato" in d["why"]] == [], each
        assert sum(r["paid"] for r in result["rows"]) == sum(r["delivered"] for r in result["rows"]) > 0, each
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


def test_the_dashboard_shows_planned_committed_and_paid_by_source_and_comune(full, client_as):
    """The Ambito's dashboard for 2022: a chart for each of planned (approved), committed and paid by funding
    source and by Comune (own funds), equal to the Monza 2021–2023 plan's spending overview."""
    from ambito.monitoring.selectors import dashboard_charts

    plan = Plan.objects.get(ambito=full.ambito, start_year=2021)
    overview = spending_overview(plan=plan, year=2022)
    html = client_as("planner").get("/monitoraggio/?dal=2022-01-01&al=2022-12-31").content.decode()
    charts = {c.id: c for c in dashboard_charts(actor=full.users["planner"],
                                                period=Period(dt.date(2022, 1, 1), dt.date(2022, 12, 31)))}
    for measure, code in (("planned", "budget"), ("committed", "committed"), ("paid", "paid")):
        for by in ("source", "comune"):
            chart_id = f"chart-{code}-{by}"
            assert f'data-chart="{chart_id}"' in html and f'id="{chart_id}-table"' in html, chart_id
            shown = {cell.key: Decimal(str(cell.value)) for cell in charts[chart_id].rows if cell.value}
            expected = {r["key"]: r[measure] for r in overview.rows[by] if r[measure]}
            assert expected and shown == expected, chart_id
    assert sum(Decimal(str(c.value)) for c in charts["chart-budget-source"].rows) == Decimal("5400000.00")
