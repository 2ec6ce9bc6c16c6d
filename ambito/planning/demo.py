"""Demo Piani di Zona of the Ambito di Monza (fictional content on real Comuni):

- 2021–2023, approved and in force (extended, as Lombardy did), with a 2022 budget of € 5.400.000 across
  the three Comuni's own funds and national, regional, ASST and PNRR sources;
- 2025–2027, in co-programming with two thematic tables and contributions of the Third Sector.

Built through the services, as the planning office would, so the demo obeys the same rules."""

from datetime import date
from decimal import Decimal

from ambito.network.taxonomy import Area, Leps, ServiceType
from ambito.planning import services
from ambito.planning.models import (
    Contribution,
    ContributionStatus,
    Intervention,
    Lea,
    Plan,
    SessionKind,
    StaffProfile,
)

OBJECTIVES_2021 = [
    ("OB1", "Contrasto alla povertà e all'esclusione sociale",
     "Sostenere le persone e le famiglie in difficoltà economica con percorsi di inclusione.",
     "Presa in carico integrata dei beneficiari dell'Assegno di inclusione\nPronto intervento sociale 24 ore su 24"),
    ("OB2", "Domiciliarità e integrazione sociosanitaria",
     "Permettere alle persone anziane e fragili di restare a casa propria il più a lungo possibile.",
     "Ridurre l'attesa per l'assistenza domiciliare\nDimissioni protette con l'ASST"),
    ("OB3", "Inclusione delle persone con disabilità",
     "Garantire percorsi di vita indipendente e l'inclusione scolastica.", "Assistenza educativa scolastica"),
    ("OB4", "Minori e famiglie",
     "Prevenire l'allontanamento dei minori e sostenere la genitorialità.", "Programma P.I.P.P.I."),
]

# code, objective, title, area, target group, service type, service key, lead org key, LEPS, LEA, 24/7,
# 2022 amounts by column key (the other years are 97% and 103% of 2022)
INTERVENTIONS_2021 = [
    ("I01", "OB2", "Servizio di assistenza domiciliare (SAD) per anziani", Area.ELDERLY,
     "Anziani non autosufficienti e loro caregiver", ServiceType.SAD, "sad_monza", "coop_ponte",
     [Leps.HOME_CARE_ELDERLY], [Lea.HOME_CARE], False,
     {"monza": 420000, "brugherio": 120000, "villasanta": 48000, "fna": 180000, "regional": 60000}),
    ("I02", "OB2", "Dimissioni protette e continuità ospedale-territorio", Area.ELDERLY,
     "Persone fragili dimesse dall'ospedale", ServiceType.ADI, "adi", "asst",
     [Leps.PROTECTED_DISCHARGE], [Lea.HOME_CARE], False,
     {"fna": 150000, "health": 180000, "reinvested": 40000, "eu_pnrr": 80000, "regional": 30000}),
    ("I03", "OB3", "Assistenza educativa scolastica per alunni con disabilità", Area.DISABILITY,
     "Alunni con disabilità delle scuole del territorio", ServiceType.SCHOOL_INTEGRATION, "school", "coop_ponte",
     [], [Lea.DISABILITY], False,
     {"monza": 610000, "brugherio": 190000, "villasanta": 75000, "regional": 95000}),
    ("I04", "OB3", "Centro diurno disabili (CDD)", Area.DISABILITY, "Adulti con disabilità grave",
     ServiceType.DAY_CENTRE, "cdd", "fondazione_casa", [], [Lea.DISABILITY], False,
     {"monza": 310000, "brugherio": 90000, "villasanta": 35000, "fna": 120000, "health": 260000}),
    ("I05", "OB2", "Punto Unico di Accesso (PUA) sociosanitario", Area.MULTI_USER,
     "Cittadini con bisogni sociali e sociosanitari", ServiceType.PUA, "pua", "udp", [Leps.PUA], [], False,
     {"fnps": 90000, "health": 40000, "eu_pnrr": 60000}),
    ("I06", "OB1", "Pronto intervento sociale", Area.POVERTY, "Persone in situazione di emergenza sociale",
     ServiceType.SOCIAL_EMERGENCY, None, "udp", [Leps.SOCIAL_EMERGENCY], [], True,
     {"fnps": 70000, "poverty": 45000}),
    ("I07", "OB1", "Percorsi di inclusione sociale e sostegno al reddito", Area.POVERTY,
     "Nuclei beneficiari di misure di sostegno al reddito", ServiceType.ECONOMIC_SUPPORT, None, "udp",
     [Leps.INCOME_SUPPORT], [], False,
     {"poverty": 520000, "monza": 150000, "brugherio": 45000, "villasanta": 18000, "eu_pnrr": 100000}),
    ("I08", "OB4", "Tutela minori e prevenzione dell'allontanamento (P.I.P.P.I.)", Area.FAMILY_MINORS,
     "Famiglie con figli minori in situazione di vulnerabilità", ServiceType.FAMILY_CENTRE, None,
     "comune_monza", [Leps.CHILD_PROTECTION], [Lea.MINORS_FAMILY], False,
     {"monza": 260000, "brugherio": 80000, "villasanta": 30000, "fnps": 110000, "regional": 45000}),
    # the youth actions of seed 004, funded from what the 2018–2020 plan gave to child protection alone
    ("I10", "OB4", "Contrasto alla dispersione scolastica: tutor educativi e patti con le scuole",
     Area.FAMILY_MINORS, "Ragazze e ragazzi a rischio di abbandono scolastico e le loro famiglie",
     ServiceType.FAMILY_CENTRE, None, "aps_giovani", [], [Lea.MINORS_FAMILY], False,
     {"monza": 70000, "brugherio": 18000, "villasanta": 7000, "fnps": 20000, "regional": 15000}),
    ("I11", "OB4", "Prevenire l'allontanamento: educativa domiciliare e affido familiare", Area.FAMILY_MINORS,
     "Bambini a rischio di allontanamento dalla famiglia d'origine", ServiceType.FAMILY_CENTRE, None,
     "coop_spazio", [Leps.CHILD_PROTECTION], [Lea.MINORS_FAMILY], False,
     {"monza": 50000, "brugherio": 12000, "villasanta": 5000, "fnps": 30000, "regional": 15000}),
    ("I09", "OB1", "Servizio sociale professionale d'Ambito", Area.MULTI_USER, "Tutta la popolazione",
     ServiceType.SOCIAL_SECRETARIAT, None, "udp", [Leps.SOCIAL_WORKER_RATIO, Leps.SUPERVISION], [], False,
     {"fnps": 210000, "poverty": 130000, "monza": 50000, "brugherio": 12000}),
]

