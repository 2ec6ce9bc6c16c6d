"""`make bench` times every monitoring indicator against a hand-written SQL twin: none may be left without
one, and the check that both agree must catch a wrong value or a wrong person count."""

from decimal import Decimal

from ambito.devtools.bench_indicators import TWINS, same
from ambito.monitoring.indicators import definitions


def test_every_registered_indicator_has_exactly_one_twin():
    codes = [twin.code for twin in TWINS]
    assert len(codes) == len(set(codes))
    assert set(codes) == {spec.code for spec in definitions()}


def test_every_twin_asks_for_a_breakdown_its_indicator_has():
    specs = {spec.code: spec for spec in definitions()}
    for twin in TWINS:
        assert twin.by is None or twin.by in specs[twin.code].breakdowns, twin.code


def test_values_agree_to_the_precision_the_app_shows():
    app = {"001001": (Decimal("21.48"), 661), "001002": (None, 0)}
    assert same(app, {"001001": (21.4849, 661), "001002": (None, 0)})
    assert same(app, {"001001": (21.475, 661), "001002": (None, 0)})
    assert not same(app, {"001001": (21.4951, 661), "001002": (None, 0)})


def test_a_different_person_count_a_missing_key_or_no_data_against_zero_disagree():
    app = {"total": (Decimal("52.0"), 1967)}
    assert not same(app, {"total": (52.0, 1966)})
    assert same(app, {"total": (52.0, None)})  # a twin that does not count persons
    assert not same(app, {"total": (52.0, 1967), "other": (1.0, 1)})
    assert not same({"total": (None, 0)}, {"total": (0.0, 0)})
