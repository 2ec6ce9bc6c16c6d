"""Demo plans of the other parties the Piani di Zona of Monza answer to (issue 20, item 4):

- Regione Lombardia's guidelines for social planning (*Linee di indirizzo per la programmazione sociale
  territoriale*) 2021–2023 and 2025–2027, each with four strategic lines;
- the ASST's *Piano di sviluppo del Polo Territoriale* (PPT) 2024–2026 with its objectives;
- links from the demo plans' objectives and interventions to them.

The regional lines and PPT objectives are illustrative: written as plausible regional and ASST strategic
lines after the themes of the real documents, not quoted from them. Built through the services."""

from ambito.planning import services_partner
from ambito.planning.models import PartnerPlan, PartnerPlanKind
from ambito.planning.selectors_partner import partner_objective_choices

# code, title, description: the same four lines carried into both regional triennia
REGIONAL_LINES = [
    ("RL1", "Integrazione sociosanitaria",
     "Percorsi condivisi tra Ambiti e ASST: PUA, valutazione multidimensionale, dimissioni protette."),
    ("RL2", "Domiciliarità e sostegno alla non autosufficienza",
     "Permettere alle persone anziane e con disabilità di vivere a casa propria, con i loro caregiver."),
    ("RL3", "Inclusione sociale e contrasto alla povertà",
     "Prese in carico integrate dei nuclei in povertà, casa e lavoro come leve di inclusione."),
    ("RL4", "Famiglie, minori e giovani",
     "Sostegno alla genitorialità, prevenzione dell'allontanamento e della dispersione scolastica."),
]

PPT_OBJECTIVES = [
    ("PPT1", "Case della Comunità come porta d'accesso integrata",
     "PUA e équipe sociosanitarie nelle Case della Comunità del distretto."),
    ("PPT2", "Centrale Operativa Territoriale e dimissioni protette",
     "La COT coordina il passaggio ospedale–territorio con i servizi sociali dei Comuni."),
    ("PPT3", "Cure domiciliari integrate",
     "ADI e SAD programmati insieme per le persone non autosufficienti."),
]

# plan start year → (objective or intervention code, partner line code) to link
LINKS = {
    2021: [("OB1", "RL3"), ("OB2", "RL1"), ("OB2", "RL2"), ("OB4", "RL4"), ("I02", "RL1"), ("I10", "RL4")],
    2025: [("OB1", "RL3"), ("OB2", "RL1"), ("OB2", "PPT1"), ("I01", "PPT3"), ("I01", "RL2")],
}


def _partner_plan(actor, *, kind, region_code, title, start_year, end_year, organisation, objectives):
    existing = PartnerPlan.objects.filter(kind=kind, region_code=region_code, start_year=start_year).first()
    if existing:
        return existing, False
    plan = services_partner.partner_plan_create(actor=actor, kind=kind, region_code=region_code, title=title,
                                                start_year=start_year, end_year=end_year, organisation=organisation)
    for code, objective_title, description in objectives:
        services_partner.partner_objective_save(actor=actor, partner_plan=plan, code=code, title=objective_title,
                                                description=description)
    return plan, True


def regional_plans(ctx, region_code: str, actor) -> list[PartnerPlan]:
    """The region's two demo plans, made once (a second Ambito of the same region links to the same ones)."""
    region = ctx.organisations.get("region")
    return [_partner_plan(actor, kind=PartnerPlanKind.REGIONAL, region_code=region_code, title=title,
                          start_year=start, end_year=end, organisation=region, objectives=REGIONAL_LINES)[0]
            for title, start, end in [
                ("Linee di indirizzo per la programmazione sociale territoriale", 2021, 2023),
                ("Linee di indirizzo per la programmazione sociale territoriale", 2025, 2027)]]


def link_plan(actor, plan, codes) -> None:
    """Link the plan's objectives and interventions (by code) to partner objectives (by code) of its region."""
    targets = {o.code: o for o in partner_objective_choices(actor=actor, plan=plan)}
    objectives = {o.code: o for o in plan.objectives.all()}
    interventions = {i.code: i for i in plan.interventions.all()}
    for own, partner in codes:
        if partner not in targets:
            continue
        services_partner.partner_link_add(actor=actor, partner_objective=targets[partner],
                                          objective=objectives.get(own),
                                          intervention=None if own in objectives else interventions.get(own))


def load(ctx, plans) -> None:
    planner = ctx.users["planner"]
    region_code = ctx.ambito.region_code
    regional_plans(ctx, region_code, planner)
    _ppt, created = _partner_plan(
        planner, kind=PartnerPlanKind.PPT, region_code=region_code,
        title="Piano di sviluppo del Polo Territoriale", start_year=2024, end_year=2026,
        organisation=ctx.organisations.get("asst"), objectives=PPT_OBJECTIVES)
    if not created:
        return
    for plan in plans.values():
        link_plan(planner, plan, LINKS.get(plan.start_year, []))
    ctx.say("Regional social plans 2021–2023 and 2025–2027, the ASST's PPT 2024–2026, links from the Piani di Zona")
