"""The cost of what was delivered (issue 19): deliveries valued at the providers' unit costs, beside what was
committed to and paid to each provider, per provider and month, with every difference listed.

A payment is matched to the month of service it pays (``Payment.service_month``, the month of the provider's
invoice); commitments to a provider are shown for the year. A delivery without a unit cost valid on its day is
listed as a difference of its own."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.utils.translation import gettext as _

from ambito.core.text import plain_int
from ambito.monitoring.indicators.spending import valued_deliveries
from ambito.monitoring.rules import can_run_reports
from ambito.monitoring.selectors import comuni_in_scope

CENT = Decimal("0.01")


def reconciliation(*, comune_ids, year: int) -> dict:
    """Per provider and month of ``year``: delivered value, paid (by month of service), difference; committed
    to each provider in the year; deliveries with no unit cost. A fixed number of queries."""
    from ambito.accounts.models import Organisation
    from ambito.care.models import Delivery
    from ambito.planning.models import Commitment, Payment, PaymentStage
    from ambito.territory.models import Comune

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    ambito_ids = Comune.objects.filter(pk__in=comune_ids).values("ambito_id")
    base = Delivery.objects.filter(comune_id__in=comune_ids, delivered_on__gte=start, delivered_on__lte=end)
    valued = valued_deliveries(base)
    delivered = {(r["provider_id"], r["month"]): r for r in valued.annotate(month=TruncMonth("delivered_on")).values(
        "provider_id", "month").annotate(value=Sum("value"), n=Count("id"), unvalued=Count("id", filter=Q(rate__isnull=True)), hours=Sum("hours")).order_by()}
    paid = {(r["provider_id"], r["service_month"]): r["s"] for r in Payment.objects.filter(
        stage=PaymentStage.PAID, provider__isnull=False, service_month__gte=start, service_month__lte=end,
        commitment__intervention__plan__ambito_id__in=ambito_ids).values("provider_id", "service_month")
        .annotate(s=Sum("amount")).order_by()}
    committed = dict(Commitment.objects.filter(provider__isnull=False, year=year,
                                               intervention__plan__ambito_id__in=ambito_ids)
                     .values("provider_id").annotate(s=Sum("amount")).values_list("provider_id", "s"))
    paid_year = defaultdict(Decimal)
    for (provider_id, _month), amount in paid.items():
        paid_year[provider_id] += amount
    providers = set(k[0] for k in delivered) | set(k[0] for k in paid) | set(committed)
    names = dict(Organisation.objects.filter(pk__in=providers).values_list("id", "name"))
    rows, differences = [], []
    for provider_id, month in sorted(set(delivered) | set(paid), key=lambda k: (names.get(k[0], ""), k[1])):
        d = delivered.get((provider_id, month), {})
        value = (d.get("value") or Decimal(0)).quantize(CENT)
        paid_amount = (paid.get((provider_id, month)) or Decimal(0)).quantize(CENT)
        row = {"provider": names.get(provider_id, ""), "provider_id": provider_id, "month": month,
               "delivered": value, "paid": paid_amount, "difference": paid_amount - value,
               "deliveries": d.get("n", 0), "unvalued": d.get("unvalued", 0)}
        rows.append(row)
        if row["difference"]:
            differences.append({**row, "why": _("paid € %(paid)s for services valued € %(value)s") % {
                "paid": paid_amount, "value": value}})
        if row["unvalued"]:
            differences.append({**row, "why": _("%(n)s deliveries without a unit cost valid on their day") % {
                "n": row["unvalued"]}})
    per_provider = [{"provider": names.get(p, ""), "committed": (committed.get(p) or Decimal(0)).quantize(CENT),
                     "paid": paid_year[p].quantize(CENT),
                     "delivered": sum((r["delivered"] for r in rows if r["provider_id"] == p), Decimal(0))}
                    for p in sorted(providers, key=lambda p: names.get(p, ""))]
    return {"year": year, "rows": rows, "differences": differences, "providers": per_provider}


@login_required
def reconciliation_view(request):
    if not can_run_reports(request.user):
        raise PermissionDenied
    year = plain_int(request.GET.get("anno")) or dt.date.today().year - 4
    comune_ids = list(comuni_in_scope(actor=request.user).values_list("id", flat=True))
    result = reconciliation(comune_ids=comune_ids, year=year)
    return render(request, "monitoring/reconciliation.html", {**result, "years": range(2021, dt.date.today().year + 1)})
