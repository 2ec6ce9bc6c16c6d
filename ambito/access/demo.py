"""Demo PUA: a few hundred fictional persons (valid-format, fictional codici fiscali) with requests from every
door, triaged, some assessed by a UVM and waiting for a service, with realistic backdated timestamps."""

import datetime
import random

from codicefiscale import codicefiscale
from django.utils import timezone

from ambito.access import demo_desks, services
from ambito.access import rules as access_rules
from ambito.access.models import (
    AssessmentDecision,
    Channel,
    Person,
    RequestStatus,
    Scale,
    ScoreOperator,
    TriageKind,
    TriageOutcome,
    TriageRule,
)
from ambito.network.taxonomy import Area

FIRST = {"F": ["Maria", "Anna", "Giuseppina", "Rosa", "Angela", "Giovanna", "Teresa", "Lucia", "Carmela", "Franca",
               "Elena", "Chiara", "Sofia", "Giulia", "Paola"],
         "M": ["Giuseppe", "Giovanni", "Antonio", "Mario", "Luigi", "Francesco", "Angelo", "Vincenzo", "Pietro",
               "Carlo", "Luca", "Marco", "Davide", "Alessandro", "Stefano"]}
LAST = ["Brambilla", "Colombo", "Sala", "Galbiati", "Mariani", "Redaelli", "Fumagalli", "Longoni", "Villa",
        "Cattaneo", "Rossi", "Ferrari", "Bonfanti", "Mauri", "Perego", "Motta", "Sironi", "Viganò", "Riva", "Meroni",
        "Pozzi", "Beretta", "Ronchi", "Tagliabue", "Crippa", "Confalonieri", "Arosio", "Pirovano", "Radaelli",
        "Magni"]
BIRTHPLACES = ["Monza", "Milano", "Brugherio", "Villasanta", "Lecco", "Bergamo", "Napoli", "Palermo", "Bari"]
NEEDS = {
    Area.ELDERLY: ["Non riesce più a fare la spesa e a cucinare da sola", "Dimissione dopo frattura di femore",
                   "Il caregiver è esausto, chiede sollievo", "Richiesta di assistenza domiciliare"],
    Area.DISABILITY: ["Assistenza educativa a scuola per il figlio", "Inserimento in centro diurno",
                      "Trasporto verso il centro di riabilitazione"],
    Area.POVERTY: ["Sfratto imminente, nucleo con due minori", "Bollette arretrate e perdita del lavoro"],
    Area.FAMILY_MINORS: ["Supporto educativo domiciliare", "Difficoltà scolastiche e familiari"],
    Area.MENTAL_HEALTH: ["Isolamento e rischio di ricaduta, chiede un progetto di inclusione"],
    Area.ADDICTIONS: ["Richiesta di orientamento ai servizi per le dipendenze"],
    Area.MIGRANTS: ["Orientamento ai servizi e al permesso di soggiorno"],
}
CHANNEL_WEIGHTS = [(Channel.PUA_DESK, 30), (Channel.GP, 18), (Channel.HOSPITAL_DISCHARGE, 15), (Channel.ETS, 8),
                   (Channel.INFO_POINT, 7), (Channel.PHONE, 14), (Channel.ONLINE, 8)]
COMUNI = [("monza", 260), ("brugherio", 120), ("villasanta", 60)]


