"""Reads about the plans of other parties (the ASST's PPT, the Region's social plan), the links a Piano di Zona
makes to their objectives, and how far a plan is aligned to its Region's strategic objectives (issue 20)."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from ambito.planning import rules as planning_rules
from ambito.planning.models import (
    BudgetLine,
    Intervention,
    Objective,
    PartnerLink,
    PartnerObjective,
    PartnerPlan,
    PartnerPlanKind,
    Plan,
)


def partner_plan_list(*, actor) -> QuerySet:
    """Plans of the ASST and of the Region the actor may read (those of the region of its Ambiti)."""
    return (PartnerPlan.objects.filter(planning_rules.partner_plan_q(actor)).select_related("organisation")
            .annotate(objective_count=Count("objectives")))


def _visible_links(actor) -> QuerySet:
    """Links whose Piano di Zona the actor may read, with both ends loaded."""
    plans = Plan.objects.filter(planning_rules.plan_q(actor)).values("id")
    return (PartnerLink.objects.filter(Q(objective__plan__in=plans) | Q(intervention__plan__in=plans))
            .select_related("objective__plan__ambito", "intervention__plan__ambito",
                            "partner_objective__partner_plan", "linked_by"))


def partner_plan_objectives(*, actor, partner_plan) -> list[PartnerObjective]:
    """The partner plan's objectives, each with ``visible_links``: the Piano di Zona objectives and interventions
    linked to it that the actor may read (the other side of the link)."""
    return list(partner_plan.objectives.prefetch_related(
        Prefetch("links", queryset=_visible_links(actor).order_by("objective__plan__start_year", "id"),
                 to_attr="visible_links")))


def partner_links_of(*, actor, objective: Objective | None = None,
                     intervention: Intervention | None = None) -> list[PartnerLink]:
    """Links of one Piano di Zona objective or intervention to partner plans the actor may read."""
    partner_plans = PartnerPlan.objects.filter(planning_rules.partner_plan_q(actor)).values("id")
    links = PartnerLink.objects.filter(partner_objective__partner_plan__in=partner_plans)
    links = links.filter(objective=objective) if objective is not None else links.filter(intervention=intervention)
    return list(links.select_related("partner_objective__partner_plan", "linked_by")
                .order_by("partner_objective__partner_plan__kind", "partner_objective__code"))


def partner_objective_choices(*, actor, plan: Plan) -> QuerySet:
    """Objectives a Piano di Zona may link to: of partner plans of its region the actor may read, sharing at
    least one year with it."""
    return (PartnerObjective.objects
            .filter(partner_plan__in=PartnerPlan.objects.filter(planning_rules.partner_plan_q(actor)).values("id"),
                    partner_plan__region_code=plan.ambito.region_code,
                    partner_plan__start_year__lte=plan.end_year, partner_plan__end_year__gte=plan.start_year)
            .select_related("partner_plan").order_by("partner_plan__kind", "partner_plan__start_year", "code"))


def plan_alignment(plan: Plan) -> dict:
    """How the Piano di Zona answers to its Region's social plan: for each objective of the regional plans of
    the plan's region that share a year with it, the plan's objectives and interventions linked to it and the
    planned budget (over the shared years) of the interventions that answer to it — linked themselves or
    through their objective, each counted once. ``share`` is the part of the plan's objectives linked to at
    least one regional objective (None for a plan without objectives). Aggregates only, no person data.

    Returns {"rows": [{"partner_plan", "objective", "objectives", "interventions", "budget"}],
    "objectives_linked", "objectives_total", "share"}."""
    regional = PartnerObjective.objects.filter(
        partner_plan__kind=PartnerPlanKind.REGIONAL, partner_plan__region_code=plan.ambito.region_code,
        partner_plan__start_year__lte=plan.end_year, partner_plan__end_year__gte=plan.start_year,
    ).select_related("partner_plan").order_by("partner_plan__start_year", "code")
    links = list(PartnerLink.objects.filter(partner_objective__in=regional)
                 .filter(Q(objective__plan=plan) | Q(intervention__plan=plan))
                 .select_related("objective", "intervention"))
    objectives_of: dict = defaultdict(list)
    interventions_of: dict = defaultdict(list)
    for link in links:
        (objectives_of if link.objective_id else interventions_of)[link.partner_objective_id].append(
            link.objective or link.intervention)
    linked_objective_ids = {o.pk for group in objectives_of.values() for o in group}
    intervention_objective = dict(Intervention.objects.filter(plan=plan).values_list("id", "objective_id"))
    rows = []
    budgets = _budgets(plan, regional)
    for objective in regional:
        own = objectives_of.get(objective.pk, [])
        own_ids = {o.pk for o in own}
        answering = {i.pk for i in interventions_of.get(objective.pk, [])} | {
            i for i, o in intervention_objective.items() if o in own_ids}
        years = budgets.get(objective.partner_plan_id, {})
        rows.append({
            "partner_plan": objective.partner_plan,
            "objective": objective,
            "objectives": sorted(own, key=lambda o: o.code),
            "interventions": sorted(interventions_of.get(objective.pk, []), key=lambda i: i.code),
            "budget": sum((years.get(i, Decimal("0")) for i in answering), Decimal("0.00")),
        })
    total = Objective.objects.filter(plan=plan).count()
    share = (Decimal(len(linked_objective_ids)) / total).quantize(Decimal("0.001"), ROUND_HALF_UP) if total else None
    return {"rows": rows, "objectives_linked": len(linked_objective_ids), "objectives_total": total, "share": share}


def _budgets(plan: Plan, regional) -> dict:
    """partner plan id → intervention id → planned budget over the years the two plans share (one query per
    regional plan, usually one)."""
    result = {}
    for partner_plan in {o.partner_plan for o in regional}:
        first, last = max(plan.start_year, partner_plan.start_year), min(plan.end_year, partner_plan.end_year)
        result[partner_plan.pk] = dict(
            BudgetLine.objects.filter(intervention__plan=plan, year__gte=first, year__lte=last)
            .values("intervention").annotate(total=Sum("amount")).values_list("intervention", "total"))
    return result
