"""Demo data for the SIUSS flows (#17), loaded by ``monitoring.demo``: the Comuni's and the Ambito's codici
fiscali, the default SINA mapping, the SIUSS data of persons and benefits as the social workers would have
recorded them, a few minors taken in charge with their SINBA cards; and, on purpose, a handful of records
left incomplete so that the pre-flight report has something to show.

Codici fiscali of the bodies are demo numbers with a valid check digit (not the real ones)."""

import datetime
import random
from decimal import Decimal

from codicefiscale import codicefiscale
from django.utils import timezone

# Demo unit costs (EUR per hour of home or educational care): what the budget's unit costs give the monthly
# amount of a service that is not an economic benefit.
HOURLY_COST = Decimal("22.50")
WEEKS_A_MONTH = Decimal("4.33")
CITIZENSHIPS = ["100"] * 8 + ["235", "201", "436", "243"]
MINORS = [  # comune, first, last, sex, age, family, living place, school, child reason, family reason, source
    ("monza", "Luca", "Brambilla", "M", 9, ["1", "2", "3"], "1", "5", "2", "2", "13"),
    ("monza", "Giulia", "Sala", "F", 14, ["1"], "1", "6", "13", "12", "13"),
    ("brugherio", "Omar", "Haddad", "M", 6, ["1", "2"], "1", "4", "9", "13", "3"),
    ("villasanta", "Aurora", "Galli", "F", 11, ["1", "2", "3"], "1", "5", "2", "2", "13"),
    ("monza", "Sofia", "Riva", "F", 16, ["1", "4"], "2", "7", "2", "6", "11"),
]
# Who works each Comune's cases in the demo (Villasanta: the district operator, as in the access demo).
WORKERS = {"monza": "sw.monza", "brugherio": "sw.brugherio", "villasanta": "asl.operator"}


def _body_code(prefix: str) -> str:
    digits = [int(c) for c in prefix]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
    return prefix + str((10 - total % 10) % 10)


def load(ctx):
    from ambito.monitoring.siuss.models import SinaRecord
    from ambito.monitoring.siuss.services import sina_rules_ensure_defaults

    if not ctx.comuni or SinaRecord.objects.filter(assessment__person__ambito=ctx.ambito).exists():
        return
    rng = random.Random(20261703)
    for index, key in enumerate(sorted(ctx.comuni)):
        comune = ctx.comuni[key]
        if not comune.fiscal_code:
            comune.fiscal_code = _body_code(f"0203088{index:03d}")
            comune.save(update_fields=["fiscal_code"])
    if not ctx.ambito.fiscal_code:
        ctx.ambito.fiscal_code = ctx.comuni["monza"].fiscal_code if "monza" in ctx.comuni else _body_code("0203088999")
        ctx.ambito.save(update_fields=["fiscal_code"])
    sina_rules_ensure_defaults(ambito=ctx.ambito)
    minors = _minors(ctx, rng)
    assessed = _assessed_in_villasanta(ctx, rng)
    persons, benefits, sina = _complete(ctx, rng, keep_complete=assessed)
    ctx.say(f"SIUSS: {persons} persons and {benefits} benefits with their SIUSS data, {sina} SINA records, "
            f"{minors} minors with SINBA cards; a few left incomplete for the pre-flight report\n")


