"""Reads of the Piano di Zona. Every list is scoped by ``scope_for(actor)`` first; budget totals are
summed in SQL (GROUP BY source / area / Comune) and only the few resulting numbers are divided here.

The monitoring app reads the plan through ``budget_totals``, ``budget_totals_by_year``,
``indicator_targets`` and ``planned_social_worker_fte``."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ambito.accounts.models import OrganisationKind
from ambito.network.taxonomy import Area, Leps, ServiceType
from ambito.planning import rules as planning_rules
from ambito.planning.models import (
    AgreementParty,
    BudgetLine,
    CarryOver,
    CommentStatus,
    ConsultationComment,
    Contribution,
    ContributionStatus,
    FundingSource,
    Indicator,
    IndicatorTarget,
    Intervention,
    Plan,
    PlanVersion,
    SessionKind,
    SessionParticipant,
    StaffPosition,
    StaffProfile,
)
from ambito.territory.models import Comune, PopulationRecord
from ambito.territory.selectors import latest_population_year, needs_indicators

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _n(value, places=2) -> str:
    """A number as the reader's locale writes it (Italian: 1.234,50) inside a sentence."""
    return number_format(value, places, use_l10n=True, force_grouping=True)


def money(value) -> Decimal:
    return (Decimal(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Scoping (paired with rules.py) ------------------------------------------------------------------------


def plan_list(*, actor) -> QuerySet:
    """Plans the actor may read: those of the Ambiti of its memberships (the Region sees its Ambiti)."""
    return Plan.objects.filter(planning_rules.plan_q(actor)).select_related("ambito")


def plan_editable_list(*, actor) -> QuerySet:
    return Plan.objects.filter(planning_rules.plan_editable_q(actor)).select_related("ambito")


def plan_contributable_list(*, actor) -> QuerySet:
    return Plan.objects.filter(planning_rules.plan_contributable_q(actor)).select_related("ambito")


def consultation_list() -> QuerySet:
    """Plans published for public consultation: readable by anyone."""
    return Plan.objects.filter(planning_rules.consultation_q(None)).select_related("ambito")


def plan_list_with_counts(*, actor) -> QuerySet:
    return plan_list(actor=actor).annotate(
        intervention_count=Count("interventions", distinct=True),
        objective_count=Count("objectives", distinct=True),
    ).order_by("-start_year", "ambito__name")


def intervention_queryset() -> QuerySet:
    return (
        Intervention.objects.select_related("objective", "lead_organisation", "service")
        .prefetch_related(
            "comuni",
            "partners",
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("targets")),
            Prefetch("staffing", queryset=StaffPosition.objects.select_related("employer")),
            Prefetch("contributions", queryset=Contribution.objects.select_related("organisation")),
            Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("comune")),
        )
        .order_by("code")
    )


def plan_detail_queryset(*, actor) -> QuerySet:
    """A plan with everything the detail page and the API nest, in a fixed number of queries."""
    return plan_list(actor=actor).prefetch_related(
        "objectives",
        Prefetch("interventions", queryset=intervention_queryset()),
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation")),
        Prefetch("contributions", queryset=Contribution.objects.select_related(
            "organisation", "objective", "intervention", "table")),
        Prefetch("carry_overs", queryset=CarryOver.objects.select_related("comune")),
        "tables__participants",
        "tables__meetings__attendees",
        "versions",
    )


def published_comments(*, plan) -> QuerySet:
    return ConsultationComment.objects.filter(plan=plan, status=CommentStatus.PUBLISHED).select_related(
        "on_behalf_of"
    )


def comments_for_office(*, plan) -> QuerySet:
    return ConsultationComment.objects.filter(plan=plan).select_related("on_behalf_of").order_by(
        "status", "created_at"
    )


# --- Budget -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetColumn:
    """One column of the budget: a funding source, and for the Comuni's own funds one column per Comune."""

    key: str  # "fnps", … or "comune:108033"
    source: str
    comune_id: int | None
    label: str