def _rules(ctx):
    barthel = Scale.objects.get(code="barthel")
    rules = [
        dict(name="Dimissione ospedaliera con Barthel < 60 → UVM", order=10, channel=Channel.HOSPITAL_DISCHARGE,
             scale=barthel, score_operator=ScoreOperator.LT, score_threshold=60, triage_kind=TriageKind.SOCIO_HEALTH,
             outcome=TriageOutcome.UVM,
             explanation="Dimissione protetta: la UVM definisce il PAI prima del rientro a casa (LEPS dimissioni "
                         "protette)."),
        # Safe when the Barthel is missing: rule 10 then stops the evaluation and asks for it (services.triage).
        dict(name="Dimissione ospedaliera con buona autonomia (Barthel ≥ 60) → SAD", order=20,
             channel=Channel.HOSPITAL_DISCHARGE, scale=barthel, score_operator=ScoreOperator.GTE, score_threshold=60,
             triage_kind=TriageKind.SOCIAL, outcome=TriageOutcome.REFERRAL,
             explanation="Autonomia sufficiente: invio diretto al servizio di assistenza domiciliare."),
        dict(name="Richiesta urgente per persona non autosufficiente → UVM", order=30, area=Area.ELDERLY,
             min_urgency=4, triage_kind=TriageKind.SOCIO_HEALTH, outcome=TriageOutcome.UVM),
        dict(name="Disabilità → UVM", order=40, area=Area.DISABILITY, triage_kind=TriageKind.SOCIO_HEALTH,
             outcome=TriageOutcome.UVM, explanation="Progetto individuale (art. 14 L. 328/2000)."),
        dict(name="Povertà → segretariato sociale", order=50, area=Area.POVERTY, triage_kind=TriageKind.SOCIAL,
             outcome=TriageOutcome.REFERRAL),
    ]
    for fields in rules:
        TriageRule.objects.get_or_create(ambito=ctx.ambito, name=fields.pop("name"), defaults=fields)


def _person_fields(rng, comune, index):
    sex = rng.choice("FM")
    first, last = rng.choice(FIRST[sex]), LAST[index % len(LAST)]
    draw = rng.random()
    elderly = draw < 0.62
    # about one in seven is a child or a teenager (school integration, family support)
    year = rng.randint(1930, 1956) if elderly else rng.randint(2008, 2019) if draw > 0.85 else rng.randint(1960, 2005)
    birth = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
    code = codicefiscale.encode(lastname=last, firstname=first, gender=sex, birthdate=birth.strftime("%d/%m/%Y"),
                                birthplace=rng.choice(BIRTHPLACES))
    return {"first_name": first, "last_name": last, "birth_date": birth, "sex": sex, "residence_comune": comune,
            "fiscal_code": code, "lives_alone": elderly and rng.random() < 0.4,
            "address": f"Via {rng.choice(['Italia', 'Manzoni', 'Garibaldi', 'Mazzini', 'Verdi'])} {rng.randint(1, 120)}",
            "phone": f"039 {rng.randint(1000000, 9999999)}"}


# The demo spans the Piano di Zona 2021–2023 and the current one: requests from January 2021 to today, and
# each year the PUA works faster (seed 003, Mesagne: the waits for home care and school integration fall).
# A year's factor scales the days from request to UVM and from the waiting list to admission.
FIRST_DAY = datetime.date(2021, 1, 11)
SPEED = {2021: 1.0, 2022: 0.82, 2023: 0.68, 2024: 0.57, 2025: 0.48, 2026: 0.45}
RECENT_SHARE = 0.25  # the rest of the requests fall in the years before the last 240 days


def _received(rng, now):
    """When a demo request came in: about a third in the last 240 days (today's work queue), the others
    spread from January 2021 on."""
    if rng.random() < RECENT_SHARE:
        return now - datetime.timedelta(days=rng.randint(1, 240), hours=rng.randint(0, 8))
    first = timezone.make_aware(datetime.datetime.combine(FIRST_DAY, datetime.time(9, 0)))
    span = max(1, (now - datetime.timedelta(days=240) - first).days)
    return first + datetime.timedelta(days=rng.randint(0, span), hours=rng.randint(0, 8))


def _speed(when) -> float:
    return SPEED.get(when.year, SPEED[max(SPEED)])


def _days(rng, low, high, when) -> int:
    return max(1, round(rng.randint(low, high) * _speed(when)))