def _complete(ctx, rng, keep_complete=frozenset()):
    """Fill what the social workers record during the work; leave the first record of some kinds empty (never
    for the persons in ``keep_complete``)."""
    from ambito.access.models import Assessment, AssessmentStatus, Person
    from ambito.care.models import Delivery, MeansTest, PlannedIntervention
    from ambito.monitoring.siuss.models import SinaRecord

    year = timezone.localdate().year
    persons = list(Person.objects.filter(ambito=ctx.ambito, citizenship="").order_by("pk"))
    # The Monza benefits of the year paid by the Comune: the first person waits for the citizenship, the
    # second benefit for its request protocol, the first means-tested one for its DSU.
    delivered = list(Delivery.objects.filter(comune=ctx.comuni.get("monza"), delivered_on__year=year,
                                             referral__intervention__payer="comune")
                     .values_list("person_id", "referral__intervention_id").distinct().order_by("person_id"))
    skipped_citizenship = {delivered[0][0]} if delivered else set()
    skip_protocol = {delivered[1][1]} if len(delivered) > 1 else set()
    for person in persons:
        person.citizenship = "" if person.pk in skipped_citizenship else rng.choice(CITIZENSHIPS)
        if person.fiscal_code and len(person.fiscal_code) == 16:
            person.birthplace_code = person.fiscal_code[11:15].upper()
        person.save(update_fields=["citizenship", "birthplace_code"])
    interventions = list(PlannedIntervention.objects.filter(care_plan__ambito=ctx.ambito)
                         .select_related("service", "care_plan").order_by("pk"))
    delivered_ids = {i for _p, i in delivered}
    skip_dsu = set()
    for intervention in interventions:
        service = intervention.service
        means_tested = service.isee_max is not None or service.fee == "income_based"
        intervention.request_protocol = "" if intervention.pk in skip_protocol else \
            f"PUA/{intervention.start_date.year}/{intervention.care_plan_id:06d}"
        intervention.means_test = MeansTest.ISEE if means_tested else MeansTest.NONE
        if (means_tested and not skip_dsu and intervention.pk in delivered_ids and intervention.pk not in skip_protocol
                and intervention.care_plan.person_id not in skipped_citizenship):  # one missing datum per record
            skip_dsu.add(intervention.pk)  # the first means-tested benefit waits for its DSU
        elif means_tested:
            intervention.dsu_protocol = f"INPS-ISEE-{year}-{rng.randint(10_000_000, 99_999_999)}A-00"
            intervention.dsu_date = datetime.date(year, 1, rng.randint(10, 31))
        if intervention.intensity_unit == "eur_month":
            intervention.monthly_amount = intervention.intensity
        elif intervention.intensity_unit == "hours_week":
            intervention.monthly_amount = (intervention.intensity * WEEKS_A_MONTH * HOURLY_COST).quantize(
                Decimal("0.01"))
        elif intervention.intensity_unit == "hours_month":
            intervention.monthly_amount = (intervention.intensity * HOURLY_COST).quantize(Decimal("0.01"))
        else:
            intervention.monthly_amount = Decimal(rng.choice(["650.00", "820.00", "1100.00"]))
        intervention.save(update_fields=["request_protocol", "means_test", "dsu_protocol", "dsu_date",
                                         "monthly_amount"])
    assessments = list(Assessment.objects.filter(person__ambito=ctx.ambito, status=AssessmentStatus.COMPLETED,
                                                 request__area__in=["disabili", "anziani"]).order_by("pk"))
    made = 0
    benefited = set(Delivery.objects.filter(delivered_on__year=year, referral__intervention__payer="comune")
                    .values_list("person_id", flat=True))
    waiting = next((a.pk for a in assessments if a.person_id in benefited and a.person_id not in keep_complete),
                   None)
    for assessment in assessments:
        if assessment.pk == waiting:
            continue  # the UVM has not yet recorded behaviour, health care and invalidity for this one
        SinaRecord.objects.create(
            assessment=assessment,
            values={"DisturbiComportamentali": rng.choice("112"), "NecessitaCureSanitarie": rng.choice("123"),
                    "AreaReddituale": rng.choice("1123"), "AreaSupporto": rng.choice("123")},
            invalidity=[rng.choice(["1", "2", "3", "6"])], invalidity_source="1")
        made += 1
    return len(persons), len(interventions), made


def _minors(ctx, rng):
    """Minors taken in charge by the family and minors service, with their family and reasons; the last one's
    SINBA card is not yet filled in."""
    from ambito.access import services as access
    from ambito.access.models import Channel, Person, TriageKind, TriageOutcome
    from ambito.care import services as care
    from ambito.care.demo import _week_rows
    from ambito.care.models import IntensityUnit, MeansTest, Payer
    from ambito.monitoring.siuss.models import SinbaRecord

    service = ctx.services.get("adm_minori")
    if service is None:
        return 0
    today = timezone.localdate()
    start = datetime.date(today.year, 1, 15)
    made = 0
    for index, (key, first, last, sex, age, family, living, school, child, fam, source) in enumerate(MINORS):
        comune = ctx.comuni.get(key)
        if comune is None:
            continue
        worker = ctx.users[WORKERS[key]]
        birth = datetime.date(today.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))
        code = codicefiscale.encode(lastname=last, firstname=first, gender=sex, birthdate=birth.strftime("%d/%m/%Y"),
                                    birthplace="Monza")
        if Person.objects.filter(fiscal_code=code).exists():
            continue
        person = access.person_create(actor=worker, confirm_homonym=True, confirm_birthplace=True, first_name=first,
                                      last_name=last, birth_date=birth, sex=sex, residence_comune=comune,
                                      fiscal_code=code, address=f"Via Italia {10 + index}")
        Person.objects.filter(pk=person.pk).update(citizenship="100" if index != 2 else "436",
                                                   birthplace_code=code[11:15])
        received = timezone.make_aware(datetime.datetime.combine(start - datetime.timedelta(days=40),
                                                                 datetime.time(10)))
        request = access.request_create(actor=worker, person=person, channel=Channel.PUA_DESK, area="famiglia_minori",
                                        need="Segnalazione della scuola: difficoltà educative in famiglia",
                                        at=received)
        access.request_triage(actor=worker, request=request, screening=None, triage_kind=TriageKind.SOCIAL,
                              outcome=TriageOutcome.REFERRAL, at=received + datetime.timedelta(days=2))
        plan = care.care_plan_create(actor=worker, person=person, request=request, title="Progetto educativo",
                                     area="famiglia_minori", start_date=start, case_manager=worker,
                                     end_date=start + datetime.timedelta(days=364),
                                     summary="Presa in carico del nucleo: sostegno educativo al minore.")
        intervention = care.intervention_add(
            actor=worker, plan=plan, service=service, description="Educativa domiciliare: 4 ore settimanali",
            intensity=Decimal("4"), intensity_unit=IntensityUnit.HOURS_WEEK, start_date=start,
            end_date=start + datetime.timedelta(days=364), payer=Payer.COMUNE)
        type(intervention).objects.filter(pk=intervention.pk).update(
            request_protocol=f"PUA/{today.year}/M{index:04d}", means_test=MeansTest.NONE,
            monthly_amount=(Decimal("4") * WEEKS_A_MONTH * HOURLY_COST).quantize(Decimal("0.01")))
        care.goal_add(actor=worker, plan=plan, description="Sostenere il percorso scolastico e le relazioni",
                      indicator="Frequenza scolastica", baseline="70%", target="≥ 90%",
                      review_on=start + datetime.timedelta(days=180))
        care.care_plan_sign(actor=worker, plan=plan, signed_on=start, signed_by=f"Genitori di {first}")
        sent = timezone.make_aware(datetime.datetime.combine(start, datetime.time(9)))
        referral = care.referral_send(actor=worker, intervention=intervention, at=sent)
        care.referral_accept(actor=ctx.users["ets.operator"], referral=referral,
                             at=sent + datetime.timedelta(days=1))
        rows = _week_rows(rng, start + datetime.timedelta(days=3), min(today - datetime.timedelta(days=1),
                                                                       start + datetime.timedelta(days=300)),
                          "Educatrice Marta", f"ED{index:02d}", "educational_session", days=(1, 3))
        if rows:
            care.delivery_bulk_create(actor=ctx.users["ets.operator"], referral=referral, rows=rows)
        if index < len(MINORS) - 1:
            SinbaRecord.objects.create(
                person=person, unaccompanied_foreign="2", child_condition="1", living_place=living, school=school,
                work_condition="1", disability="1" if child == "9" else "2", family=family,
                first_report_on=received.date(), report_source=source, child_assessment=child,
                family_assessment=fam, judicial_report="1" if source == "11" else "2",
                judicial_measure="1" if source == "11" else "2",
                father_citizenship="100" if "2" in family else "", mother_citizenship="100" if index != 2 else "436")
        made += 1
    return made