INDICATORS_2021 = [
    ("I01", "Giorni di attesa per l'attivazione del SAD", "giorni", 45, 2020, True, [40, 35, 30]),
    ("I02", "Dimissioni protette attivate", "persone", 120, 2020, False, [140, 160, 180]),
    ("I03", "Alunni con disabilità seguiti", "alunni", 380, 2020, False, [400, 420, 440]),
    ("I07", "Nuclei con progetto di inclusione attivo", "nuclei", 300, 2020, False, [330, 360, 400]),
    # measured by the monitoring indicators (links in ambito/monitoring/demo.py)
    ("I03", "Giorni di attesa per l'assistenza educativa scolastica", "giorni", 60, 2020, True, [50, 42, 35]),
    ("I02", "Dimissioni protette con i servizi attivi il giorno del rientro", "%", 55, 2020, False, [65, 72, 80]),
    ("I10", "Studenti a rischio di abbandono seguiti da un tutor", "studenti", 60, 2020, False, [80, 100, 120]),
    ("I10", "Abbandoni nelle scuole aderenti ai patti", "%", 12, 2020, True, [11, 10, 9]),
    ("I11", "Minori allontanati dalla famiglia d'origine", "minori", 48, 2020, True, [46, 43, 40]),
    ("I11", "Famiglie seguite con educativa domiciliare", "famiglie", 90, 2020, False, [100, 110, 120]),
]

STAFF_2021 = [
    ("I09", StaffProfile.SOCIAL_WORKER, "22", "comune_monza", True),
    ("I09", StaffProfile.SOCIAL_WORKER, "6", "comune_brugherio", True),
    ("I09", StaffProfile.SOCIAL_WORKER, "3", "comune_villasanta", True),
    ("I09", StaffProfile.SOCIAL_WORKER, "2", "coop_ponte", False),
    ("I08", StaffProfile.EDUCATOR, "4", "coop_spazio", False),
    ("I08", StaffProfile.PSYCHOLOGIST, "1.5", "asst", True),
    ("I01", StaffProfile.OSS, "18", "coop_ponte", False),
    ("I05", StaffProfile.ADMINISTRATIVE, "2", "udp", True),
]