def ambito_comuni(plan) -> list[Comune]:
    return list(Comune.objects.filter(ambito_id=plan.ambito_id).order_by("name"))


def budget_columns(plan, comuni: list[Comune] | None = None) -> list[BudgetColumn]:
    comuni = ambito_comuni(plan) if comuni is None else comuni
    columns = [
        BudgetColumn(f"comune:{c.istat_code}", FundingSource.COMUNE, c.id,
                     _("Own funds of %(comune)s") % {"comune": c.name})
        for c in comuni
    ]
    columns += [BudgetColumn(str(s), str(s), None, str(s.label)) for s in FundingSource if s != FundingSource.COMUNE]
    return columns


def column_key(source: str, comune_istat: str | None) -> str:
    return f"comune:{comune_istat}" if source == FundingSource.COMUNE else source


def population_year_for(year: int, comune_ids) -> int | None:
    """The population year used for per-capita figures of ``year``: the same year if loaded, else the
    latest loaded before it, else the earliest loaded (ISTAT publishes with about a year's delay)."""
    years = PopulationRecord.objects.filter(comune_id__in=comune_ids).aggregate(
        before=Max("year", filter=Q(year__lte=year)), first=Min("year")
    )
    return years["before"] or years["first"]


def _per_capita(amount: Decimal, residents: int | None) -> Decimal | None:
    if not residents:
        return None
    return (amount / Decimal(residents)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class BudgetTotals:
    year: int
    total: Decimal
    by_source: list[dict]
    by_area: list[dict]
    by_comune: list[dict]
    residents: int | None = None
    population_year: int | None = None
    per_capita: Decimal | None = None
    carry_over: list[dict] = field(default_factory=list)

    def as_api(self) -> dict:
        return {
            "year": self.year,
            "total": str(self.total),
            "by_source": [{"source": r["source"], "amount": str(r["amount"])} for r in self.by_source],
            "by_area": [{"area": r["area"], "amount": str(r["amount"]),
                         "per_capita": None if r["per_capita"] is None else str(r["per_capita"])}
                        for r in self.by_area],
            "by_comune": [{"comune": r["istat_code"], "name": r["name"], "amount": str(r["amount"]),
                           "residents": r["residents"],
                           "per_capita": None if r["per_capita"] is None else str(r["per_capita"])}
                          for r in self.by_comune],
        }


def budget_totals(*, plan, year: int) -> BudgetTotals:
    """Totals of one year by funding source, area and Comune (*fondi propri* of each Comune), with
    per-capita figures on the residents of the Ambito (areas) and of each Comune (own funds)."""
    lines = BudgetLine.objects.filter(intervention__plan=plan, year=year)
    source_sums = dict(lines.values("source").annotate(s=Sum("amount")).values_list("source", "s"))
    area_sums = dict(lines.values("intervention__area").annotate(s=Sum("amount")).values_list(
        "intervention__area", "s"))
    comune_sums = dict(lines.filter(source=FundingSource.COMUNE).values("comune_id").annotate(
        s=Sum("amount")).values_list("comune_id", "s"))
    comuni = ambito_comuni(plan)
    comune_ids = [c.id for c in comuni]
    pop_year = population_year_for(year, comune_ids)
    residents = dict(
        PopulationRecord.objects.filter(year=pop_year, comune_id__in=comune_ids).values("comune_id")
        .annotate(n=Sum("count")).values_list("comune_id", "n")
    ) if pop_year else {}
    all_residents = sum(residents.values()) or None
    total = money(sum(source_sums.values(), Decimal(0)))
    by_source = [{"source": str(s), "label": str(s.label), "amount": money(source_sums.get(str(s)))}
                 for s in FundingSource if source_sums.get(str(s)) is not None]
    by_area = [{"area": str(a), "label": str(a.label), "amount": money(area_sums[str(a)]),
                "per_capita": _per_capita(money(area_sums[str(a)]), all_residents)}
               for a in Area if area_sums.get(str(a)) is not None]
    by_comune = [{"comune_id": c.id, "istat_code": c.istat_code, "name": c.name,
                  "amount": money(comune_sums.get(c.id)), "residents": residents.get(c.id),
                  "per_capita": _per_capita(money(comune_sums.get(c.id)), residents.get(c.id))}
                 for c in comuni]
    return BudgetTotals(year=year, total=total, by_source=by_source, by_area=by_area, by_comune=by_comune,
                        residents=all_residents, population_year=pop_year,
                        per_capita=_per_capita(total, all_residents))


def budget_totals_by_year(*, plan) -> list[dict]:
    """Total of each year of the triennium (zero where nothing is planned)."""
    sums = dict(BudgetLine.objects.filter(intervention__plan=plan).values("year").annotate(
        s=Sum("amount")).values_list("year", "s"))
    return [{"year": y, "amount": money(sums.get(y))} for y in plan.years]


def carry_over_totals(*, plan) -> list[dict]:
    rows = CarryOver.objects.filter(plan=plan).values("source").annotate(s=Sum("amount")).order_by("source")
    labels = dict(FundingSource.choices)
    return [{"source": r["source"], "label": str(labels[r["source"]]), "amount": money(r["s"])} for r in rows]


def budget_matrix(*, plan, year: int, columns: list[BudgetColumn] | None = None) -> list[dict]:
    """Rows = interventions, cells = amount per column (None where no line): the layout of the planning
    office's spreadsheet. Two queries whatever the number of interventions."""
    columns = budget_columns(plan) if columns is None else columns
    by_comune_id = {c.comune_id: c.key for c in columns if c.comune_id}
    cells: dict[int, dict] = {}
    for line in BudgetLine.objects.filter(intervention__plan=plan, year=year).values(
            "intervention_id", "source", "comune_id", "amount"):
        key = by_comune_id.get(line["comune_id"]) if line["comune_id"] else line["source"]
        cells.setdefault(line["intervention_id"], {})[key] = money(line["amount"])
    rows = []
    for intervention in Intervention.objects.filter(plan=plan).order_by("code").only("id", "code", "title",
                                                                                       "area", "version"):
        row_cells = cells.get(intervention.id, {})
        rows.append({
            "intervention": intervention,
            "cells": [row_cells.get(c.key) for c in columns],
            "total": money(sum((v for v in row_cells.values()), Decimal(0))),
        })
    return rows


def budget_checks(*, plan) -> list[str]:
    """Consistency checks: each intervention's sources add up to its planned total; no spending outside
    the triennium or outside the intervention's own dates; Comune funds only from Comuni it covers."""
    problems = []
    per_intervention = (
        Intervention.objects.filter(plan=plan).annotate(
            budgeted=Sum("budget_lines__amount"),
            outside=Count("budget_lines", filter=Q(budget_lines__year__lt=plan.start_year)
                          | Q(budget_lines__year__gt=plan.end_year)),
            first_year=Min("budget_lines__year"),
            last_year=Max("budget_lines__year"),
        ).order_by("code")
    )
    for i in per_intervention:
        budgeted = money(i.budgeted)
        if i.planned_total is not None and budgeted != money(i.planned_total):
            problems.append(_("%(code)s: the funding sources add up to € %(budgeted)s, but the planned total is "
                              "€ %(planned)s.") % {"code": i.code, "budgeted": _n(budgeted), "planned": _n(i.planned_total)})
        if i.outside:
            problems.append(_("%(code)s: %(count)s budget lines fall outside the triennium %(start)s–%(end)s.")
                            % {"code": i.code, "count": i.outside, "start": plan.start_year, "end": plan.end_year})
        if i.first_year and i.start_date and i.first_year < i.start_date.year:
            problems.append(_("%(code)s: money is planned in %(year)s, before the intervention starts.")
                            % {"code": i.code, "year": i.first_year})
        if i.last_year and i.end_date and i.last_year > i.end_date.year:
            problems.append(_("%(code)s: money is planned in %(year)s, after the intervention ends.")
                            % {"code": i.code, "year": i.last_year})
    comune_lines = (
        BudgetLine.objects.filter(intervention__plan=plan, source=FundingSource.COMUNE)
        .values_list("intervention__code", "comune__name", "comune_id", "intervention_id").distinct()
    )
    covered = set(Intervention.comuni.through.objects.filter(intervention__plan=plan).values_list(
        "intervention_id", "comune_id"))
    with_coverage = {i for i, _c in covered}
    for code, comune_name, comune_id, intervention_id in comune_lines:
        if intervention_id in with_coverage and (intervention_id, comune_id) not in covered:
            problems.append(_("%(code)s: %(comune)s funds an intervention that does not cover it.")
                            % {"code": code, "comune": comune_name})
    return problems


# --- Indicators, staffing, LEPS ------------------------------------------------------------------------------


def indicator_targets(*, plan) -> list[dict]:
    """Every indicator target of the plan by year (one query), for monitoring against actual values."""
    return [
        {
            "intervention_id": t.indicator.intervention_id,
            "intervention_code": t.indicator.intervention.code,
            "indicator_id": t.indicator_id,
            "indicator": t.indicator.name,
            "unit": t.indicator.unit,
            "baseline": t.indicator.baseline,
            "baseline_year": t.indicator.baseline_year,
            "lower_is_better": t.indicator.lower_is_better,
            "year": t.year,
            "target": t.value,
        }
        for t in IndicatorTarget.objects.filter(indicator__intervention__plan=plan)
        .select_related("indicator__intervention").order_by("indicator__intervention__code", "indicator_id", "year")
    ]


def planned_social_worker_fte(*, plan, permanent_only: bool = False) -> Decimal:
    """Planned social-worker FTE over all interventions of the plan (summed in SQL)."""
    qs = StaffPosition.objects.filter(intervention__plan=plan, profile=StaffProfile.SOCIAL_WORKER)
    if permanent_only:
        qs = qs.filter(permanent=True)
    return Decimal(qs.aggregate(s=Sum("fte"))["s"] or 0).quantize(CENT)


def staffing_by_profile(*, plan) -> list[dict]:
    labels, kinds = dict(StaffProfile.choices), dict(OrganisationKind.choices)
    rows = (StaffPosition.objects.filter(intervention__plan=plan).values("profile", "employer__kind")
            .annotate(total_fte=Sum("fte")).order_by("profile", "employer__kind"))
    return [{"profile": r["profile"], "label": str(labels[r["profile"]]), "employer_kind": r["employer__kind"],
             "employer_label": str(kinds.get(r["employer__kind"], r["employer__kind"])), "fte": r["total_fte"]}
            for r in rows]


GRANT_FULL = Decimal("40000")  # L. 178/2020 c. 797: per social worker beyond 1:6,500 up to 1:5,000
GRANT_HALF = Decimal("20000")  # beyond 1:5,000 up to 1:4,000


@dataclass(frozen=True)
class SocialWorkerRatio:
    """LEPS social-worker ratio (L. 234/2021 c. 159: 1 per 5,000 residents; goal 1 per 4,000) and the
    national grant of L. 178/2020 c. 797."""

    residents: int
    population_year: int | None
    fte: Decimal
    permanent_fte: Decimal
    needed_essential: Decimal  # FTE for 1:5,000
    needed_goal: Decimal  # FTE for 1:4,000
    threshold_grant: Decimal  # FTE at 1:6,500, above which the grant starts
    grant: Decimal
    leps_fte: Decimal = Decimal("0")  # the FTE the LEPS ratio counts (``leps_social_worker_q``)

    @property
    def residents_per_worker(self) -> Decimal | None:
        """The figure the dashboard's ``residents_per_social_worker`` shows too (one definition)."""
        return (Decimal(self.residents) / self.leps_fte).quantize(Decimal("1")) if self.leps_fte else None

    @property
    def essential_met(self) -> bool:
        return self.leps_fte >= self.needed_essential

    @property
    def goal_met(self) -> bool:
        return self.leps_fte >= self.needed_goal


def social_worker_grant(*, residents: int, permanent_fte: Decimal) -> Decimal:
    """€40,000 a year per permanent full-time social worker beyond 1:6,500 up to 1:5,000 and €20,000
    beyond 1:5,000 up to 1:4,000 (L. 178/2020 art. 1 c. 797). Fractions of FTE count pro rata."""
    r = Decimal(residents)
    at_6500, at_5000, at_4000 = r / 6500, r / 5000, r / 4000
    full = max(Decimal(0), min(permanent_fte, at_5000) - at_6500)
    half = max(Decimal(0), min(permanent_fte, at_4000) - at_5000)
    return money(full * GRANT_FULL + half * GRANT_HALF)


def leps_social_worker_q():
    """The social workers the LEPS ratio counts (L. 234/2021 c. 159: 1 per 5,000 residents), as a filter on
    ``StaffPosition``: employed by the Ambito or its Comuni, whatever their contract (a cooperative's worker
    is the cooperative's). The one definition behind the staffing page and the dashboard's
    ``residents_per_social_worker``; the c. 797 grant counts the permanent ones among them (``grant_fte_q``)."""
    from ambito.planning.selectors_spending import PUBLIC_EMPLOYERS

    return Q(profile=StaffProfile.SOCIAL_WORKER, employer__kind__in=PUBLIC_EMPLOYERS)


def social_worker_ratio(*, plan, year: int | None = None) -> SocialWorkerRatio:
    comune_ids = list(Comune.objects.filter(ambito_id=plan.ambito_id).values_list("id", flat=True))
    pop_year = population_year_for(year or plan.start_year, comune_ids)
    residents = PopulationRecord.objects.filter(year=pop_year, comune_id__in=comune_ids).aggregate(
        n=Sum("count"))["n"] or 0
    from ambito.planning.selectors_spending import grant_fte_q  # c. 797 counts by employer (issue 19)

    sums = StaffPosition.objects.filter(intervention__plan=plan, profile=StaffProfile.SOCIAL_WORKER).aggregate(
        all_fte=Sum("fte"), permanent_fte=Sum("fte", filter=grant_fte_q()),
        leps_fte=Sum("fte", filter=leps_social_worker_q()))
    fte = Decimal(sums["all_fte"] or 0).quantize(CENT)
    permanent = Decimal(sums["permanent_fte"] or 0).quantize(CENT)
    r = Decimal(residents)
    return SocialWorkerRatio(
        residents=residents, population_year=pop_year, fte=fte, permanent_fte=permanent,
        leps_fte=Decimal(sums["leps_fte"] or 0).quantize(CENT),
        needed_essential=(r / 5000).quantize(CENT), needed_goal=(r / 4000).quantize(CENT),
        threshold_grant=(r / 6500).quantize(CENT), grant=social_worker_grant(residents=residents,
                                                                               permanent_fte=permanent),
    )


SUPERVISION_HOURS = Decimal("16")


def supervision_hours(*, plan, year: int) -> list[dict]:
    """Supervision hours per worker in ``year`` (summed in SQL), against the 16 hours of the LEPS."""
    rows = (
        SessionParticipant.objects.filter(session__plan=plan, session__kind=SessionKind.SUPERVISION,
                                          session__date__year=year)
        .values("name", "organisation__name").annotate(hours=Sum("session__hours")).order_by("name")
    )
    return [{"name": r["name"], "organisation": r["organisation__name"], "hours": r["hours"],
             "compliant": r["hours"] >= SUPERVISION_HOURS} for r in rows]


def training_by_employer(*, plan, year: int) -> list[dict]:
    """The training plan of ``year`` (courses, not supervision): for each kind of employer (the Comuni's and
    the Ambito's social workers, the Third Sector's operators, the health operators of the ASL) the people
    who attended, the courses and the hours of attendance (each participant's hours summed), in SQL."""
    from ambito.accounts.models import OrganisationKind

    labels = dict(OrganisationKind.choices)
    rows = (SessionParticipant.objects.filter(session__plan=plan, session__kind=SessionKind.TRAINING,
                                              session__date__year=year)
            .values("organisation__kind")
            .annotate(people=Count("name", distinct=True), courses=Count("session", distinct=True),
                      hours=Sum("session__hours"))
            .order_by("organisation__kind"))
    return [{"kind": r["organisation__kind"], "label": str(labels.get(r["organisation__kind"], "—")),
             "people": r["people"], "courses": r["courses"], "hours": r["hours"]} for r in rows]


@dataclass(frozen=True)
class LepsCheck:
    code: str
    label: str
    met: bool
    detail: str


def leps_checks(*, plan, year: int | None = None) -> list[LepsCheck]:
    """LEPS shown on the plan: social-worker ratio, supervision ≥16 h/year per worker, a social emergency
    service reachable 24/7, a PUA, protected discharges (PNISS 2021–2023, L. 234/2021)."""
    year = year or plan.start_year
    ratio = social_worker_ratio(plan=plan, year=year)
    workers = supervision_hours(plan=plan, year=year)
    below = [w for w in workers if not w["compliant"]]
    interventions = list(Intervention.objects.filter(plan=plan).values("leps", "service_type", "always_available"))

    def has(leps, service_type=None, always=False):
        return any((leps in (i["leps"] or []) or (service_type and i["service_type"] == service_type))
                   and (i["always_available"] or not always) for i in interventions)

    return [
        LepsCheck(Leps.SOCIAL_WORKER_RATIO, str(Leps.SOCIAL_WORKER_RATIO.label), ratio.essential_met,
                  _("%(fte)s social-worker FTE planned; %(needed)s needed for 1 per 5,000 residents.")
                  % {"fte": _n(ratio.fte), "needed": _n(ratio.needed_essential)}),
        LepsCheck(Leps.SUPERVISION, str(Leps.SUPERVISION.label), bool(workers) and not below,
                  _("%(ok)s of %(all)s workers had at least 16 hours of supervision in %(year)s.")
                  % {"ok": len(workers) - len(below), "all": len(workers), "year": year}),
        LepsCheck(Leps.SOCIAL_EMERGENCY, str(Leps.SOCIAL_EMERGENCY.label),
                  has(Leps.SOCIAL_EMERGENCY, ServiceType.SOCIAL_EMERGENCY, always=True),
                  _("An intervention of social emergency reachable 24 hours a day, 7 days a week.")),
        LepsCheck(Leps.PUA, str(Leps.PUA.label), has(Leps.PUA, ServiceType.PUA),
                  _("An intervention running the single point of access.")),
        LepsCheck(Leps.PROTECTED_DISCHARGE, str(Leps.PROTECTED_DISCHARGE.label), has(Leps.PROTECTED_DISCHARGE),
                  _("An intervention for protected discharges from hospital.")),
    ]


def contribution_summary(*, plan) -> dict:
    rows = Contribution.objects.filter(plan=plan).values("status").annotate(n=Count("id"))
    counts = {r["status"]: r["n"] for r in rows}
    return {s: counts.get(s, 0) for s in ContributionStatus.values}


# --- Versions ----------------------------------------------------------------------------------------------


def plan_snapshot(plan) -> dict:
    """The plan's content as plain data: what an approved version freezes and what versions are compared on."""
    plan = Plan.objects.prefetch_related(
        "objectives",
        Prefetch("interventions", queryset=intervention_queryset()),
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation")),
        Prefetch("carry_overs", queryset=CarryOver.objects.select_related("comune")),
    ).get(pk=plan.pk)
    return {
        "title": plan.title,
        "needs_narrative": plan.needs_narrative,
        "objectives": {o.code: {"title": o.title, "description": o.description, "priorities": o.priorities}
                       for o in plan.objectives.all()},
        "interventions": {
            i.code: {
                "title": i.title,
                "description": i.description,
                "objective": i.objective.code if i.objective else "",
                "area": i.area,
                "target_group": i.target_group,
                "comuni": sorted(c.name for c in i.comuni.all()),
                "lead_organisation": i.lead_organisation.name if i.lead_organisation else "",
                "partners": sorted(p.name for p in i.partners.all()),
                "leps": sorted(i.leps or []),
                "lea": sorted(i.lea or []),
                "service_type": i.service_type,
                "start_date": i.start_date.isoformat() if i.start_date else "",
                "end_date": i.end_date.isoformat() if i.end_date else "",
                "planned_total": str(i.planned_total) if i.planned_total is not None else "",
                "indicators": {ind.name: {"baseline": str(ind.baseline) if ind.baseline is not None else "",
                                          "targets": {str(t.year): str(t.value) for t in ind.targets.all()}}
                               for ind in i.indicators.all()},
                "budget": {f"{b.year} {column_key(b.source, b.comune.istat_code if b.comune else None)}":
                           str(b.amount) for b in i.budget_lines.all()},
                "staffing": sorted(f"{s.get_profile_display()} {s.fte} ({s.employer.name})"
                                   for s in i.staffing.all()),
            }
            for i in plan.interventions.all()
        },
        "carry_over": {f"{c.source} {c.comune.name if c.comune else ''}".strip(): str(c.amount)
                       for c in plan.carry_overs.all()},
        "parties": {p.organisation.name: {"role": p.role, "required": p.required, "signatory": p.signatory,
                                          "signed_on": p.signed_on.isoformat() if p.signed_on else ""}
                    for p in plan.parties.all()},
    }


def version_content(*, plan, number: int) -> dict:
    """A frozen version's stored snapshot; the version being edited is read live."""
    version = PlanVersion.objects.get(plan=plan, number=number)
    if version.frozen:
        return version.content
    return plan_snapshot(plan)


def _field_label(name: str) -> str:
    labels = {
        "title": _("title"), "description": _("description"), "objective": _("strategic objective"),
        "area": _("area of intervention"), "target_group": _("target group"), "comuni": _("Comuni covered"),
        "lead_organisation": _("lead organisation"), "partners": _("partners"), "leps": _("LEPS"),
        "lea": _("LEA"), "service_type": _("service type"), "start_date": _("start"), "end_date": _("end"),
        "planned_total": _("planned total cost"), "indicators": _("indicators"), "budget": _("budget"),
        "staffing": _("staffing"), "priorities": _("priorities"), "needs_narrative": _("needs analysis"),
        "role": _("role in the agreement"), "required": _("signature required"), "signatory": _("signatory"),
        "signed_on": _("signed on"),
    }
    return str(labels.get(name, name))


def _fmt(value) -> str:
    if isinstance(value, list):
        return ", ".join(value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_fmt(v)}" for k, v in sorted(value.items())) or "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value) if value not in ("", None) else "—"