def _assessed_in_villasanta(ctx, rng):
    """The demo's Villasanta benefits of past years are over: one person the UVM assessed (disability or
    elderly) gets home care paid by the Comune this year, so Villasanta has PS-PSA and SINA records too.
    Returns the ids of the persons taken in charge."""
    from ambito.access.models import Assessment, AssessmentStatus
    from ambito.care import services as care
    from ambito.care.demo import _provider_actor, _week_rows
    from ambito.care.models import IntensityUnit, Payer

    comune, service = ctx.comuni.get("villasanta"), ctx.services.get("sad_brugherio")
    if comune is None or service is None or "asl.operator" not in ctx.users:
        return set()
    today = timezone.localdate()
    start = datetime.date(today.year, 1, 20)
    assessment = (Assessment.objects.filter(person__residence_comune=comune, status=AssessmentStatus.COMPLETED,
                                            request__area__in=["disabili", "anziani"], held_on__lt=start)
                  .exclude(person__fiscal_code="").select_related("person", "request").order_by("pk").first())
    if assessment is None:
        return set()
    worker, person = ctx.users["asl.operator"], assessment.person
    plan = care.care_plan_create(actor=worker, person=person, request=assessment.request, title="PAI domiciliare",
                                 area=assessment.request.area, start_date=start, case_manager=worker,
                                 end_date=start + datetime.timedelta(days=364),
                                 summary="Rivalutazione UVM: ripresa dell'assistenza domiciliare.")
    intervention = care.intervention_add(
        actor=worker, plan=plan, service=service, description=f"{service.name}: 3 accessi settimanali di 2 ore",
        intensity=Decimal("6"), intensity_unit=IntensityUnit.HOURS_WEEK, start_date=start,
        end_date=start + datetime.timedelta(days=364), payer=Payer.COMUNE)
    care.goal_add(actor=worker, plan=plan, description="Mantenere la permanenza al domicilio in sicurezza",
                  indicator="Indice di Barthel", baseline="45", target="≥ 60",
                  review_on=start + datetime.timedelta(days=180))
    care.care_plan_sign(actor=worker, plan=plan, signed_on=start, signed_by=person.full_name)
    sent = timezone.make_aware(datetime.datetime.combine(start, datetime.time(9)))
    referral = care.referral_send(actor=worker, intervention=intervention, at=sent)
    provider = _provider_actor(ctx, referral)
    care.referral_accept(actor=provider, referral=referral, at=sent + datetime.timedelta(days=1))
    rows = _week_rows(rng, start + datetime.timedelta(days=3), today - datetime.timedelta(days=1),
                      "Operatrice Laura", "OSV01", "home_care_visit")
    if rows:
        care.delivery_bulk_create(actor=provider, referral=referral, rows=rows)
    return {person.pk}