PARTIES = [
    ("comune_monza", "Comune capofila", True, "Il Sindaco di Monza"),
    ("comune_brugherio", "Comune dell'Ambito", True, "Il Sindaco di Brugherio"),
    ("comune_villasanta", "Comune dell'Ambito", True, "Il Sindaco di Villasanta"),
    ("ats", "Agenzia di Tutela della Salute", True, "Il Direttore Generale di ATS Brianza"),
    ("asst", "Azienda Socio Sanitaria Territoriale", True, "Il Direttore Generale di ASST Monza"),
    ("province", "Ente aderente", False, ""),
]

PROGRESS_2021 = {"I01": 80, "I02": 65, "I03": 90, "I05": 100, "I06": 70, "I07": 55, "I08": 75, "I10": 70,
                 "I11": 60}


def _column(key: str, ctx) -> str:
    return f"comune:{ctx.comuni[key].istat_code}" if key in ctx.comuni else key


def _interventions(ctx, plan, planner, rows, objectives, years_factors):
    created = {}
    for (code, obj, title, area, target, stype, service_key, lead_key, leps, lea, always, amounts) in rows:
        intervention = services.intervention_create(
            actor=planner, plan=plan, code=code, objective=objectives[obj], title=title, area=area,
            target_group=target, service_type=stype, service=ctx.services.get(service_key) if service_key else None,
            lead_organisation=ctx.organisations[lead_key], leps=[str(v) for v in leps], lea=[str(v) for v in lea],
            always_available=always, description=f"{title}: intervento dell'Ambito per {target.lower()}.",
            start_date=date(plan.start_year, 1, 1), end_date=date(plan.end_year, 12, 31),
        )
        created[code] = intervention
        for year, factor in years_factors.items():
            services.budget_row_set(actor=planner, intervention=intervention, year=year, amounts={
                _column(k, ctx): (Decimal(v) * factor).quantize(Decimal("1")) for k, v in amounts.items()})
    return created


def _plan_2021(ctx, planner):
    plan = services.plan_create(actor=planner, ambito=ctx.ambito, title="Piano di Zona dell'Ambito di Monza",
                                start_year=2021)
    services.plan_update(actor=planner, plan=plan, expected_version=plan.version, title=plan.title,
                         needs_narrative="L'Ambito conta circa 172.000 residenti in tre Comuni. L'invecchiamento "
                                         "della popolazione e la crescita delle famiglie in povertà orientano le "
                                         "priorità del triennio.")
    objectives = {code: services.objective_save(actor=planner, plan=plan, code=code, title=title,
                                                description=description, priorities=priorities)
                  for code, title, description, priorities in OBJECTIVES_2021}
    interventions = _interventions(ctx, plan, planner, INTERVENTIONS_2021, objectives,
                                   {2021: Decimal("0.97"), 2022: Decimal("1"), 2023: Decimal("1.03")})
    for code, name, unit, baseline, baseline_year, lower, targets in INDICATORS_2021:
        services.indicator_save(actor=planner, intervention=interventions[code], name=name, unit=unit,
                                baseline=baseline, baseline_year=baseline_year, lower_is_better=lower,
                                targets=dict(zip(plan.years, targets, strict=True)))
    for code, profile, fte, employer, permanent in STAFF_2021:
        services.staff_position_add(actor=planner, intervention=interventions[code], profile=profile, fte=fte,
                                    employer=ctx.organisations[employer], permanent=permanent)
    services.carry_over_set(actor=planner, plan=plan, source="fnps", amount="84250.00",
                            note="Residui FNPS del Piano 2018–2020")
    services.carry_over_set(actor=planner, plan=plan, source="poverty", amount="126400.00",
                            note="Residui Quota servizi Fondo Povertà 2020")
    parties = [services.party_add(actor=planner, plan=plan, organisation=ctx.organisations[key], role=role,
                                  required=required) for key, role, required, _signatory in PARTIES]
    services.plan_transition(actor=planner, plan=plan, action="start_coprogramming")
    services.plan_transition(actor=planner, plan=plan, action="open_consultation")
    for party, (_key, _role, _required, signatory) in zip(parties, PARTIES, strict=True):
        if signatory:
            services.party_sign(actor=planner, party=party, signatory=signatory, signed_on=date(2021, 6, 28))
    services.plan_transition(actor=planner, plan=plan, action="approve")
    plan = services.plan_transition(actor=planner, plan=plan, action="put_in_force")
    workers = [("Anna Rossi", "comune_monza"), ("Luca Bassi", "comune_brugherio"), ("Irene Sala", "comune_villasanta")]
    for year in plan.years:  # 2022 as before; 2021 and 2023 too, so each year of the plan can be monitored
        for month in (2, 5, 9, 11) if year != 2021 else (3, 6, 10, 12):
            services.training_session_record(
                actor=planner, plan=plan, kind=SessionKind.SUPERVISION, title="Supervisione professionale d'équipe",
                on=date(year, month, 15), hours="4.5", led_by="Dott.ssa Marta Villa, supervisore",
                participants=[(name, ctx.organisations[org]) for name, org in workers
                              if not (name == "Irene Sala" and month > 5 and year == 2022)])
    services.training_session_record(
        actor=planner, plan=plan, kind=SessionKind.TRAINING, title="La valutazione multidimensionale",
        on=date(2022, 3, 10), hours="8", participants=[(name, ctx.organisations[org]) for name, org in workers])
    _training_plan(ctx, planner, plan, workers)
    for code, value in PROGRESS_2021.items():
        intervention = Intervention.objects.get(plan=plan, code=code)
        services.intervention_progress_update(actor=planner, intervention=intervention,
                                              expected_version=intervention.version, progress=value,
                                              note="Stato di avanzamento al 31/12/2023.")
    return plan


