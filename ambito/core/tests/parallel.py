"""Parallel requests against a live server: N threads, each with its own HTTP session and API token, released
at the same instant by a barrier. Used by the concurrency tests of the apps (PostgreSQL only)."""

import threading
from dataclasses import dataclass, field

import requests

from ambito.core.tests.vendor import postgresql_only

requires_postgresql = postgresql_only(
    "parallel requests need row locks (SELECT … FOR UPDATE) and concurrent writers; SQLite serialises every "
    "write on the database file")

THREADS = 8


def api_session(live_server, user) -> requests.Session:
    """A session signed in to the API with the user's token (``Authorization: Token …``), in Italian."""
    from ambito.accounts.services import api_token_issue

    key, _expiry = api_token_issue(user=user)
    session = requests.Session()
    session.headers.update({"Authorization": f"Token {key}", "Accept-Language": "it"})
    session.base_url = live_server.url
    return session


def colleagues(demo, like: str, count: int) -> list:
    """The demo persona ``like`` and ``count - 1`` new users with the same role in the same organisation."""
    from django.contrib.auth import get_user_model

    from ambito.accounts.models import Membership

    first = demo.users[like]
    membership = Membership.objects.filter(user=first, active=True).first()
    users = [first]
    for n in range(1, count):
        user = get_user_model().objects.create_user(username=f"{like}.{n}", first_name="Collega", last_name=str(n))
        Membership.objects.create(user=user, organisation=membership.organisation, role=membership.role)
        users.append(user)
    return users


@dataclass
class Outcome:
    index: int
    status: int
    body: dict = field(default_factory=dict)


def fire(sessions: list[requests.Session], method: str, url: str, payloads: list[dict | None]) -> list[Outcome]:
    """Send one request per session, all released together; return every answer (status and JSON body)."""
    barrier = threading.Barrier(len(sessions))
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def send(index, session, payload):
        barrier.wait(timeout=30)
        try:
            response = session.request(method, session.base_url + url, json=payload, timeout=60)
            body = response.json() if response.headers.get("Content-Type", "").startswith("application/json") \
                else {"text": response.text[:500]}
            outcome = Outcome(index, response.status_code, body)
        except requests.RequestException as exc:  # a dropped request must fail the trial, not hang it
            outcome = Outcome(index, 0, {"error": str(exc)})
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=send, args=(i, s, p)) for i, (s, p) in enumerate(zip(sessions, payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == len(sessions), "a request thread did not finish"
    return sorted(outcomes, key=lambda o: o.index)


def summary(name: str, trials: list[dict]) -> str:
    """One line per scenario for the test log: trials run and what the parallel requests got."""
    totals: dict = {}
    for trial in trials:
        for key, value in trial.items():
            totals[key] = totals.get(key, 0) + value
    line = f"[concurrency] {name}: {len(trials)} trials × {THREADS} parallel requests → " + ", ".join(
        f"{key}={value}" for key, value in sorted(totals.items()))
    print(line)
    return line


def one_winner(outcomes: list[Outcome], payloads: list[dict]) -> tuple[dict, list[Outcome]]:
    """Parallel edits of one version: exactly one 200, every other one told 409. Returns the winner's
    payload and the refused outcomes."""
    won = [o for o in outcomes if o.status == 200]
    lost = [o for o in outcomes if o.status != 200]
    assert len(won) == 1, [(o.status, o.body) for o in outcomes]
    assert {o.status for o in lost} == {409}, [(o.status, o.body) for o in lost]
    return payloads[won[0].index], lost
