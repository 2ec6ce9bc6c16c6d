"""Demo: a second Ambito of Regione Lombardia, the *Ambito di Carate Brianza* (ATS Brianza), so the regional
observer has two Ambiti to compare (``/monitoraggio/regione/``).

Four of its Comuni on their real ISTAT codes (Carate Brianza, the lead Comune, Giussano, Besana in Brianza and
Verano Brianza; the real Ambito has more). **Every figure is illustrative**: the population is Monza's age
structure scaled to round totals near the Comuni's size, not ISTAT's tables; the services, the Piano di Zona
2021–2023 with its budget and staffing, the spending, the requests, care plans, deliveries, discharges and
survey answers from 2021 to today are fictional. The plan is built through the planning services as a planning
office would; the activity of six years is written in bulk (a few seconds, not the minutes the services would
take), with the same shapes the services produce.

A step of its own (``region`` in ``ambito.core.demo.DEMO_APPS``), loaded last by ``manage.py load_demo`` and
only by the tests that ask for it (``demo_with("region")``). Idempotent: nothing is written once the Ambito's
plan exists."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Sum
from django.utils import timezone

from ambito.access.demo import FIRST, LAST, NEEDS, SPEED
from ambito.access.models import (
    AccessRequest,
    Channel,
    EntryStatus,
    Person,
    RequestStatus,
    TriageKind,
    TriageOutcome,
    WaitingList,
    WaitingListEntry,
)
from ambito.accounts.models import Membership, Organisation, OrganisationKind
from ambito.accounts.roles import Role
from ambito.care.demo import COVERAGE
from ambito.care.models import (
    CarePlan,
    CarePlanStatus,
    Delivery,
    Discharge,
    DischargeService,
    DischargeSetting,
    DischargeStatus,
    PlannedIntervention,
    Referral,
    ReferralStatus,
)
from ambito.core.demo import DEMO_PASSWORD, DemoContext
from ambito.monitoring.demo import COMMENTS, QUESTIONS
from ambito.monitoring.models import (
    QuestionKind,
    ResponseChannel,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from ambito.network.models import CapacityUnit, Service
from ambito.network.taxonomy import Area, Fee, Leps, ServiceType
from ambito.network.taxonomy import TargetGroup as T
from ambito.planning import services as planning
from ambito.planning.models import Commitment, Lea, Payment, PaymentStage, Plan, StaffProfile
from ambito.territory.models import Ambito, PopulationRecord
from ambito.territory.services import comune_ensure

# short key: ISTAT code, residents the scaled population adds up to (illustrative, near the Comune's size)
COMUNI = {"carate": ("108015", 18000), "giussano": ("108024", 26000), "besana": ("108008", 15600),
          "verano": ("108048", 9300)}
MONZA = "108033"  # the age structure the illustrative population is scaled from
OLDER = Decimal("1.06")  # a slightly older population than Monza's: residents aged 65 and over

ORGANISATIONS = {
    # key: name, kind
    "udp": ("Ufficio di Piano dell'Ambito di Carate Brianza", OrganisationKind.PLANNING_OFFICE),
    "asst": ("ASST Brianza — Distretto di Carate Brianza", OrganisationKind.HEALTH_AUTHORITY),
    "coop_glicine": ("Cooperativa Sociale Il Glicine", OrganisationKind.ETS),
}
PEOPLE = [
    ("planner.carate", "Roberto", "Sironi", Role.PLANNER, "udp", "Planning office of the Ambito di Carate Brianza."),
    ("sw.carate", "Laura", "Cazzaniga", Role.SOCIAL_WORKER, "comune_carate", "Cases of Carate Brianza only."),
]

# key: name, provider, type, area, LEPS, Comuni (None: all), target wait, minimum age
SERVICES = {
    "sad": ("Assistenza domiciliare (SAD) — Ambito di Carate Brianza", "coop_glicine", ServiceType.SAD,
            Area.ELDERLY, [Leps.HOME_CARE_ELDERLY], None, 30, 18),
    "adi": ("Assistenza domiciliare integrata (ADI) — Distretto di Carate", "asst", ServiceType.ADI, Area.ELDERLY,
            [Leps.PROTECTED_DISCHARGE], None, 15, None),
    "pua": ("Punto Unico di Accesso (PUA) — Carate Brianza", "udp", ServiceType.PUA, Area.MULTI_USER, [Leps.PUA],
            None, None, None),
    # Verano Brianza is not covered yet: the LEPS coverage differs from Monza's
    "emergency": ("Pronto intervento sociale — Carate, Giussano, Besana", "udp", ServiceType.SOCIAL_EMERGENCY,
                  Area.POVERTY, [Leps.SOCIAL_EMERGENCY], ["carate", "giussano", "besana"], None, None),
}

OBJECTIVES = [
    ("OB1", "Domiciliarità e dimissioni protette", "Restare a casa propria il più a lungo possibile.",
     "Assistenza domiciliare\nDimissioni protette con l'ASST"),
    ("OB2", "Accesso e servizio sociale professionale", "Un accesso unico e un'assistente sociale ogni 5.000 "
     "abitanti.", "PUA\nServizio sociale d'Ambito"),
    ("OB3", "Inclusione e contrasto alla povertà", "Percorsi di inclusione per le famiglie in difficoltà.",
     "Pronto intervento sociale\nSostegno al reddito"),
]
# as planning.demo.INTERVENTIONS_2021: 2022 amounts by column key (the other years 97% and 103%)
INTERVENTIONS = [
    ("I01", "OB1", "Assistenza domiciliare (SAD) per anziani e persone fragili", Area.ELDERLY,
     "Anziani non autosufficienti e loro caregiver", ServiceType.SAD, "sad", "coop_glicine",
     [Leps.HOME_CARE_ELDERLY], [Lea.HOME_CARE], False,
     {"carate": 95000, "giussano": 130000, "besana": 70000, "verano": 42000, "fna": 90000}),
    ("I02", "OB1", "Dimissioni protette con l'ASST Brianza", Area.ELDERLY, "Persone fragili dimesse dall'ospedale",
     ServiceType.ADI, "adi", "asst", [Leps.PROTECTED_DISCHARGE], [Lea.HOME_CARE], False,
     {"fna": 60000, "health": 85000, "regional": 20000}),
    ("I03", "OB2", "Punto Unico di Accesso (PUA)", Area.MULTI_USER, "Cittadini con bisogni sociali e sociosanitari",
     ServiceType.PUA, "pua", "udp", [Leps.PUA], [], False, {"fnps": 55000, "health": 20000}),
    ("I04", "OB2", "Servizio sociale professionale d'Ambito", Area.MULTI_USER, "Tutta la popolazione",
     ServiceType.SOCIAL_SECRETARIAT, None, "udp", [Leps.SOCIAL_WORKER_RATIO], [], False,
     {"fnps": 120000, "poverty": 90000, "carate": 30000, "giussano": 40000}),
    ("I05", "OB3", "Pronto intervento sociale", Area.POVERTY, "Persone in situazione di emergenza sociale",
     ServiceType.SOCIAL_EMERGENCY, "emergency", "udp", [Leps.SOCIAL_EMERGENCY], [], True,
     {"fnps": 30000, "poverty": 25000}),
    ("I06", "OB3", "Percorsi di inclusione e sostegno al reddito", Area.POVERTY,
     "Nuclei beneficiari di misure di sostegno al reddito", ServiceType.ECONOMIC_SUPPORT, None, "udp",
     [Leps.INCOME_SUPPORT], [], False,
     {"poverty": 260000, "carate": 20000, "giussano": 30000, "besana": 15000, "verano": 9000}),
]
YEARS = {2021: Decimal("0.97"), 2022: Decimal("1"), 2023: Decimal("1.03")}
# 16 FTE employed by the Comuni for about 69,000 residents: the 1:5,000 LEPS met, the 1:4,000 objective not yet
STAFF = [("comune_carate", "5"), ("comune_giussano", "6"), ("comune_besana", "3"), ("comune_verano", "2")]
COMMITTED = {2021: Decimal("0.93"), 2022: Decimal("0.95"), 2023: Decimal("0.9")}  # of the planned amount
PAID = {2021: Decimal("0.99"), 2022: Decimal("0.96"), 2023: Decimal("0.8")}  # of the committed amount

FIRST_DAY = dt.date(2021, 1, 11)
REQUESTS = 210  # from January 2021 to today
SURVEY_ANSWERS = 90


def load(ctx):
    ambito, _created = Ambito.objects.get_or_create(
        code="carate", defaults={"name": "Ambito di Carate Brianza", "region_code": "03",
                                 "region_name": "Regione Lombardia"})
    sub = DemoContext(ambito=ambito)
    for key, (code, _residents) in COMUNI.items():
        sub.comuni[key] = comune_ensure(istat_code=code, ambito=ambito)
    if ambito.lead_comune_id is None:
        ambito.lead_comune = sub.comuni["carate"]
        ambito.save(update_fields=["lead_comune"])
    _organisations(ctx, sub)
    _services(sub)
    ctx.region = sub  # for other steps: the second Ambito with its Comuni, organisations, users and plan
    plan = Plan.objects.filter(ambito=ambito, start_year=2021).first()
    if plan is not None:
        sub.plans["2021"] = plan
        return
    _population(sub)
    plan = sub.plans["2021"] = _plan(sub)
    _partner_links(ctx, sub, plan)
    _spending(sub, plan)
    persons = _activity(sub)
    answers = _survey(sub)
    ctx.say(f"Ambito di Carate Brianza (illustrative): {len(COMUNI)} Comuni, Piano di Zona 2021–2023 in force "
            f"with its spending, {persons} persons with requests, care and deliveries, {answers} survey answers\n")


def _organisations(ctx, sub):
    def org(key, name, kind, **fields):
        sub.organisations[key], _ = Organisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "ambito": sub.ambito, **fields})

    for key, comune in sub.comuni.items():
        org(f"comune_{key}", f"Comune di {comune.name}", OrganisationKind.COMUNE, comune=comune,
            email=f"servizisociali@comune.{key}.example")
    for key, (name, kind) in ORGANISATIONS.items():
        org(key, name, kind)
    User = get_user_model()
    password = None
    for username, first, last, role, org_key, hint in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            password = password or make_password(DEMO_PASSWORD)
            user = User.objects.create(username=username, first_name=first, last_name=last, password=password,
                                       email=f"{username}@demo.example")
        Membership.objects.get_or_create(user=user, organisation=sub.organisations[org_key], role=role)
        sub.users[username] = ctx.users[username] = user
        ctx.accounts.append((username, str(role.label), sub.organisations[org_key].name, hint))


def _services(sub):
    for key, (name, provider, service_type, area, leps, comuni, wait, minimum_age) in SERVICES.items():
        service, created = Service.objects.get_or_create(
            ambito=sub.ambito, name=name,
            defaults={"provider": sub.organisations[provider], "service_type": service_type, "area": area,
                      "leps": [str(c) for c in leps], "target_wait_days": wait, "minimum_age": minimum_age,
                      "capacity_unit": CapacityUnit.PLACES, "target_groups": [str(T.ELDERLY if area == Area.ELDERLY
                                                                                    else T.ALL)],
                      "fee": Fee.FREE, "languages": ["it"],
                      "description": f"{name}: servizio illustrativo del demo."})
        if created:
            service.comuni.set([sub.comuni[k] for k in comuni or sub.comuni])  # its search text follows (signal)
        sub.services[key] = service


def _population(sub):
    """Monza's residents by year, sex and age scaled to each Comune's round total; the older a little more."""
    monza = list(PopulationRecord.objects.filter(comune__istat_code=MONZA).values_list("year", "sex", "age", "count"))
    totals = dict(PopulationRecord.objects.filter(comune__istat_code=MONZA).values("year")
                  .annotate(n=Sum("count")).values_list("year", "n"))
    rows = []
    for key, (_code, residents) in COMUNI.items():
        comune = sub.comuni[key]
        if PopulationRecord.objects.filter(comune=comune).exists():
            continue
        for year, sex, age, count in monza:
            factor = Decimal(residents) / totals[year] * (OLDER if age >= 65 else 1)
            rows.append(PopulationRecord(comune=comune, year=year, sex=sex, age=age,
                                         count=int((count * factor).quantize(Decimal("1")))))
    PopulationRecord.objects.bulk_create(rows)


def _plan(sub):
    """The Piano di Zona 2021–2023, approved and in force, through the planning services."""
    from ambito.planning.demo import _interventions

    planner = sub.users["planner.carate"]
    plan = planning.plan_create(actor=planner, ambito=sub.ambito, title="Piano di Zona dell'Ambito di Carate Brianza",
                                start_year=2021)
    planning.plan_update(actor=planner, plan=plan, expected_version=plan.version, title=plan.title,
                         needs_narrative="Dati illustrativi: un Ambito di circa 69.000 residenti nei quattro Comuni "
                                         "del demo, con una popolazione che invecchia.")
    objectives = {code: planning.objective_save(actor=planner, plan=plan, code=code, title=title,
                                                description=description, priorities=priorities)
                  for code, title, description, priorities in OBJECTIVES}
    interventions = _interventions(sub, plan, planner, INTERVENTIONS, objectives, YEARS)
    for employer, fte in STAFF:
        planning.staff_position_add(actor=planner, intervention=interventions["I04"],
                                    profile=StaffProfile.SOCIAL_WORKER, fte=fte,
                                    employer=sub.organisations[employer], permanent=True)
    planning.staff_position_add(actor=planner, intervention=interventions["I01"], profile=StaffProfile.OSS, fte="9",
                                employer=sub.organisations["coop_glicine"], permanent=False)
    parties = [planning.party_add(actor=planner, plan=plan, organisation=sub.organisations[key], role=role)
               for key, role in [("comune_carate", "Comune capofila"), ("comune_giussano", "Comune dell'Ambito"),
                                 ("comune_besana", "Comune dell'Ambito"), ("comune_verano", "Comune dell'Ambito"),
                                 ("asst", "Azienda Socio Sanitaria Territoriale")]]
    planning.plan_transition(actor=planner, plan=plan, action="start_coprogramming")
    planning.plan_transition(actor=planner, plan=plan, action="open_consultation")
    for party in parties:
        planning.party_sign(actor=planner, party=party, signatory=f"Il legale rappresentante — {party.organisation.name}",
                            signed_on=dt.date(2021, 7, 5))
    planning.plan_transition(actor=planner, plan=plan, action="approve")
    return planning.plan_transition(actor=planner, plan=plan, action="put_in_force")


def _partner_links(ctx, sub, plan):
    """The plan's objectives and interventions that answer to the Region's social plan (issue 20: the regional
    observer reads each plan's alignment beside the other Ambiti's)."""
    from ambito.planning import demo_partners

    planner = sub.users["planner.carate"]
    demo_partners.regional_plans(ctx, sub.ambito.region_code, planner)
    demo_partners.link_plan(planner, plan, [("OB1", "RL2"), ("I02", "RL1"), ("OB3", "RL3")])


def _spending(sub, plan):
    """One commitment per intervention, year and funding column, paid in two instalments: the rows
    ``services_spending.commitment_record`` and ``payment_record`` write, in bulk (the plan is approved)."""
    planner = sub.users["planner.carate"]
    interventions = {i.code: i for i in plan.interventions.all()}
    rng = random.Random(203)
    act = 40
    commitments = []
    for year, factor in YEARS.items():
        for code, *_rest, amounts in INTERVENTIONS:
            payee = sub.organisations["coop_glicine" if code == "I01" else "udp"].name
            for key, amount in amounts.items():
                comune = sub.comuni.get(key)
                planned = (Decimal(amount) * factor).quantize(Decimal("1"))
                share = COMMITTED[year] + Decimal(rng.randint(-20, 20)) / 1000
                act += rng.randint(1, 6)
                commitments.append(Commitment(
                    intervention=interventions[code], year=year, source="comune" if comune else key, comune=comune,
                    amount=(planned * min(share, Decimal(1))).quantize(Decimal("0.01")), act_number=f"DD {act}/{year}",
                    act_date=dt.date(year, rng.randint(1, 3), rng.randint(1, 28)), payee=payee, recorded_by=planner))
    Commitment.objects.bulk_create(commitments)
    payments = []
    for commitment in commitments:
        to_pay = (commitment.amount * PAID[commitment.year]).quantize(Decimal("0.01"))
        first = (to_pay / 2).quantize(Decimal("0.01"))
        for part, paid_on in ((first, dt.date(commitment.year, 7, 15)), (to_pay - first,
                                                                         dt.date(commitment.year + 1, 2, 10))):
            payments.append(Payment(commitment=commitment, stage=PaymentStage.PAID, amount=part, paid_on=paid_on,
                                    payee=commitment.payee, recorded_by=planner))
    Payment.objects.bulk_create(payments)


# --- six years of activity, in bulk ----------------------------------------------------------------------------


def _at(day: dt.date, hour=10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _person_fields(rng, comune, index) -> dict:
    """As ``access.demo._person_fields`` without the codice fiscale (computing it is most of the time of a
    bulk load; the illustrative persons of this Ambito have none)."""
    sex = rng.choice("FM")
    draw = rng.random()
    year = rng.randint(1930, 1956) if draw < 0.62 else rng.randint(2008, 2019) if draw > 0.85 else rng.randint(1960, 2005)
    return {"first_name": rng.choice(FIRST[sex]), "last_name": LAST[(index * 7) % len(LAST)], "sex": sex,
            "birth_date": dt.date(year, rng.randint(1, 12), rng.randint(1, 28)), "residence_comune": comune,
            "lives_alone": year < 1957 and rng.random() < 0.4,
            "address": f"Via {rng.choice(['Roma', 'Cavour', 'Dante', 'Volta', 'Marconi'])} {rng.randint(1, 90)}"}


def _activity(sub) -> int:
    """Requests at the PUA from January 2021 to today; the older people go to the SAD's waiting list, are
    admitted after a wait that shortens year after year (``access.demo.SPEED``), get a care plan, a referral
    the cooperative answers and visits once a week; those sent by the hospital go home with a protected
    discharge whose services are confirmed on time more often each year (``care.demo.COVERAGE``)."""
    rng = random.Random(20210111)
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    worker, provider = sub.users["sw.carate"], sub.organisations["coop_glicine"]
    sad, adi = sub.services["sad"], sub.services["adi"]
    waiting_list, _ = WaitingList.objects.get_or_create(service=sad)
    keys = list(COMUNI)
    weights = [residents for _code, residents in COMUNI.values()]
    span = (today - dt.timedelta(days=10) - FIRST_DAY).days
    persons, requests = [], []
    for index in range(REQUESTS):
        comune = sub.comuni[rng.choices(keys, weights)[0]]
        fields = _person_fields(rng, comune, index)
        received = _at(FIRST_DAY + dt.timedelta(days=rng.randint(0, span)), 9 + index % 7)
        elderly = fields["birth_date"].year < 1957
        channel = (Channel.HOSPITAL_DISCHARGE if elderly and rng.random() < 0.25 else
                   rng.choice([Channel.PUA_DESK, Channel.PUA_DESK, Channel.GP, Channel.PHONE, Channel.ONLINE]))
        area = Area.ELDERLY if elderly else rng.choice([Area.POVERTY, Area.FAMILY_MINORS, Area.DISABILITY])
        person = Person(ambito=sub.ambito, created_by=worker, **fields)
        persons.append(person)
        requests.append(AccessRequest(
            ambito=sub.ambito, person=person, comune=comune, channel=channel, brought_by=worker,
            need=rng.choice(NEEDS[area]), area=area, urgency=rng.choice([2, 2, 3]), received_at=received,
            status=RequestStatus.CARE_PLAN if elderly else RequestStatus.INFORMATION,
            triage_kind=TriageKind.SOCIO_HEALTH if elderly else TriageKind.SOCIAL,
            triage_outcome=TriageOutcome.UVM if elderly else TriageOutcome.INFORMATION,
            triaged_at=received + dt.timedelta(days=1), outcome_at=received + dt.timedelta(days=2),
            assigned_to=worker))
    Person.objects.bulk_create(persons)
    for request in requests:
        request.person_id = request.person.pk
    AccessRequest.objects.bulk_create(requests)

    entries, plans, discharges = [], [], []
    for request in requests:
        if request.area != Area.ELDERLY:
            continue
        entered = request.received_at + dt.timedelta(days=rng.randint(8, 16))
        wait = max(3, round(rng.randint(20, 50) * SPEED.get(entered.year, SPEED[max(SPEED)])))
        admitted = entered + dt.timedelta(days=wait)
        if entered >= now:
            continue
        entry = WaitingListEntry(waiting_list=waiting_list, person=request.person, request=request,
                                 entered_at=entered, added_by=worker, urgency=request.urgency,
                                 status=EntryStatus.ADMITTED if admitted < now else EntryStatus.WAITING,
                                 admitted_at=admitted if admitted < now else None,
                                 admitted_by=worker if admitted < now else None)
        entries.append(entry)
        if entry.admitted_at:
            plans.append(entry)
        if request.channel == Channel.HOSPITAL_DISCHARGE:
            discharges.append(request)
    WaitingListEntry.objects.bulk_create(entries)
    _care(rng, sub, plans, today, now, worker, provider, sad)
    _discharges(rng, sub, discharges, today, worker, sad, adi)
    return len(persons)


def _care(rng, sub, admitted, today, now, worker, provider, sad):
    care_plans, interventions, referrals = [], [], []
    for entry in admitted:
        start = entry.admitted_at.date()
        request = entry.request
        care_plans.append(CarePlan(
            ambito=sub.ambito, comune=request.comune, person=entry.person, request=request, title="PAI domiciliare",
            area=Area.ELDERLY, status=CarePlanStatus.ACTIVE if (today - start).days < 365 else CarePlanStatus.CLOSED,
            start_date=start, end_date=start + dt.timedelta(days=364), case_manager=worker, created_by=worker,
            agreement_signed_on=start, agreement_signed_by=f"{entry.person.first_name} {entry.person.last_name}",
            summary="Bisogni e risorse emersi in UVM (dati illustrativi)."))
    CarePlan.objects.bulk_create(care_plans)
    for care_plan in care_plans:
        interventions.append(PlannedIntervention(
            care_plan=care_plan, service=sad, provider=provider, description=f"{sad.name}: un accesso settimanale di 3 ore",
            intensity=Decimal("3"), start_date=care_plan.start_date, end_date=care_plan.end_date))
    PlannedIntervention.objects.bulk_create(interventions)
    deliveries = []
    for number, (entry, care_plan, intervention) in enumerate(zip(admitted, care_plans, interventions, strict=True)):
        sent = entry.admitted_at
        recent = (now - sent).days < 20
        declined = number % 17 == 5
        answered = None if recent and number % 3 == 0 else sent + dt.timedelta(days=rng.randint(1, 4), hours=2)
        status = (ReferralStatus.SENT if answered is None else ReferralStatus.DECLINED if declined
                  else ReferralStatus.IN_PROGRESS if care_plan.status == CarePlanStatus.ACTIVE
                  else ReferralStatus.COMPLETED)
        referral = Referral(
            ambito=sub.ambito, comune=care_plan.comune, person=care_plan.person, care_plan=care_plan,
            intervention=intervention, service=sad, provider=provider, what_to_deliver=intervention.description,
            status=status, response_days=5, answer_due_on=(sent + dt.timedelta(days=5)).date(), sent_at=sent,
            sent_by=sub.users["sw.carate"], answered_at=answered,
            started_at=answered if status in (ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED) else None)
        referrals.append(referral)
    Referral.objects.bulk_create(referrals)
    for number, referral in enumerate(referrals):
        if referral.status not in (ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED):
            continue
        day = referral.answered_at.date() + dt.timedelta(days=3)
        last = min(today - dt.timedelta(days=1), day + dt.timedelta(days=rng.randint(60, 120)))
        while day <= last:
            if day.weekday() == 2 and rng.random() < 0.93:  # one visit a week: fewer rows to write
                deliveries.append(Delivery(
                    referral=referral, person=referral.person, comune=referral.comune, service=sad,
                    provider=referral.provider, delivery_type="home_care_visit", delivered_on=day,
                    start_time=dt.time(9), end_time=dt.time(12), hours=Decimal("3"),
                    operator_name=["Giada Porro", "Simona Redaelli", "Fabio Terraneo"][number % 3],
                    operator_ref=f"GL{number % 3:02d}"))
            day += dt.timedelta(days=1)
    Delivery.objects.bulk_create(deliveries, batch_size=1000)


def _discharges(rng, sub, requests, today, worker, sad, adi):
    made, services = [], []
    for request in requests:
        planned = request.received_at.date() + dt.timedelta(days=rng.randint(3, 10))
        if planned >= today:
            continue
        made.append(Discharge(ambito=sub.ambito, comune=request.comune, person=request.person,
                              setting=DischargeSetting.HOSPITAL, facility="Ospedale di Carate Brianza — Medicina",
                              planned_on=planned, status=DischargeStatus.COMPLETED, completed_on=planned,
                              created_by=worker))
    Discharge.objects.bulk_create(made)
    for discharge in made:
        on_time = rng.random() < COVERAGE.get(discharge.completed_on.year, 0.9)
        for position, service in enumerate((sad, adi)):
            late = not on_time and position == 0
            services.append(DischargeService(
                discharge=discharge, service=service, confirmed_by=worker,
                confirmed_at=_at(discharge.completed_on + dt.timedelta(days=4 if late else -1), 12)))
    DischargeService.objects.bulk_create(services)


def _survey(sub) -> int:
    """The SAD's satisfaction questionnaire, with answers spread from February 2021 to today."""
    survey = Survey.objects.create(service=sub.services["sad"], title="Questionario di gradimento SAD — Carate Brianza",
                                   introduction="Bastano due minuti. Le risposte sono anonime.")
    questions = SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=survey, order=i, text=text, kind=kind, required=kind == QuestionKind.SCALE)
        for i, (text, kind) in enumerate(QUESTIONS, start=1))
    rng = random.Random(2021)
    today = timezone.localdate()
    first = dt.date(2021, 2, 1)
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=survey, channel=ResponseChannel.PAPER if n % 4 == 0 else ResponseChannel.ONLINE,
                       submitted_at=_at(first + dt.timedelta(days=rng.randint(0, (today - first).days)), 10 + n % 8))
        for n in range(SURVEY_ANSWERS))
    answers = []
    for n, response in enumerate(responses):
        for question in questions:
            if question.kind == QuestionKind.SCALE:
                answers.append(SurveyAnswer(response=response, question=question, score=rng.randint(3, 5)))
            elif n % 9 == 0:
                answers.append(SurveyAnswer(response=response, question=question, text=COMMENTS[n % len(COMMENTS)]))
    SurveyAnswer.objects.bulk_create(answers)
    return len(responses)