# The training plan of seeds 002 and 004: courses for the social workers of the Comuni and of the Third Sector
# and for the health operators of the ASST, every year of the plan.
ETS_OPERATORS = [("Marco Villa", "coop_ponte"), ("Sara Conti", "coop_ponte"), ("Elisa Fumagalli", "coop_spazio")]
HEALTH_OPERATORS = [("Inf. Paola Riva", "asst"), ("Dott. Carlo Mauri", "asst")]
COURSES = [
    (2021, 4, "Il PUA integrato: accoglienza e orientamento", "6", ("workers", "health")),
    (2021, 10, "Dimissioni protette: lavorare con l'ospedale", "8", ("workers", "ets", "health")),
    (2022, 6, "Il Budget di salute nella pratica", "12", ("workers", "ets", "health")),
    (2022, 10, "Prevenire l'allontanamento: il metodo P.I.P.P.I.", "16", ("workers", "ets")),
    (2023, 3, "Dispersione scolastica: il lavoro con le scuole", "8", ("workers", "ets")),
    (2023, 9, "Valutazione multidimensionale con SVAMA", "10", ("workers", "health")),
]


def _training_plan(ctx, planner, plan, workers):
    groups = {"workers": workers, "ets": ETS_OPERATORS, "health": HEALTH_OPERATORS}
    for year, month, title, hours, who in COURSES:
        services.training_session_record(
            actor=planner, plan=plan, kind=SessionKind.TRAINING, title=title, on=date(year, month, 20), hours=hours,
            led_by="Scuola di formazione sociale dell'Ambito",
            participants=[(name, ctx.organisations[org]) for group in who for name, org in groups[group]])


OBJECTIVES_2025 = [
    ("OB1", "Lotta all'esclusione, alla fragilità e alla povertà", "", "Casa e lavoro come leve di inclusione"),
    ("OB2", "Il distretto come snodo dell'integrazione", "", "Case di Comunità e PUA integrato"),
    ("OB3", "Nuovi strumenti di prossimità", "", "Welfare di comunità nei quartieri"),
]

INTERVENTIONS_2025 = [
    ("I01", "OB2", "Assistenza domiciliare integrata con le Case di Comunità", Area.ELDERLY,
     "Anziani fragili e non autosufficienti", ServiceType.SAD, "sad_monza", "coop_ponte",
     [Leps.HOME_CARE_ELDERLY], [Lea.HOME_CARE], False,
     {"monza": 450000, "brugherio": 125000, "villasanta": 50000, "fna": 200000}),
    ("I02", "OB3", "Punti di comunità nei quartieri", Area.MULTI_USER, "Cittadini dei quartieri",
     ServiceType.SOCIAL_SECRETARIAT, None, "aps_giovani", [], [], False, {"fnps": 80000, "eu_pnrr": 120000}),
    ("I03", "OB1", "Housing first per persone senza dimora", Area.POVERTY, "Persone senza dimora",
     ServiceType.HOUSING, None, "fondazione_casa", [Leps.HOUSING_FIRST], [], False,
     {"poverty": 180000, "eu_pnrr": 90000}),
]


