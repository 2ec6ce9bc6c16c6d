"""Demo of the reconciliation (issue 19): the providers' monthly invoices for the services delivered in
2021–2023 (the years of the plan in force) paid at the unit costs, so the delivered value and the payments
agree month by month. Recorded through the planning services, as the planning office would on the spending
page: a commitment to each provider for the year (its service contract) and one payment a month."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth

YEARS = (2021, 2022, 2023)


def load(ctx):
    from ambito.accounts.models import Organisation
    from ambito.care.models import Delivery
    from ambito.monitoring.indicators.spending import valued_deliveries
    from ambito.planning import services_spending as spending
    from ambito.planning.models import Payment

    plan = (getattr(ctx, "plans", None) or {}).get("2021")
    if plan is None or Payment.objects.filter(commitment__intervention__plan=plan,
                                              service_month__isnull=False).exists():
        return
    planner = ctx.users["planner"]
    monza = ctx.comuni["monza"]
    by_lead = {i.lead_organisation_id: i for i in plan.interventions.order_by("code")}
    fallback = plan.interventions.get(code="I01")
    months = (valued_deliveries(Delivery.objects.filter(comune__ambito=plan.ambito, delivered_on__year__in=YEARS))
              .filter(rate__isnull=False).annotate(month=TruncMonth("delivered_on"))
              .values("provider_id", "provider__name", "month").annotate(value=Sum("value")).order_by("month"))
    invoices = defaultdict(list)
    for row in months:
        invoices[(row["provider_id"], row["month"].year)].append(row)
    made = 0
    for (provider_id, year), rows in sorted(invoices.items()):
        total = sum((r["value"] for r in rows), Decimal(0)).quantize(Decimal("0.01"))
        if not total:
            continue
        commitment = spending.commitment_record(
            actor=planner, intervention=by_lead.get(provider_id, fallback), year=year, source="comune", comune=monza,
            amount=total, act_number=f"DD contratto {provider_id}/{year}", act_date=dt.date(year, 1, 2),
            provider=Organisation.objects.get(pk=provider_id),
            note="Contratto di servizio: fatture mensili a tariffa")
        for r in rows:
            value = r["value"].quantize(Decimal("0.01"))
            if value:
                month = r["month"]
                spending.payment_record(actor=planner, commitment=commitment, amount=value,
                                        paid_on=(month + dt.timedelta(days=45)), payee=r["provider__name"],
                                        service_month=month, reference=f"Fattura {month:%m/%Y}")
                made += 1
    if made:
        ctx.say(f"Reconciliation: {made} monthly invoices paid at unit costs for 2021–2023")
