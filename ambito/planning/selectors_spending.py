"""Reads of the money loop: planned (from the approved version of the plan) → committed → paid, by funding
source, Comune, area and year with per-resident figures; the carry-over (*residui*) rule; the fund report of
a fund and year; the L. 178/2020 c. 797 grant counted by employer; reinvested health savings.

"Planned" here is always the **approved** content of the plan (``approved_content``): the rows of a plan
that is approved, in force or closed (frozen in those states), or the snapshot of the last approved version
of a plan being revised; a plan never approved plans nothing here. Committed and paid are the recorded
commitments and payments. Drafts are shown only on the planning office's budget matrix."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ambito.accounts.models import OrganisationKind
from ambito.network.taxonomy import Area, Leps
from ambito.planning.models import (
    EDITABLE_STATES,
    BudgetLine,
    CarryOver,
    Commitment,
    FundAllocation,
    FundingSource,
    HealthActivityFigure,
    Payment,
    PaymentStage,
    Plan,
    PlanVersion,
    ReinvestmentAgreement,
    StaffPosition,
    StaffProfile,
)
from ambito.territory.models import Comune, PopulationRecord

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Reported funds (*rendicontazione*): the national funds and the Region's, and the reinvested savings.
REPORTED_FUNDS = (FundingSource.FNPS, FundingSource.FNA, FundingSource.POVERTY, FundingSource.REGIONAL,
                  FundingSource.REINVESTED)


def money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def _per_resident(amount, residents):
    return (Decimal(amount) / Decimal(residents)).quantize(CENT, rounding=ROUND_HALF_UP) if residents else None


# --- Approved content ---------------------------------------------------------------------------------------


def approved_content(plan) -> dict | None:
    """The content the Region, the public and the reports read: the live rows when the plan is approved, in
    force or closed (they cannot change then), else the snapshot of its last approved version, else None."""
    from ambito.planning.selectors import plan_snapshot

    if plan.state not in EDITABLE_STATES:
        return plan_snapshot(plan)
    version = PlanVersion.objects.filter(plan=plan, frozen=True).order_by("-number").first()
    return version.content if version else None


def approved_budget_cells(plan, content=None) -> list[dict]:
    """Every planned amount of the approved content as ``{code, year, source, istat, amount, area, leps}``."""
    content = approved_content(plan) if content is None else content
    cells = []
    for code, intervention in ((content or {}).get("interventions") or {}).items():
        for key, amount in (intervention.get("budget") or {}).items():
            year, _sep, column = key.partition(" ")
            source, _sep, istat = column.partition(":")
            cells.append({"code": code, "year": int(year), "source": source, "istat": istat or None,
                          "amount": Decimal(amount), "area": intervention.get("area", ""),
                          "leps": intervention.get("leps") or [], "title": intervention.get("title", "")})
    return cells


def plans_covering(ambito_id, year: int):
    return Plan.objects.filter(ambito_id=ambito_id, start_year__lte=year, end_year__gte=year).order_by("-start_year")


# --- Planned → committed → paid ----------------------------------------------------------------------------


def commitments_of(plan):
    return Commitment.objects.filter(intervention__plan=plan)


def payments_of(plan, stage=PaymentStage.PAID):
    return Payment.objects.filter(commitment__intervention__plan=plan, stage=stage)


def _residents(comuni, year):
    from ambito.planning.selectors import population_year_for

    ids = [c.id for c in comuni]
    pop_year = population_year_for(year, ids)
    if not pop_year:
        return {}, None
    return dict(PopulationRecord.objects.filter(year=pop_year, comune_id__in=ids).values("comune_id")
                .annotate(n=Sum("count")).values_list("comune_id", "n")), pop_year


@dataclass
class SpendingOverview:
    year: int | None
    rows: dict  # dimension -> list of {key, label, planned, committed, liquidated, paid, per_resident...}
    total: dict
    residents: int | None
    population_year: int | None

    def as_api(self) -> dict:
        def clean(row):
            return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}

        return {"year": self.year, "residents": self.residents, "population_year": self.population_year,
                "total": clean(self.total), **{dim: [clean(r) for r in rows] for dim, rows in self.rows.items()}}


def spending_overview(*, plan, year: int | None = None) -> SpendingOverview:
    """Planned (approved), committed, liquidated and paid by source, Comune (own funds), area and year, with
    per-resident figures: the Ambito's residents for sources, areas and years, each Comune's for its own funds.
    ``year=None``: the whole triennium. A fixed number of queries."""
    comuni = list(Comune.objects.filter(ambito_id=plan.ambito_id).order_by("name"))
    cells = [c for c in approved_budget_cells(plan) if year is None or c["year"] == year]
    commitments = commitments_of(plan)
    liquidated, paid = payments_of(plan, PaymentStage.LIQUIDATED), payments_of(plan)
    if year is not None:
        commitments = commitments.filter(year=year)
        liquidated, paid = liquidated.filter(commitment__year=year), paid.filter(commitment__year=year)
    dims = {"source": ("source", "commitment__source"), "area": ("intervention__area",
                                                                  "commitment__intervention__area"),
            "year": ("year", "commitment__year"), "comune": ("comune__istat_code", "commitment__comune__istat_code")}
    sums: dict = {}
    for dim, (c_field, p_field) in dims.items():
        sums[dim] = {
            "committed": dict(commitments.values(c_field).annotate(s=Sum("amount")).values_list(c_field, "s")),
            "liquidated": dict(liquidated.values(p_field).annotate(s=Sum("amount")).values_list(p_field, "s")),
            "paid": dict(paid.values(p_field).annotate(s=Sum("amount")).values_list(p_field, "s")),
        }
    planned: dict = {dim: defaultdict(Decimal) for dim in dims}
    for c in cells:
        planned["source"][c["source"]] += c["amount"]
        planned["area"][c["area"]] += c["amount"]
        planned["year"][c["year"]] += c["amount"]
        if c["istat"]:
            planned["comune"][c["istat"]] += c["amount"]
    residents, pop_year = _residents(comuni, year or plan.start_year)
    all_residents = sum(residents.values()) or None
    labels = {"source": dict(FundingSource.choices), "area": dict(Area.choices),
              "comune": {c.istat_code: c.name for c in comuni}}

    def row(dim, key, population):
        values = {"planned": money(planned[dim].get(key))} | {
            k: money(sums[dim][k].get(key)) for k in ("committed", "liquidated", "paid")}
        label = labels.get(dim, {}).get(key, key)
        return {"key": str(key), "label": str(label), **values,
                "committed_share": _share(values["committed"], values["planned"]),
                "paid_share": _share(values["paid"], values["committed"]),
                "residents": population,
                "planned_per_resident": _per_resident(values["planned"], population),
                "committed_per_resident": _per_resident(values["committed"], population),
                "paid_per_resident": _per_resident(values["paid"], population)}

    rows = {}
    for dim in ("source", "area", "year"):
        keys = [k for k in (FundingSource.values if dim == "source" else Area.values if dim == "area"
                            else plan.years) if planned[dim].get(k) or sums[dim]["committed"].get(k)]
        rows[dim] = [row(dim, k, all_residents) for k in keys]
    rows["comune"] = [row("comune", c.istat_code, residents.get(c.id)) for c in comuni]
    total = {k: money(sum(r[k] for r in rows["source"])) for k in ("planned", "committed", "liquidated", "paid")}
    total |= {f"{k}_per_resident": _per_resident(total[k], all_residents) for k in ("planned", "committed", "paid")}
    return SpendingOverview(year=year, rows=rows, total=total, residents=all_residents, population_year=pop_year)


def spending_totals(*, plan, year: int) -> dict:
    """The totals of ``spending_overview(plan=plan, year=year)`` (planned, committed and paid, with the Ambito's
    residents) in five aggregate queries, for pages that set many plans side by side (the Region's comparison
    of 100 Ambiti spent 8 of its 11 s building each plan's whole overview, snapshot included, for these)."""
    if plan.state not in EDITABLE_STATES:  # approved, in force or closed: the live rows are the approved ones
        planned = BudgetLine.objects.filter(intervention__plan=plan, year=year).aggregate(s=Sum("amount"))["s"]
    else:
        planned = sum((c["amount"] for c in approved_budget_cells(plan) if c["year"] == year), Decimal(0))
    committed = commitments_of(plan).filter(year=year).aggregate(s=Sum("amount"))["s"]
    paid = payments_of(plan).filter(commitment__year=year).aggregate(s=Sum("amount"))["s"]
    residents, _year = _residents(list(Comune.objects.filter(ambito_id=plan.ambito_id)), year)
    return {"planned": money(planned), "committed": money(committed), "paid": money(paid),
            "residents": sum(residents.values()) or None}


def _share(part, whole):
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")) if whole else None


def spending_by_intervention(*, plan, year: int) -> list[dict]:
    """One row per intervention × source × Comune: planned (approved), committed, paid, for the budget page."""
    planned = defaultdict(Decimal)
    titles = {}
    for c in approved_budget_cells(plan):
        if c["year"] == year:
            planned[(c["code"], c["source"], c["istat"])] += c["amount"]
            titles[c["code"]] = c["title"]
    key_fields = ("intervention__code", "source", "comune__istat_code")
    committed = {tuple(r[:3]): r[3] for r in commitments_of(plan).filter(year=year).values(*key_fields)
                 .annotate(s=Sum("amount")).values_list(*key_fields, "s")}
    p_fields = tuple(f"commitment__{f}" for f in key_fields)
    paid = {tuple(r[:3]): r[3] for r in payments_of(plan).filter(commitment__year=year).values(*p_fields)
            .annotate(s=Sum("amount")).values_list(*p_fields, "s")}
    labels = dict(FundingSource.choices)
    names = dict(Comune.objects.filter(ambito_id=plan.ambito_id).values_list("istat_code", "name"))
    rows = []
    for key in sorted(set(planned) | set(committed) | set(paid), key=lambda k: (k[0], k[1], k[2] or "")):
        code, source, istat = key
        rows.append({"code": code, "title": titles.get(code, ""), "source": source,
                     "source_label": str(labels.get(source, source)), "comune": names.get(istat, ""),
                     "planned": money(planned.get(key)), "committed": money(committed.get(key)),
                     "paid": money(paid.get(key)),
                     "uncommitted": money(planned.get(key)) - money(committed.get(key))})
    return rows


# --- Carry-over (residui) ----------------------------------------------------------------------------------

CARRY_OVER_RULE = _lazy(
    "Carry-over (residui) proposed for the next plan, by funding source (Comuni's own funds by Comune): the "
    "carry-over this plan received, plus what its approved version planned over the triennium, minus what "
    "was committed. Money committed but not yet paid (residui passivi) stays with its commitment and is paid "
    "from it: it is shown apart and is not carried over again.")


def carry_over_proposal(*, plan) -> list[dict]:
    received = defaultdict(Decimal)
    for c in CarryOver.objects.filter(plan=plan).select_related("comune"):
        received[(c.source, c.comune.istat_code if c.comune else None)] += c.amount
    planned = defaultdict(Decimal)
    for c in approved_budget_cells(plan):
        planned[(c["source"], c["istat"])] += c["amount"]
    committed = {(r[0], r[1]): r[2] for r in commitments_of(plan).values("source", "comune__istat_code")
                 .annotate(s=Sum("amount")).values_list("source", "comune__istat_code", "s")}
    paid = {(r[0], r[1]): r[2] for r in payments_of(plan).values("commitment__source", "commitment__comune__istat_code")
            .annotate(s=Sum("amount")).values_list("commitment__source", "commitment__comune__istat_code", "s")}
    labels = dict(FundingSource.choices)
    names = dict(Comune.objects.filter(ambito_id=plan.ambito_id).values_list("istat_code", "name"))
    rows = []
    for key in sorted(set(received) | set(planned) | set(committed), key=lambda k: (k[0], k[1] or "")):
        source, istat = key
        r, p, c, paid_amount = (money(received.get(key)), money(planned.get(key)), money(committed.get(key)),
                                money(paid.get(key)))
        rows.append({"source": source, "label": str(labels.get(source, source)), "comune": names.get(istat, ""),
                     "received": r, "planned": p, "committed": c, "paid": paid_amount,
                     "carry_over": max(r + p - c, ZERO), "open_commitments": max(c - paid_amount, ZERO)})
    return rows


# --- Fund report (rendicontazione) -------------------------------------------------------------------------

FUND_REPORT_QUANTITIES = [
    ("allocation", _lazy("Allocation received for the year (riparto, act of the Region or the Ministry)")),
    ("carry_over", _lazy("Carry-over received from the previous plan (residui), first year of the plan only")),
    ("available", _lazy("Available = allocation + carry-over")),
    ("planned", _lazy("Planned in the approved Piano di Zona for the year")),
    ("committed", _lazy("Committed (impegnato) by acts dated in the year")),
    ("liquidated", _lazy("Liquidated (liquidato) against those commitments")),
    ("paid", _lazy("Paid (pagato, payment orders) against those commitments")),
    ("to_commit", _lazy("Still to commit = available − committed")),
    ("to_pay", _lazy("Committed not yet paid = committed − paid")),
]


def fund_report_data(*, ambito, source: str, year: int) -> dict:
    """The figures of one fund and year, by intervention and by LEPS, from the approved plans covering the
    year and the recorded spending. Plain data (strings for amounts): what a submitted report freezes."""
    allocation = FundAllocation.objects.filter(ambito=ambito, source=source, year=year).first()
    interventions: dict = {}
    carry = ZERO
    plan_refs = []
    for plan in plans_covering(ambito.id, year):
        content = approved_content(plan)
        if content is None:
            continue
        plan_refs.append({"id": plan.pk, "title": str(plan), "version": plan.current_version,
                          "state": plan.state})
        if year == plan.start_year:
            carry += money(CarryOver.objects.filter(plan=plan, source=source).aggregate(s=Sum("amount"))["s"])
        for cell in approved_budget_cells(plan, content):
            if cell["year"] == year and cell["source"] == source:
                row = interventions.setdefault((plan.pk, cell["code"]), _fund_row(cell))
                row["planned"] += cell["amount"]
        info = {i["code"]: i for i in plan.interventions.values("code", "title", "area", "leps")}
        spend = [("committed", Commitment.objects.filter(intervention__plan=plan, year=year, source=source)
                  .values("intervention__code").annotate(s=Sum("amount")).values_list("intervention__code", "s"))]
        for stage in PaymentStage.values:
            spend.append((stage, Payment.objects.filter(commitment__intervention__plan=plan, commitment__year=year,
                                                        commitment__source=source, stage=stage)
                          .values("commitment__intervention__code").annotate(s=Sum("amount"))
                          .values_list("commitment__intervention__code", "s")))
        for name, qs in spend:
            for code, amount in qs:
                row = interventions.setdefault((plan.pk, code), _fund_row(info.get(code, {"code": code})))
                row[name] += amount
    rows = sorted(interventions.values(), key=lambda r: r["code"])
    leps_labels = dict(Leps.choices)
    by_leps: dict = {}
    for row in rows:
        for code in row["leps"] or ["—"]:
            entry = by_leps.setdefault(code, {"leps": code, "label": str(leps_labels.get(code, _("No LEPS"))),
                                              "planned": ZERO, "committed": ZERO, "liquidated": ZERO, "paid": ZERO})
            for k in ("planned", "committed", "liquidated", "paid"):
                entry[k] += row[k]
    totals = {k: money(sum((r[k] for r in rows), ZERO)) for k in ("planned", "committed", "liquidated", "paid")}
    alloc = money(allocation.amount if allocation else 0)
    totals |= {"allocation": alloc, "carry_over": money(carry), "available": money(alloc + carry)}
    totals |= {"to_commit": totals["available"] - totals["committed"], "to_pay": totals["committed"] - totals["paid"]}

    def plain(row):
        return {k: (str(money(v)) if isinstance(v, Decimal) else v) for k, v in row.items()}

    return {
        "ambito": ambito.name, "ambito_code": ambito.code, "source": source,
        "source_label": str(dict(FundingSource.choices).get(source, source)), "year": year,
        "allocation_act": allocation.act if allocation else "", "plans": plan_refs,
        "quantities": [[k, str(label)] for k, label in FUND_REPORT_QUANTITIES],
        "totals": {k: str(v) for k, v in totals.items()},
        "interventions": [plain(r) for r in rows],
        "leps": [plain(r) for r in sorted(by_leps.values(), key=lambda r: r["leps"])],
    }


def _fund_row(cell) -> dict:
    return {"code": cell["code"], "title": cell.get("title", ""), "area": cell.get("area", ""),
            "leps": list(cell.get("leps") or []), "planned": ZERO, "committed": ZERO, "liquidated": ZERO,
            "paid": ZERO}


# --- L. 178/2020 c. 797 grant counted by employer ------------------------------------------------------------

# c. 797 counts social workers "assunti dagli Ambiti o dai Comuni che ne fanno parte": the Ambito's own
# office (Ufficio di Piano, the ente capofila) and the Comuni; permanent (tempo indeterminato) contracts.
PUBLIC_EMPLOYERS = (OrganisationKind.COMUNE, OrganisationKind.PLANNING_OFFICE)


def grant_positions(*, plan) -> list[dict]:
    """Every social-worker position of the plan with whether it counts for the c. 797 grant and why."""
    rows = []
    for p in (StaffPosition.objects.filter(intervention__plan=plan, profile=StaffProfile.SOCIAL_WORKER)
              .select_related("employer", "intervention").order_by("intervention__code", "employer__name")):
        public = p.employer.kind in PUBLIC_EMPLOYERS and p.employer.ambito_id in (plan.ambito_id, None)
        if not public:
            why = _("Not counted: employed by %(employer)s (%(kind)s), not by the Ambito or one of its Comuni.") % {
                "employer": p.employer.name, "kind": p.employer.get_kind_display()}
        elif not p.permanent:
            why = _("Not counted: not a permanent contract.")
        else:
            why = _("Counted: permanent contract with %(employer)s.") % {"employer": p.employer.name}
        rows.append({"position": p, "intervention": p.intervention.code, "employer": p.employer.name,
                     "fte": p.fte, "permanent": p.permanent, "counts": public and p.permanent, "why": why})
    return rows


def grant_fte_q():
    """The positions c. 797 counts, as a filter on ``StaffPosition``."""
    return Q(profile=StaffProfile.SOCIAL_WORKER, permanent=True, employer__kind__in=PUBLIC_EMPLOYERS)


# --- Reinvested savings ------------------------------------------------------------------------------------


def reinvestment_overview(*, plan) -> dict | None:
    """Savings declared (bed-days saved against the baseline average, valued at the agreed cost of a
    bed-day), reinvested (the agreed share) and spent (payments from the source "reinvested"), per year."""
    agreement = ReinvestmentAgreement.objects.filter(plan=plan).first()
    if agreement is None:
        return None
    comuni = list(Comune.objects.filter(ambito_id=plan.ambito_id).order_by("name"))
    figures = defaultdict(dict)
    for f in HealthActivityFigure.objects.filter(comune__in=comuni):
        figures[f.year][f.comune_id] = f
    baseline_years = list(range(agreement.baseline_start, agreement.baseline_end + 1))
    baseline = {}
    for c in comuni:
        values = [figures[y][c.id].bed_days for y in baseline_years if c.id in figures[y]]
        baseline[c.id] = Decimal(sum(values)) / len(values) if values else None
    paid = dict(payments_of(plan).filter(commitment__source=FundingSource.REINVESTED)
                .values("commitment__year").annotate(s=Sum("amount")).values_list("commitment__year", "s"))
    committed = dict(commitments_of(plan).filter(source=FundingSource.REINVESTED).values("year")
                     .annotate(s=Sum("amount")).values_list("year", "s"))
    planned = defaultdict(Decimal)
    for cell in approved_budget_cells(plan):
        if cell["source"] == FundingSource.REINVESTED:
            planned[cell["year"]] += cell["amount"]
    years = []
    for year in sorted(y for y in figures if y > agreement.baseline_end):
        saved_days = Decimal(0)
        per_comune = []
        for c in comuni:
            f = figures[year].get(c.id)
            if f is None or baseline[c.id] is None:
                continue
            saved = max(baseline[c.id] - f.bed_days, Decimal(0))
            saved_days += saved
            per_comune.append({"comune": c.name, "baseline": baseline[c.id].quantize(Decimal("0.1")),
                               "bed_days": f.bed_days, "admissions": f.admissions,
                               "avoidable": f.avoidable_admissions, "saved": saved.quantize(Decimal("0.1"))})
        declared = money(saved_days * agreement.cost_per_bed_day)
        years.append({"year": year, "saved_bed_days": saved_days.quantize(Decimal("0.1")), "declared": declared,
                      "reinvested": money(declared * agreement.share / 100), "planned": money(planned.get(year)),
                      "committed": money(committed.get(year)), "spent": money(paid.get(year)),
                      "comuni": per_comune})
    return {"agreement": agreement, "baseline_years": baseline_years, "years": years,
            "totals": {k: money(sum((y[k] for y in years), ZERO))
                       for k in ("declared", "reinvested", "planned", "committed", "spent")}}