def _plan_2025(ctx, planner):
    plan = services.plan_create(actor=planner, ambito=ctx.ambito,
                                title="Piano di Zona dell'Ambito di Monza", start_year=2025)
    objectives = {code: services.objective_save(actor=planner, plan=plan, code=code, title=title,
                                                description=description, priorities=priorities)
                  for code, title, description, priorities in OBJECTIVES_2025}
    interventions = _interventions(ctx, plan, planner, INTERVENTIONS_2025, objectives, {2025: Decimal("1")})
    services.plan_transition(actor=planner, plan=plan, action="start_coprogramming")
    org = ctx.organisations
    elderly = services.table_create(actor=planner, plan=plan, name="Tavolo anziani e domiciliarità",
                                    area=Area.ELDERLY, participants=[org["coop_ponte"], org["coop_spazio"],
                                                                     org["odv_oncologia"], org["asst"]])
    inclusion = services.table_create(actor=planner, plan=plan, name="Tavolo inclusione e povertà",
                                      area=Area.POVERTY, participants=[org["fondazione_casa"], org["aps_giovani"],
                                                                       org["comune_brugherio"]])
    services.meeting_record(actor=planner, table=elderly, on=date(2025, 2, 12), place="Sala consiliare, Monza",
                            attendees=[org["coop_ponte"], org["odv_oncologia"], org["asst"]], people_present=14,
                            minutes="Condivisa l'analisi dei bisogni; proposte sul raccordo SAD–ADI.")
    services.meeting_record(actor=planner, table=inclusion, on=date(2025, 2, 19), place="Biblioteca di Brugherio",
                            attendees=[org["fondazione_casa"], org["aps_giovani"]], people_present=9,
                            minutes="Discusse le priorità su casa e lavoro.")
    ets_user = ctx.users.get("ets.operator")
    contributions = [
        (org["coop_ponte"], elderly, interventions["I01"], "Reperibilità serale del SAD",
         "Proponiamo una fascia serale di assistenza domiciliare fino alle 21.", ContributionStatus.MERGED, ""),
        (org["odv_oncologia"], elderly, interventions["I01"], "Sostegno ai caregiver di malati oncologici",
         "Un punto informativo e gruppi di sostegno per i familiari.", ContributionStatus.ACCEPTED, ""),
        (org["fondazione_casa"], inclusion, interventions["I03"], "Alloggi temporanei per padri separati",
         "Dieci alloggi di transizione.", ContributionStatus.DECLINED,
         "Non finanziabile con le risorse del triennio; sarà valutata nel bando regionale sull'abitare."),
        (org["aps_giovani"], inclusion, None, "Educativa di strada",
         "Un'équipe di educatori nei quartieri San Rocco e Cantalupo.", ContributionStatus.SUBMITTED, ""),
    ]
    for organisation, table, intervention, title, text, status, reason in contributions:
        contribution = Contribution.objects.create(
            plan=plan, table=table, organisation=organisation, title=title, text=text, intervention=intervention,
            objective=intervention.objective if intervention else objectives["OB3"],
            submitted_by=ets_user if organisation == org["coop_ponte"] else None)
        if status != ContributionStatus.SUBMITTED:
            services.contribution_decide(actor=planner, contribution=contribution, status=status, reason=reason,
                                         intervention=intervention)
    for key, role, required, _signatory in PARTIES:
        services.party_add(actor=planner, plan=plan, organisation=org[key], role=role, required=required)
    return plan


def load(ctx):
    planner = ctx.users["planner"]
    if not hasattr(ctx, "services"):
        ctx.services = {}
    plans = {}
    existing = {p.start_year: p for p in Plan.objects.filter(ambito=ctx.ambito, start_year__in=[2021, 2025])}
    plans["2021"] = existing.get(2021) or _plan_2021(ctx, planner)
    plans["2025"] = existing.get(2025) or _plan_2025(ctx, planner)
    ctx.plans = plans
    from ambito.planning import demo_spending  # noqa: PLC0415 - issue 19: the money loop on the 2021 plan

    demo_spending.load(ctx, plans["2021"])
    from ambito.planning import demo_partners  # noqa: PLC0415 - issue 20: the ASST's and the Region's plans

    demo_partners.load(ctx, plans)
    if 2021 not in existing:
        ctx.say("Piano di Zona 2021–2023 (in force) and 2025–2027 (co-programming)")
