"""The indicator SQL is compiled once per shape of query and reused with each query's own values
(``common.rows``): a reused statement must give exactly what a fresh compile gives, for every indicator
and breakdown, and a reused call must not run more queries than the value needs.

Data: the test Ambito's population (Alfa and Beta) plus referrals, deliveries and discharges in both
Comuni and in both periods compared; read by a social worker of the planning office (a case role over
both Comuni, so no cell is suppressed)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections

from ambito.accounts.models import Membership
from ambito.accounts.roles import Role
from ambito.monitoring.indicators import Breakdown, Period, common, compute, definitions
from ambito.monitoring.tests import factories
from ambito.monitoring.tests.factories import at

YEAR = Period.year(2025)
SPRING = Period.of(dt.date(2025, 3, 1), dt.date(2025, 4, 30))


def _clear_cache():
    connections[DEFAULT_DB_ALIAS].__dict__.pop("_ambito_indicator_sql", None)


@pytest.fixture
def data(world):
    s1 = factories.service(world, "s1", target_wait_days=30, leps=["pua"])
    for comune in ("a", "b"):
        for day, answered in ((3, 1), (20, 4), (40, None)):
            ref = factories.referral(world, s1, comune=comune, answered_after_days=answered)
            factories.delivery(world, ref, on=dt.date(2025, 3, 1) + dt.timedelta(days=day), hours=Decimal("2"))
    factories.discharge(world, s1, completed_on=dt.date(2025, 3, 2), confirmations=[at(2025, 3, 1, 9)])
    factories.discharge(world, s1, completed_on=dt.date(2025, 4, 2), confirmations=[None])
    world.users["t.case"] = get_user_model().objects.create(username="t.case")
    Membership.objects.create(user=world.users["t.case"], organisation=world.orgs["udp"], role=Role.SOCIAL_WORKER)
    _clear_cache()
    yield world
    _clear_cache()


def _shapes():
    """(code, breakdown) for every registered indicator and each of its breakdowns, and its total."""
    return [(spec.code, by) for spec in definitions() for by in (None, *spec.breakdowns)]


def test_a_reused_statement_gives_what_a_fresh_compile_gives(data):
    actor = data.users["t.case"]
    alfa, beta = data.comuni["a"].pk, data.comuni["b"].pk
    checked = 0
    for code, by in _shapes():
        # fill the cache with one query, then ask another of the same shape (one Comune, another period)
        compute(code, actor=actor, period=YEAR, by=by, comune_ids=[alfa])
        reused = compute(code, actor=actor, period=SPRING, by=by, comune_ids=[beta]).cells
        _clear_cache()
        fresh = compute(code, actor=actor, period=SPRING, by=by, comune_ids=[beta]).cells
        assert reused == fresh, (code, by)
        checked += 1
    assert checked >= 60


def test_every_indicator_statement_is_reusable(data):
    """No shape falls back to compiling on every call: the stand-in values are all recognised."""
    actor = data.users["t.case"]
    for code, by in _shapes():
        compute(code, actor=actor, period=YEAR, by=by)
    cache = connections[DEFAULT_DB_ALIAS].__dict__["_ambito_indicator_sql"]
    assert len(cache) >= 60
    unusable = [shape for shape, entry in cache.items() if entry is common._UNCACHEABLE]
    assert unusable == []


def test_a_service_filter_is_a_shape_of_its_own(data):
    actor = data.users["t.case"]
    s1 = data.services["s1"]
    other = factories.service(data, "s2", comuni=("a",))
    ref = factories.referral(data, other, answered_after_days=2)
    factories.delivery(data, ref, on=dt.date(2025, 3, 5), hours=Decimal("7"))
    total = compute("hours_delivered", actor=actor, period=YEAR).total.value
    first = compute("hours_delivered", actor=actor, period=YEAR, service_id=s1.pk).total.value
    second = compute("hours_delivered", actor=actor, period=YEAR, service_id=other.pk).total.value
    assert (total, first, second) == (Decimal("19.0"), Decimal("12.0"), Decimal("7.0"))


def test_a_reused_call_runs_only_the_value_query(data, django_assert_num_queries):
    actor = data.users["t.case"]
    compute("discharges_services_active", actor=actor, period=YEAR, by=Breakdown.COMUNE)
    # the Comune's name comes with the value: no label query
    with django_assert_num_queries(1):
        result = compute("discharges_services_active", actor=actor, period=SPRING, by=Breakdown.COMUNE)
    assert [(c.key, c.label, c.value) for c in result.cells] == [("999001", "Alfa", Decimal("50.0"))]


def test_service_and_provider_breakdowns_are_named_in_the_value_query(data, django_assert_num_queries):
    actor = data.users["t.case"]
    s1 = data.services["s1"]
    for code in ("hours_delivered", "referral_response_days_median"):  # a sum and a percentile
        for by, name in ((Breakdown.SERVICE, "Servizio s1"), (Breakdown.PROVIDER, "Coop Prova")):
            compute(code, actor=actor, period=YEAR, by=by)
            with django_assert_num_queries(2 if by == Breakdown.SERVICE else 1):  # + plan links by service
                cells = compute(code, actor=actor, period=YEAR, by=by).cells
            key = str(s1.pk if by == Breakdown.SERVICE else s1.provider_id)
            assert [(c.key, c.label) for c in cells] == [(key, name)], (code, by)
