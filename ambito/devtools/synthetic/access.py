"""PUA volumes: persons ≈ 6.5% of residents, 1.3 requests each with their status history, UVM assessments
for complex requests, waiting lists with entries waiting, admitted and removed."""

from datetime import UTC, date, datetime, timedelta

from ambito.access.models import (
    AccessRequest,
    Assessment,
    Person,
    RequestStatusChange,
    Scale,
    ScaleScore,
    WaitingList,
    WaitingListEntry,
)
from ambito.devtools.synthetic import as_json
from ambito.network.taxonomy import Area, ServiceType

PERSON_SHARE = 0.065
REQUESTS_PER_PERSON = 1.3
FIRST = ["Maria", "Giuseppe", "Anna", "Giovanni", "Rosa", "Luigi", "Angela", "Francesco", "Giuseppina", "Antonio",
         "Lucia", "Mario", "Teresa", "Carlo", "Franca", "Paolo", "Elena", "Roberto", "Laura", "Andrea"]
LAST = ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
        "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti"]
CHANNELS = ["pua_desk"] * 4 + ["gp"] * 2 + ["hospital_discharge"] * 2 + ["ets", "info_point", "phone", "online"]
AREAS = [Area.ELDERLY] * 5 + [Area.DISABILITY] * 2 + [Area.FAMILY_MINORS] * 2 + [Area.POVERTY, Area.MENTAL_HEALTH,
                                                                                  Area.MIGRANTS, Area.ADDICTIONS]
LISTED = [ServiceType.SAD, ServiceType.ADI, ServiceType.SCHOOL_INTEGRATION, ServiceType.DAY_CENTRE,
          ServiceType.RESIDENTIAL]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def fiscal_code_like(number: int) -> str:
    """A unique string in the shape of a codice fiscale (not a valid one: synthetic people only)."""
    letters = []
    for _ in range(6):
        number, rest = divmod(number, 26)
        letters.append(LETTERS[rest])
    return "".join(letters) + f"{number % 100:02d}A01Z{number % 1000:03d}X"


def _when(rng, start: datetime, days: int) -> datetime:
    return start + timedelta(days=rng.randint(0, days), hours=rng.randint(8, 17), minutes=rng.randint(0, 59))


