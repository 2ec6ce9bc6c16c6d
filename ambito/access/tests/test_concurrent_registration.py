"""Ten people registering one person, or enrolling one person on one list, at the same instant (threads with
their own HTTP sessions and database connections on a live server, PostgreSQL): one record, every other request
told why with a 409 — never a duplicate, never a 500."""

import pytest
from django.utils import translation

from ambito.access import services
from ambito.access.models import Person, WaitingListEntry
from ambito.access.tests.factories import make_person, person_fields
from ambito.core.tests.parallel import api_session, colleagues, fire, requires_postgresql

pytestmark = [pytest.mark.django_db(transaction=True), requires_postgresql]

PARALLEL = 10
TRIALS = 3


def _tally(outcomes) -> dict:
    tally: dict = {}
    for outcome in outcomes:
        key = f"{outcome.status}" + (f" {outcome.body.get('code')}" if outcome.status == 409 else "")
        tally[key] = tally.get(key, 0) + 1
    return tally


def _report(name: str, trials: list[dict]) -> None:
    totals: dict = {}
    for trial in trials:
        for key, value in trial.items():
            totals[key] = totals.get(key, 0) + value
    print(f"[concurrency] {name}: {len(trials)} trials × {PARALLEL} parallel requests → "
          + ", ".join(f"{key}={value}" for key, value in sorted(totals.items())))


def _one_created(outcomes, code: str) -> dict:
    created = [o for o in outcomes if o.status == 201]
    refused = [o for o in outcomes if o.status != 201]
    assert len(created) == 1, [(o.status, o.body) for o in outcomes]
    assert {o.status for o in refused} == {409}, [(o.status, o.body) for o in refused]
    assert {o.body["code"] for o in refused} == {code}, [o.body for o in refused]
    return created[0].body


@pytest.mark.parametrize("with_code", [False, True], ids=["names and birth date", "codice fiscale"])
def test_ten_concurrent_registrations_of_one_person_make_one_record(demo_with, live_server, with_code):
    ctx = demo_with("network")
    sessions = [api_session(live_server, user) for user in colleagues(ctx, "sw.monza", PARALLEL)]
    code = "duplicate_fiscal_code" if with_code else "possible_duplicate"
    trials = []
    for _trial in range(TRIALS):
        fields = person_fields(ctx.comuni["monza"]) | ({} if with_code else {"fiscal_code": ""})
        body = {**fields, "residence_comune": fields["residence_comune"].istat_code,
                "birth_date": fields["birth_date"].isoformat()}

        outcomes = fire(sessions, "POST", "/api/v1/persons/", [body] * PARALLEL)

        trials.append(_tally(outcomes))
        winner = _one_created(outcomes, code)
        same = Person.objects.filter(last_name=fields["last_name"], first_name=fields["first_name"],
                                     birth_date=fields["birth_date"])
        assert list(same.values_list("pk", flat=True)) == [winner["id"]]
        for outcome in outcomes:  # every refusal names the record made, for the colleague to open
            assert outcome.status == 201 or winner["pseudonym"] in str(outcome.body)
    _report(f"person registration by {'codice fiscale' if with_code else 'names and birth date'}", trials)


def test_ten_concurrent_enrolments_of_one_person_make_one_entry(demo_with, live_server):
    ctx = demo_with("network")
    sw = ctx.users["sw.monza"]
    sessions = [api_session(live_server, user) for user in colleagues(ctx, "sw.monza", PARALLEL)]
    waiting_list = services.waiting_list_ensure(service=ctx.services["sad_monza"], open_slots=0)
    with translation.override("it"):
        already = translation.gettext("This person is already waiting on this list.")
    trials = []
    for _trial in range(TRIALS):
        person = make_person(sw, ctx.comuni["monza"])

        outcomes = fire(sessions, "POST", f"/api/v1/waiting-lists/{waiting_list.pk}/entries/",
                        [{"person": person.pk}] * PARALLEL)

        trials.append(_tally(outcomes))
        winner = _one_created(outcomes, "duplicate_entry")
        assert all(o.body["detail"] == [already] for o in outcomes if o.status == 409)
        assert list(WaitingListEntry.objects.filter(person=person).values_list("pk", flat=True)) == [winner["id"]]
    _report("waiting-list enrolment", trials)