def load(ctx):
    _rules(ctx)
    services.priority_criteria_ensure_defaults(ambito=ctx.ambito)
    lists = {key: services.waiting_list_ensure(service=ctx.services[key])
             for key in ("sad_monza", "sad_brugherio", "adi", "cdd", "school") if key in ctx.services}
    ctx.waiting_lists = lists
    if Person.objects.filter(ambito=ctx.ambito).exists():
        return
    rng = random.Random(20260301)
    now = timezone.now().replace(microsecond=0)
    workers = {"monza": ctx.users["sw.monza"], "brugherio": ctx.users["sw.brugherio"],
               "villasanta": ctx.users["asl.operator"]}
    scales = {s.code: s for s in Scale.objects.prefetch_related("items")}
    persons = requests = assessed = entries = 0
    index = 0
    arrivals = []  # persons in the order their request came in, so every waiting list fills as time goes by
    for key, count in COMUNI:
        for _ in range(count):
            index += 1
            arrivals.append((_received(rng, now), key, index, _person_fields(rng, ctx.comuni[key], index)))
    arrivals.sort(key=lambda row: (row[0], row[2]))
    for received, key, _index, fields in arrivals:
        worker = workers[key]
        sad = lists.get("sad_monza" if key == "monza" else "sad_brugherio")
        if Person.objects.filter(fiscal_code=fields["fiscal_code"]).exists():
            continue
        person = services.person_create(actor=worker, confirm_homonym=True, confirm_birthplace=True, **fields)
        services.consent_record(actor=worker, person=person, kind="information_notice",
                                notice_version="2026-01" if received.year >= 2026 else "2021-01",
                                at=received - datetime.timedelta(days=rng.randint(0, 3)))
        persons += 1
        channel = rng.choices([c for c, _ in CHANNEL_WEIGHTS], [w for _, w in CHANNEL_WEIGHTS])[0]
        area = Area.ELDERLY if fields["birth_date"].year < 1957 else rng.choice(list(NEEDS))
        if fields["birth_date"].year >= 2006:  # a pupil: school integration, or support to the family
            area = Area.DISABILITY if rng.random() < 0.7 else Area.FAMILY_MINORS
        if channel == Channel.HOSPITAL_DISCHARGE:
            area = Area.ELDERLY
        sender = ctx.users["gp"] if channel == Channel.GP else (
            ctx.users["asl.operator"] if channel == Channel.HOSPITAL_DISCHARGE else worker)
        request = services.request_create(actor=sender, person=person, channel=channel, area=area,
                                          need=rng.choice(NEEDS[area]), urgency=rng.choices([1, 2, 3, 4],
                                                                                            [1, 6, 3, 1])[0],
                                          at=received)
        requests += 1
        age = (now - received).days
        if age < 4:
            continue  # still waiting for triage: the work queue shows it
        t = received + datetime.timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 6))
        screening = {"barthel": rng.choice([15, 35, 50, 55, 70, 85])} if channel == Channel.HOSPITAL_DISCHARGE \
            else None
        proposal = services.triage_evaluate(request=request, screening=screening)
        outcome = proposal.outcome or rng.choice([TriageOutcome.INFORMATION, TriageOutcome.UVM,
                                                  TriageOutcome.REFERRAL])
        services.request_triage(actor=worker, request=request, screening=screening,
                                triage_kind=proposal.triage_kind or TriageKind.SOCIAL, outcome=outcome, at=t)
        if outcome == TriageOutcome.INFORMATION:
            if age > 10:
                services.request_transition(actor=worker, request=request, to_status=RequestStatus.INFORMATION,
                                            note="Informazioni sui servizi e sui contributi",
                                            at=t + datetime.timedelta(hours=2))
            continue
        if outcome == TriageOutcome.REFERRAL:
            if age > 15:
                services.request_transition(actor=worker, request=request, to_status=RequestStatus.REFERRED,
                                            at=t + datetime.timedelta(days=rng.randint(3, 10)))
            continue
        t_uvm = t + datetime.timedelta(days=_days(rng, 5, 25, t))
        assessment = services.assessment_schedule(actor=worker, request=request, scheduled_for=t_uvm.date(),
                                                  team=["assistente sociale", "infermiere", "MMG"], at=t)
        if t_uvm > now:
            continue  # scheduled, due soon
        barthel = {item.code: rng.choice(item.options)["value"] for item in scales["barthel"].items.all()}
        services.assessment_score(actor=worker, assessment=assessment, scale=scales["barthel"], answers=barthel,
                                  at=t_uvm)
        lawton = scales["lawton_iadl" if rng.random() < 0.85 else "lawton_iadl_5"]
        services.assessment_score(actor=worker, assessment=assessment, scale=lawton,
                                  answers={item.code: rng.choice(item.options)["value"]
                                           for item in lawton.items.all()}, at=t_uvm)
        intensity = rng.choices([1, 2, 3, 4], [2, 4, 3, 1])[0]
        service = None
        if sad and area == Area.ELDERLY:
            service = sad.service
        elif area == Area.DISABILITY:  # pupils to school integration, adults to the day centre
            disability = lists.get("school" if fields["birth_date"].year >= 2006 else "cdd") or lists.get("cdd")
            service = disability.service if disability else None
        decision = AssessmentDecision.SERVICE if service else AssessmentDecision.CARE_PLAN
        services.assessment_complete(actor=worker, assessment=assessment, need_profile="socio_health",
                                     intensity=intensity, decision=decision, decision_service=service, at=t_uvm)
        assessed += 1
        if service is None:
            continue
        waiting_list = service.waiting_list
        if not access_rules.can_manage_waiting_list(worker, waiting_list):
            continue
        entry = services.waiting_list_entry_add(
            actor=worker, waiting_list=waiting_list, person=person, assessment=assessment,
            caregiver_burden=rng.choice(["none", "low", "medium", "high"]),
            isee_band=rng.choice(["under_6k", "6k_15k", "15k_30k", "over_30k", "not_given"]),
            at=t_uvm + datetime.timedelta(days=1))
        entries += 1
        waited = (now - entry.entered_at).days
        # a slot freed after some weeks goes to the top entry; years ago nearly every entry was admitted
        if waited > 45 and rng.random() < (0.6 if waited < 240 else 0.97):
            waiting_list.refresh_from_db()
            services.waiting_list_set_slots(actor=worker, waiting_list=waiting_list,
                                            open_slots=waiting_list.open_slots + 1)
            top = services.waiting_list_top(waiting_list=waiting_list)
            services.waiting_list_admit(actor=worker, waiting_list=waiting_list, at=min(
                now, top.entered_at + datetime.timedelta(days=_days(rng, 20, 45, top.entered_at))))
    _close_stale_entries(ctx, lists, workers, now)
    for waiting_list in lists.values():
        if waiting_list.service.comuni.filter(pk=ctx.comuni["monza"].pk).exists():
            services.waiting_list_set_slots(actor=ctx.users["sw.monza"], waiting_list=waiting_list, open_slots=2)
    demo_desks.load(ctx)
    ctx.say(f"{persons} persons, {requests} requests, {assessed} UVM assessments, {entries} waiting-list entries "
            f"({FIRST_DAY.year}–{now.year})\n")


def _close_stale_entries(ctx, lists, workers, now):
    """Nobody in the demo has waited for years: an entry still waiting a year after it was made was taken off
    the list within the year (the person moved to a residential home, chose a private carer, or died)."""
    from ambito.access.models import EntryStatus, RemovalReason, WaitingListEntry

    reasons = [RemovalReason.RESIDENTIAL_CARE, RemovalReason.DECLINED, RemovalReason.SERVED_ELSEWHERE,
               RemovalReason.DECEASED, RemovalReason.MOVED_AWAY]
    stale = WaitingListEntry.objects.filter(
        waiting_list__in=list(lists.values()), status=EntryStatus.WAITING,
        entered_at__lt=now - datetime.timedelta(days=365)).select_related("waiting_list", "person").order_by("id")
    for number, entry in enumerate(stale):
        actor = next((worker for worker in workers.values()
                      if access_rules.can_manage_waiting_list(worker, entry.waiting_list)
                      and access_rules.can_view_waiting_list_entry(worker, entry)), None)
        if actor is None:
            continue
        services.waiting_list_entry_remove(actor=actor, entry=entry, reason=reasons[number % len(reasons)],
                                           at=entry.entered_at + datetime.timedelta(days=90 + number % 200))
