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
COMUNI = [("monza", 170), ("brugherio", 80), ("villasanta", 40)]


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
    elderly = rng.random() < 0.65
    year = rng.randint(1930, 1956) if elderly else rng.randint(1960, 2012)
    birth = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
    code = codicefiscale.encode(lastname=last, firstname=first, gender=sex, birthdate=birth.strftime("%d/%m/%Y"),
                                birthplace=rng.choice(BIRTHPLACES))
    return {"first_name": first, "last_name": last, "birth_date": birth, "sex": sex, "residence_comune": comune,
            "fiscal_code": code, "lives_alone": elderly and rng.random() < 0.4,
            "address": f"Via {rng.choice(['Italia', 'Manzoni', 'Garibaldi', 'Mazzini', 'Verdi'])} {rng.randint(1, 120)}",
            "phone": f"039 {rng.randint(1000000, 9999999)}"}


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
    for key, count in COMUNI:
        comune, worker = ctx.comuni[key], workers[key]
        sad = lists.get("sad_monza" if key == "monza" else "sad_brugherio")
        for _ in range(count):
            index += 1
            fields = _person_fields(rng, comune, index)
            if Person.objects.filter(fiscal_code=fields["fiscal_code"]).exists():
                continue
            person = services.person_create(actor=worker, confirm_homonym=True, confirm_birthplace=True, **fields)
            services.consent_record(actor=worker, person=person, kind="information_notice", notice_version="2026-01",
                                    at=now - datetime.timedelta(days=rng.randint(200, 400)))
            persons += 1
            channel = rng.choices([c for c, _ in CHANNEL_WEIGHTS], [w for _, w in CHANNEL_WEIGHTS])[0]
            area = Area.ELDERLY if fields["birth_date"].year < 1957 else rng.choice(list(NEEDS))
            if channel == Channel.HOSPITAL_DISCHARGE:
                area = Area.ELDERLY
            sender = ctx.users["gp"] if channel == Channel.GP else (
                ctx.users["asl.operator"] if channel == Channel.HOSPITAL_DISCHARGE else worker)
            received = now - datetime.timedelta(days=rng.randint(1, 240), hours=rng.randint(0, 8))
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
            t_uvm = t + datetime.timedelta(days=rng.randint(5, 25))
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
            service = sad.service if sad and area == Area.ELDERLY else (
                lists["cdd"].service if area == Area.DISABILITY and "cdd" in lists else None)
            decision = AssessmentDecision.SERVICE if service else AssessmentDecision.CARE_PLAN
            services.assessment_complete(actor=worker, assessment=assessment, need_profile="socio_health",
                                         intensity=intensity, decision=decision, decision_service=service, at=t_uvm)
            assessed += 1
            if service is not None:
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
                if waited > 45 and rng.random() < 0.6:  # a slot freed after 20–45 days goes to the top entry
                    waiting_list.refresh_from_db()
                    services.waiting_list_set_slots(actor=worker, waiting_list=waiting_list,
                                                    open_slots=waiting_list.open_slots + 1)
                    top = services.waiting_list_top(waiting_list=waiting_list)
                    services.waiting_list_admit(actor=worker, waiting_list=waiting_list, at=min(
                        now, top.entered_at + datetime.timedelta(days=rng.randint(20, 45))))
    for waiting_list in lists.values():
        if waiting_list.service.comuni.filter(pk=ctx.comuni["monza"].pk).exists():
            services.waiting_list_set_slots(actor=ctx.users["sw.monza"], waiting_list=waiting_list, open_slots=2)
    demo_desks.load(ctx)
    ctx.say(f"{persons} persons, {requests} requests, {assessed} UVM assessments, {entries} waiting-list entries\n")