def version_diff(*, plan, old: int, new: int) -> list[dict]:
    """Readable differences between two versions: what was added, removed or changed, field by field
    (budget amounts cell by cell)."""
    a, b = version_content(plan=plan, number=old), version_content(plan=plan, number=new)
    changes: list[dict] = []
    for name in ("title", "needs_narrative"):
        if a.get(name) != b.get(name):
            changes.append({"what": _("Plan"), "change": "changed", "field": _field_label(name),
                            "old": _fmt(a.get(name)), "new": _fmt(b.get(name))})
    sections = [("objectives", _("Objective")), ("interventions", _("Intervention")),
                ("parties", _("Party")), ("carry_over", _("Carry-over"))]
    for key, label in sections:
        old_items, new_items = a.get(key, {}), b.get(key, {})
        for code in sorted(set(old_items) | set(new_items)):
            what = f"{label} {code}"
            if code not in new_items:
                changes.append({"what": what, "change": "removed", "field": "", "old": _fmt(old_items[code]),
                                "new": "—"})
            elif code not in old_items:
                changes.append({"what": what, "change": "added", "field": "", "old": "—",
                                "new": _fmt(new_items[code])})
            elif isinstance(new_items[code], dict):
                for name in sorted(set(old_items[code]) | set(new_items[code])):
                    before, after = old_items[code].get(name), new_items[code].get(name)
                    if name == "budget" and before != after:
                        for cell in sorted(set(before or {}) | set(after or {})):
                            if (before or {}).get(cell) != (after or {}).get(cell):
                                changes.append({"what": what, "change": "changed",
                                                "field": f"{_('budget')} {cell}",
                                                "old": (before or {}).get(cell) or "—",
                                                "new": (after or {}).get(cell) or "—"})
                    elif before != after:
                        changes.append({"what": what, "change": "changed", "field": _field_label(name),
                                        "old": _fmt(before), "new": _fmt(after)})
            elif old_items[code] != new_items[code]:
                changes.append({"what": what, "change": "changed", "field": "", "old": _fmt(old_items[code]),
                                "new": _fmt(new_items[code])})
    return changes


