"""Demo care data (runs after the access demo): PAI for persons assessed by the UVM, referrals to the ETS in
every state of the loop, a year of deliveries, a few Budget di salute projects, protected discharges and notes.
Built through the real services so every rule holds; idempotent (does nothing once plans exist)."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from ambito.access.models import Assessment, AssessmentStatus, Person
from ambito.accounts.models import Membership
from ambito.accounts.roles import Role
from ambito.care import services
from ambito.care.models import (
    BudgetAxis,
    CarePlan,
    DeclineReason,
    DischargeSetting,
    Funder,
    GoalStatus,
    IntensityUnit,
    NoteVisibility,
    Payer,
    TeamRole,
)
from ambito.network.taxonomy import Area

# The states the demo referrals end in, in turn: every state of the loop appears, most are being delivered.
STATES = ["in_progress", "completed", "in_progress", "accepted", "declined", "sent_overdue", "in_progress", "sent",
          "cancelled", "in_progress"]
PLANS, RECENT_PLANS = 60, 15  # care plans in the demo, of which the latest assessed persons'
OPERATORS = ["Anna Bassi", "Silvia Carminati", "Paolo Vergani", "Giorgia Longhi", "Matteo Sangalli",
             "Chiara Pagani"]


def _fallback_persons(ctx, rng):
    """Without the access demo (e.g. a partial load), a few persons of our own."""
    made = []
    names = ["Brambilla", "Sala", "Villa", "Riva", "Colombo", "Mauri", "Perego", "Motta", "Sironi", "Meroni",
             "Pozzi", "Beretta", "Crippa", "Magni", "Arosio", "Longoni", "Redaelli", "Fumagalli"]
    keys = ["monza", "monza", "brugherio", "villasanta"]
    for i, last in enumerate(names):
        made.append(Person.objects.create(
            ambito=ctx.ambito, first_name=rng.choice(["Maria", "Rosa", "Carlo", "Luigi", "Anna"]), last_name=last,
            birth_date=datetime.date(1935 + i, 3, 1), sex="F", residence_comune=ctx.comuni[keys[i % 4]],
            address=f"Via Manzoni {10 + i}", phone=f"039 5550{i:02d}"))
    return [(p, None) for p in made[:12]]


def _worker(ctx, person):
    if person.residence_comune_id == ctx.comuni["monza"].pk:
        return ctx.users["sw.monza"]
    if person.residence_comune_id == ctx.comuni["brugherio"].pk:
        return ctx.users["sw.brugherio"]
    return ctx.users["asl.operator"]  # Villasanta: the district operator works its cases in the demo


def _service_for(ctx, person, area, index):
    if area == Area.DISABILITY:
        return ctx.services["school"] if index % 2 else ctx.services["cdd"]
    if person.residence_comune_id == ctx.comuni["monza"].pk:
        return ctx.services["sad_monza"]
    return ctx.services["sad_brugherio"]


def _week_rows(rng, start, end, operator, ref, delivery_type, days=(0, 2, 4)):
    rows = []
    day = start
    while day <= end:
        if day.weekday() in days and rng.random() < 0.92:  # some visits are missed (illness, holidays)
            hour = 8 + (day.weekday() % 3)
            rows.append({"delivered_on": day, "start_time": datetime.time(hour, 0),
                         "end_time": datetime.time(hour + 2, 0), "delivery_type": delivery_type,
                         "operator_name": operator, "operator_ref": ref})
        day += datetime.timedelta(days=1)
    return rows


def _provider_actor(ctx, referral):
    """Who answers for the provider: the ETS operator for Il Ponte, else a member created for the demo."""
    from django.contrib.auth import get_user_model

    if referral.provider_id == ctx.organisations["coop_ponte"].pk:
        return ctx.users["ets.operator"]
    member = Membership.objects.filter(organisation_id=referral.provider_id, active=True,
                                       role__in=[Role.PROVIDER_OPERATOR, Role.HEALTH_OPERATOR]).first()
    if member:
        return member.user
    user, _ = get_user_model().objects.get_or_create(
        username=f"demo.provider.{referral.provider_id}",
        defaults={"first_name": "Operatore", "last_name": referral.provider.name[:30], "is_active": False})
    Membership.objects.get_or_create(user=user, organisation_id=referral.provider_id, role=Role.PROVIDER_OPERATOR)
    return user


def load(ctx):
    if CarePlan.objects.filter(ambito=ctx.ambito).exists() or not ctx.services:
        return
    rng = random.Random(20260315)
    today = timezone.localdate()
    assessed = list(Assessment.objects.filter(person__ambito=ctx.ambito, status=AssessmentStatus.COMPLETED)
                    .select_related("person", "request").order_by("id"))
    chosen, seen = [], set()
    for assessment in assessed:
        if assessment.person_id not in seen:
            seen.add(assessment.person_id)
            chosen.append((assessment.person, assessment))
    # Care plans across the years the demo spans (2021 to today): every third assessed person, in the order
    # of the UVM, plus the latest ones so today's caseload is full.
    step = max(1, len(chosen) // (PLANS - RECENT_PLANS)) if len(chosen) > PLANS else 1
    chosen = (chosen[:-RECENT_PLANS:step][:PLANS - RECENT_PLANS] + chosen[-RECENT_PLANS:]
              if len(chosen) > PLANS else chosen) or _fallback_persons(ctx, rng)
    plans = referrals = deliveries = reviews = 0
    for index, (person, assessment) in enumerate(chosen):
        worker = _worker(ctx, person)
        area = assessment.request.area if assessment else Area.ELDERLY
        start = today - datetime.timedelta(days=rng.randint(60, 360))
        if assessment and assessment.held_on:
            start = assessment.held_on + datetime.timedelta(days=rng.randint(2, 12))
            start = min(start, today - datetime.timedelta(days=rng.randint(20, 60)))
        end = start + datetime.timedelta(days=364)
        plan = services.care_plan_create(
            actor=worker, person=person, assessment=assessment if assessment and assessment.decision == "care_plan"
            else None, request=assessment.request if assessment else None,
            title="Progetto personalizzato" if area != Area.ELDERLY else "PAI domiciliare", area=area,
            summary="Bisogni e risorse emersi in UVM; rete familiare presente ma affaticata.",
            start_date=start, end_date=end, next_review_on=start + datetime.timedelta(days=180))
        services.goal_add(actor=worker, plan=plan, description="Mantenere la permanenza al domicilio in sicurezza",
                          indicator="Indice di Barthel", baseline=str(rng.choice([35, 45, 55])), target="≥ 60",
                          review_on=start + datetime.timedelta(days=180))
        services.goal_add(actor=worker, plan=plan, description="Ridurre il carico del caregiver",
                          indicator="Ore settimanali di cura del caregiver", baseline="30", target="20",
                          review_on=start + datetime.timedelta(days=180))
        service = _service_for(ctx, person, area, index)
        intervention = services.intervention_add(
            actor=worker, plan=plan, service=service, description=f"{service.name}: 3 accessi settimanali di 2 ore",
            intensity=Decimal("6"), intensity_unit=IntensityUnit.HOURS_WEEK, start_date=start, end_date=end,
            payer=rng.choice([Payer.COMUNE, Payer.COMUNE, Payer.ASL]),
            person_share=Decimal(rng.choice(["0", "45.00", "90.00"])) or None)
        services.care_plan_sign(actor=worker, plan=plan, signed_on=start, signed_by=person.full_name)
        plans += 1
        state = STATES[index % len(STATES)]
        if (today - start).days > 400 and state in ("sent", "sent_overdue", "accepted", "in_progress"):
            state = "completed"  # a plan of past years: its referral went through long ago
        sent_at = timezone.make_aware(datetime.datetime.combine(start, datetime.time(10, 0)))
        if state in ("sent", "sent_overdue"):
            sent_at = timezone.now() - datetime.timedelta(days=2 if state == "sent" else 12)
        referral = services.referral_send(actor=worker, intervention=intervention, response_days=5, at=sent_at)
        referrals += 1
        provider = _provider_actor(ctx, referral)
        if state in ("sent", "sent_overdue"):
            continue
        answered = sent_at + datetime.timedelta(days=rng.randint(1, 4), hours=2)
        if state == "declined":
            services.referral_decline(actor=provider, referral=referral, reason=DeclineReason.NO_CAPACITY,
                                      note="Operatori al completo fino al mese prossimo", at=answered)
            continue
        if state == "cancelled":
            services.referral_cancel(actor=worker, referral=referral, reason="La persona si è trasferita", at=answered)
            continue
        services.referral_accept(actor=provider, referral=referral, at=answered)
        if state == "accepted":
            continue
        first_day = answered.date() + datetime.timedelta(days=3)
        last_day = min(today - datetime.timedelta(days=1), end)
        if state == "completed":
            last_day = min(last_day, first_day + datetime.timedelta(days=120))
        operator = OPERATORS[index % len(OPERATORS)]
        delivery_type = {"school_integration": "school_assistance", "day_centre": "day_centre"}.get(
            service.service_type, "home_care_visit")
        rows = _week_rows(rng, first_day, last_day, operator, f"OP{index:02d}", delivery_type)
        if rows:
            deliveries += len(services.delivery_bulk_create(actor=provider, referral=referral, rows=rows))
        if state == "completed":
            services.referral_complete(
                actor=provider, referral=referral, outcome_note="Obiettivi raggiunti, la famiglia prosegue da sola",
                at=timezone.make_aware(datetime.datetime.combine(last_day, datetime.time(18, 0))))
        if (today - start).days > 200:
            plan.refresh_from_db()
            goals = list(plan.goals.all())
            services.care_plan_review(
                actor=worker, plan=plan, reviewed_on=start + datetime.timedelta(days=180),
                summary="Verifica semestrale in équipe con la famiglia e l'ente erogatore.",
                outcomes={goals[0].pk: {"outcome": rng.choice([GoalStatus.ACHIEVED, GoalStatus.PARTLY]),
                                        "value": str(rng.choice([55, 60, 65]))},
                          goals[1].pk: {"outcome": GoalStatus.OPEN, "value": "24"}},
                next_review_on=start + datetime.timedelta(days=360))
            reviews += 1
        if index % 3 == 0:
            services.case_note_add(actor=worker, person=person, care_plan=plan, referral=referral,
                                   visibility=NoteVisibility.PROVIDER,
                                   text="Suonare due volte: la signora sente poco. Chiavi dalla vicina al piano terra.")
            services.case_note_add(actor=worker, person=person, care_plan=plan, visibility=NoteVisibility.SOCIAL,
                                   text="Colloquio con la figlia: difficoltà economiche, valutare contributo.")
    budgets = _health_budgets(ctx, rng, today)
    discharges = _discharges(ctx, today) + _past_discharges(ctx, rng, today)
    ctx.say(f"{plans} care plans ({reviews} reviewed), {referrals} referrals, {deliveries} deliveries, "
            f"{budgets} Budget di salute, {discharges} protected discharges\n")


def _health_budgets(ctx, rng, today):
    persons = list(Person.objects.filter(ambito=ctx.ambito, residence_comune=ctx.comuni["monza"])
                   .exclude(care_plans__isnull=False).order_by("id")[:3])
    made = 0
    for index, person in enumerate(persons):
        worker = ctx.users["sw.monza"]
        start = today - datetime.timedelta(days=90 + 60 * index)
        budget = services.health_budget_create(
            actor=worker, person=person, title=["Abitare in autonomia", "Lavoro e relazioni", "Casa e comunità"][index],
            area=Area.MENTAL_HEALTH if index != 1 else Area.DISABILITY, start_date=start,
            end_date=start + datetime.timedelta(days=364))
        for role, name, org in [(TeamRole.ASL_SERVICE, "CPS Monza — dott.ssa Riva", "asst"),
                                (TeamRole.SOCIAL_WORKER, worker.get_full_name(), "comune_monza"),
                                (TeamRole.ETS, "Cooperativa Sociale Il Ponte", "coop_ponte"),
                                (TeamRole.PERSON, person.full_name, None)]:
            services.health_budget_member_add(actor=worker, budget=budget, role=role, name=name,
                                              organisation=ctx.organisations.get(org) if org else None)
        plan = [(BudgetAxis.HOME, Funder.ASL, "Educatore domiciliare", 6000), (BudgetAxis.HOME, Funder.COMUNE,
                                                                               "Contributo affitto", 2400),
                (BudgetAxis.WORK, Funder.ASL, "Tirocinio di inclusione (TIS)", 3600),
                (BudgetAxis.WORK, Funder.ETS, "Tutor aziendale", 1200),
                (BudgetAxis.SOCIAL, Funder.COMUNE, "Attività sportive e culturali", 900),
                (BudgetAxis.SOCIAL, Funder.PERSON, "Quota personale", 300)]
        for axis, funder, description, amount in plan:
            line = services.health_budget_line_add(actor=worker, budget=budget, axis=axis, funder=funder,
                                                   description=description, planned_amount=Decimal(amount))
            month = start
            while month < today:
                if rng.random() < 0.85:
                    services.health_budget_expense_add(
                        actor=worker, line=line, spent_on=month, amount=(Decimal(amount) / 12).quantize(
                            Decimal("0.01")), description=f"{description} — {month:%m/%Y}")
                month += datetime.timedelta(days=30)
        made += 1
    return made


def _discharges(ctx, today):
    persons = list(Person.objects.filter(ambito=ctx.ambito, residence_comune=ctx.comuni["monza"])
                   .exclude(care_plans__isnull=False).exclude(health_budgets__isnull=False).order_by("id")[:3])
    worker = ctx.users["sw.monza"]
    made = 0
    for index, person in enumerate(persons):
        planned = today + datetime.timedelta(days=[1, 6, -5][index])
        discharge = services.discharge_create(actor=worker, person=person, setting=DischargeSetting.HOSPITAL,
                                              facility="Ospedale San Gerardo — Ortopedia", planned_on=planned)
        sad = services.discharge_service_require(actor=worker, discharge=discharge, service=ctx.services["sad_monza"])
        adi = services.discharge_service_require(actor=worker, discharge=discharge, service=ctx.services["adi"])
        services.discharge_task_add(actor=worker, discharge=discharge, label="Letto articolato consegnato a casa",
                                    owner_organisation=ctx.organisations["asst"], owner_name="Ufficio protesi",
                                    due_on=planned - datetime.timedelta(days=1))
        services.discharge_task_add(actor=worker, discharge=discharge, label="Caregiver formato alla mobilizzazione",
                                    owner_organisation=ctx.organisations["coop_ponte"], due_on=planned)
        confirmed_at = timezone.now() if index != 2 else timezone.make_aware(
            datetime.datetime.combine(planned - datetime.timedelta(days=3), datetime.time(12, 0)))
        services.discharge_service_confirm(actor=worker, item=adi, at=confirmed_at)
        if index != 0:  # the first one, due tomorrow, still waits for the SAD: flagged
            services.discharge_service_confirm(actor=worker, item=sad, at=confirmed_at)
        if index == 2:  # its checklist is still open: the worker confirms the discharge anyway
            services.discharge_complete(actor=worker, discharge=discharge, completed_on=planned,
                                        confirm_incomplete=True)
        made += 1
    return made



# Share of past protected discharges whose services were all confirmed by the day, by year: the LEPS
# improves as the Ambito and the ASST work together (the indicator ``discharges_services_active``).
COVERAGE = {2021: 0.6, 2022: 0.7, 2023: 0.8, 2024: 0.85, 2025: 0.9, 2026: 0.92}
RESIDENTIAL = [(DischargeSetting.RSA, "RSA Villa dei Cedri, Monza"), (DischargeSetting.RSD, "RSD San Pietro, Monza"),
               (DischargeSetting.CSS, "CSS Il Girasole, Brugherio")]


def _past_discharges(ctx, rng, today):
    """Protected discharges of the years before: one for each request sent by the hospital more than a month
    ago (the person went home with SAD and ADI), and about one in six a person leaving a residential setting
    (RSA, RSD, CSS) with the same checklist."""
    from ambito.access.models import AccessRequest, Channel

    requests = (AccessRequest.objects.filter(person__ambito=ctx.ambito, channel=Channel.HOSPITAL_DISCHARGE,
                                             received_at__date__lt=today - datetime.timedelta(days=30))
                .exclude(person__discharges__isnull=False).select_related("person").order_by("received_at"))
    made = 0
    for number, request in enumerate(requests):
        person = request.person
        worker = _worker(ctx, person)
        planned = request.received_at.date() + datetime.timedelta(days=rng.randint(3, 10))
        residential = number % 6 == 5
        sad = ctx.services["sad_monza" if person.residence_comune_id == ctx.comuni["monza"].pk else "sad_brugherio"]
        setting, facility = RESIDENTIAL[number % 3] if residential else (
            DischargeSetting.HOSPITAL, "Ospedale San Gerardo — Medicina interna")
        discharge = services.discharge_create(actor=worker, person=person, setting=setting, facility=facility,
                                              planned_on=planned)
        items = [services.discharge_service_require(actor=worker, discharge=discharge, service=service)
                 for service in (sad, ctx.services["adi"])]
        on_time = rng.random() < COVERAGE.get(planned.year, 0.9)
        for position, item in enumerate(items):
            late = not on_time and position == 0
            services.discharge_service_confirm(actor=worker, item=item, at=timezone.make_aware(
                datetime.datetime.combine(planned + datetime.timedelta(days=4 if late else -1), datetime.time(12))))
        services.discharge_complete(actor=worker, discharge=discharge, completed_on=planned)
        made += 1
    return made