def seed(gen):
    rng, scale = gen.rng, gen.scale
    start = datetime(scale.years_list[0], 1, 1, tzinfo=UTC)
    span_days = 365 * scale.years - 1
    comuni = gen.state["comuni"]
    n_persons = [max(1, int(residents * PERSON_SHARE)) for _, _, residents in comuni]
    person_ids = iter(gen.reserve_ids(Person, sum(n_persons)))
    persons = []  # (id, ambito_id, comune_id, birth_year, lives_alone)
    person_rows = []
    for (comune_id, ambito_id, _), count in zip(comuni, n_persons, strict=True):
        for _ in range(count):
            pk = next(person_ids)
            age = min(100, max(1, int(rng.triangular(1, 100, 82))))
            born = date(scale.end_year - age, rng.randint(1, 12), rng.randint(1, 28))
            lives_alone = age > 70 and rng.random() < 0.4
            persons.append((pk, ambito_id, comune_id, born.year, lives_alone))
            person_rows.append((pk, 1, ambito_id, fiscal_code_like(pk), rng.choice(FIRST), rng.choice(LAST), born,
                                rng.choice("FM"), comune_id, lives_alone))
    gen.load(Person, ["id", "version", "ambito_id", "fiscal_code", "first_name", "last_name", "birth_date", "sex",
                      "residence_comune_id", "lives_alone"], person_rows)
    del person_rows

    n_requests = int(len(persons) * REQUESTS_PER_PERSON)
    request_ids = iter(gen.reserve_ids(AccessRequest, n_requests))
    requests, request_rows, change_rows = [], [], []
    for index in range(n_requests):
        person = persons[index % len(persons)] if index < len(persons) else rng.choice(persons)
        pk = next(request_ids)
        received = _when(rng, start, span_days)
        area = rng.choice(AREAS)
        channel = rng.choice(CHANNELS)
        complex_need = channel == "hospital_discharge" or rng.random() < 0.35
        triaged = received + timedelta(hours=rng.randint(2, 96))
        assessment_at = triaged + timedelta(days=rng.randint(2, 20)) if complex_need else None
        outcome_at = (assessment_at or triaged) + timedelta(days=rng.randint(0, 10))
        closed = rng.random() < 0.5
        closed_at = outcome_at + timedelta(days=rng.randint(30, 200)) if closed else None
        outcome = "care_plan" if complex_need else rng.choice(["referred", "information"])
        status = "closed" if closed else outcome
        request_rows.append((pk, 1, person[1], person[0], person[2], channel, "Richiesta di supporto", area,
                             rng.randint(1, 4), status, "socio_health" if complex_need else "social",
                             "uvm" if complex_need else ("referral" if outcome == "referred" else "information"),
                             received, triaged, assessment_at, outcome_at, closed_at, received))
        history = [("", "received", received), ("received", "triaged", triaged)]
        if assessment_at:
            history.append(("triaged", "assessment", assessment_at))
        history.append((history[-1][1], outcome, outcome_at))
        if closed_at:
            history.append((outcome, "closed", closed_at))
        change_rows.extend((pk, a, b, at) for a, b, at in history)
        requests.append((pk, person, area, complex_need, assessment_at, outcome_at))
    gen.load(AccessRequest, ["id", "version", "ambito_id", "person_id", "comune_id", "channel", "need", "area",
                             "urgency", "status", "triage_kind", "triage_outcome", "received_at", "triaged_at",
                             "assessment_at", "outcome_at", "closed_at", "created_at"], request_rows)
    del request_rows
    change_ids = gen.reserve_ids(RequestStatusChange, len(change_rows))
    gen.load(RequestStatusChange, ["id", "request_id", "from_status", "to_status", "at"],
             ((i, *row) for i, row in zip(change_ids, change_rows, strict=True)))
    del change_rows

    barthel = Scale.objects.filter(code="barthel").first()
    assessed = [r for r in requests if r[3]]
    assessment_ids = iter(gen.reserve_ids(Assessment, len(assessed)))
    assessment_rows, score_rows, assessments = [], [], []
    for request_id, person, area, _, assessment_at, outcome_at in assessed:
        pk = next(assessment_ids)
        intensity = rng.randint(1, 4)
        assessment_rows.append((pk, request_id, person[0], "completed", assessment_at.date(), assessment_at.date(),
                                "socio_health", intensity, "care_plan", assessment_at))
        assessments.append((pk, request_id, person, area, intensity, outcome_at))
        if barthel is not None:
            score = rng.choice(range(0, 101, 5))
            score_rows.append((pk, barthel.pk, as_json({}), score, 100, 10, "", assessment_at))
    gen.load(Assessment, ["id", "request_id", "person_id", "status", "scheduled_for", "held_on", "need_profile",
                          "intensity", "decision", "completed_at"], assessment_rows)
    del assessment_rows
    if score_rows:
        score_ids = gen.reserve_ids(ScaleScore, len(score_rows))
        gen.load(ScaleScore, ["id", "assessment_id", "scale_id", "answers", "score", "max_score", "applicable_items",
                              "band", "scored_at"], ((i, *row) for i, row in zip(score_ids, score_rows, strict=True)))
    del score_rows

    services = gen.state["services"]
    lists = {}
    list_ids = iter(gen.reserve_ids(WaitingList, len(gen.state["ambito_ids"]) * len(LISTED)))
    list_rows = []
    for ambito_id in gen.state["ambito_ids"]:
        for service_type in LISTED:
            pk = next(list_ids)
            lists[(ambito_id, str(service_type))] = pk
            list_rows.append((pk, services[(ambito_id, str(service_type))], rng.randint(0, 5), True))
    gen.load(WaitingList, ["id", "service_id", "open_slots", "active"], list_rows)

    entry_rows, waiting = [], set()
    admitted = []  # (person tuple, service_type, admitted_at, request_id, assessment_id) for care
    for assessment_id, request_id, person, area, intensity, outcome_at in assessments:
        service_type = {Area.ELDERLY: rng.choice([ServiceType.SAD, ServiceType.ADI, ServiceType.RESIDENTIAL]),
                        Area.DISABILITY: rng.choice([ServiceType.SCHOOL_INTEGRATION, ServiceType.DAY_CENTRE])
                        }.get(area, ServiceType.SAD)
        entered = outcome_at
        roll = rng.random()
        status, admitted_at, removed_at = "waiting", None, None
        if roll < 0.7:
            status, admitted_at = "admitted", entered + timedelta(days=int(rng.gammavariate(2.0, 15)))
        elif roll < 0.8 or (person[0], service_type) in waiting:  # one waiting entry per person and list
            status, removed_at = "removed", entered + timedelta(days=rng.randint(5, 120))
        else:
            waiting.add((person[0], service_type))
        score = intensity * 10 + (15 if person[4] else 0) + rng.randint(0, 20)
        entry_rows.append((lists[(person[1], str(service_type))], person[0], request_id, assessment_id, status, entered,
                           intensity, person[4], score, admitted_at, removed_at,
                           "Rinuncia della persona" if removed_at else ""))
        if admitted_at:
            admitted.append((person, service_type, admitted_at, request_id, assessment_id))
    entry_ids = gen.reserve_ids(WaitingListEntry, len(entry_rows))
    gen.load(WaitingListEntry, ["id", "waiting_list_id", "person_id", "request_id", "assessment_id", "status",
                                "entered_at", "uvm_intensity", "lives_alone", "priority_score", "admitted_at",
                                "removed_at", "removal_reason"],
             ((i, *row) for i, row in zip(entry_ids, entry_rows, strict=True)))
    gen.state["admitted"] = admitted
    gen.state["persons_count"] = len(persons)