def pending_comment_count(*, plan) -> int:
    return ConsultationComment.objects.filter(plan=plan, status=CommentStatus.PENDING).count()


# --- Documents and pages ------------------------------------------------------------------------------------


def needs_analysis(*, plan):
    """Live needs indicators of the Ambito's Comuni (not pasted numbers): the latest population loaded."""
    comune_ids = list(Comune.objects.filter(ambito_id=plan.ambito_id).values_list("id", flat=True))
    year = latest_population_year(comune_ids=comune_ids)
    if year is None:
        return None
    return {"year": year, "indicators": needs_indicators(comune_ids=comune_ids, year=year)}


def _bars(rows: list[dict], label_key="label") -> list[dict]:
    """Bar lengths (0–100) for the charts drawn as SVG in the PDF, where no JavaScript runs."""
    top = max((r["amount"] for r in rows), default=0) or 1
    return [{"label": r[label_key], "amount": r["amount"], "width": round(float(r["amount"] / top) * 100, 1)}
            for r in rows]


def plan_document_context(*, plan) -> dict:
    """Everything the full-plan PDF shows, read in a bounded number of queries."""
    plan = Plan.objects.select_related("ambito").prefetch_related(
        "objectives",
        Prefetch("interventions", queryset=intervention_queryset()),
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation")),
        Prefetch("contributions", queryset=Contribution.objects.select_related("organisation", "intervention",
                                                                              "objective")),
        "tables__participants",
        "tables__meetings",
    ).get(pk=plan.pk)
    years = []
    for year in plan.years:
        totals = budget_totals(plan=plan, year=year)
        years.append({"totals": totals, "bars": _bars(totals.by_source), "matrix": budget_matrix(plan=plan, year=year)})
    return {
        "plan": plan,
        "needs": needs_analysis(plan=plan),
        "columns": budget_columns(plan),
        "years": years,
        "year_totals": _bars([{"label": str(r["year"]), "amount": r["amount"]}
                              for r in budget_totals_by_year(plan=plan)]),
        "carry_over": carry_over_totals(plan=plan),
        "checks": budget_checks(plan=plan),
        "ratio": social_worker_ratio(plan=plan),
        "leps": leps_checks(plan=plan),
        "staffing": staffing_by_profile(plan=plan),
        "comments": published_comments(plan=plan),
        "versions": list(plan.versions.all()),
    }
