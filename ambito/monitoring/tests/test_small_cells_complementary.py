"""Complementary (secondary) suppression: no total minus the cells shown gives a withheld cell back.

The attack of the issue: the Ambito has three Comuni; requests for the *disabili* area come from 5 persons
in Alfa, 8 in Beta and 2 in Gamma (one request each), 15 in all. Before, the regional observer read 15 for
the area and, broken down by Comune, Alfa 5, Beta 8, Gamma "< 5": so Gamma is 2. Now Alfa (the smallest
non-zero cell shown) is withheld with Gamma, and the total (15) still shows."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from hypothesis import given, settings
from hypothesis import strategies as st

from ambito.accounts.models import Membership
from ambito.accounts.roles import Role
from ambito.monitoring.indicators import Period, compute, definition, suppression_pattern
from ambito.monitoring.tests import factories
from ambito.monitoring.tests.factories import at
from ambito.territory.models import Comune

YEAR = Period.year(2025)
THRESHOLD = 5


@pytest.fixture
def api_as(client):
    def sign_in(user):
        client.logout()
        client.force_login(user)
        return client

    return sign_in


def _requests(world, comune, persons, *, area="disabili", sex="F", birth=dt.date(1950, 1, 1), month=3):
    from ambito.access.models import AccessRequest

    for _ in range(persons):
        person = factories.person(world, comune, sex, birth)
        AccessRequest.objects.create(ambito=world.ambito, person=person, comune=world.comuni[comune],
                                     channel="pua_desk", need="Sostegno", area=area,
                                     received_at=at(2025, month, 10))


@pytest.fixture
def three(world):
    """The issue's Ambito: Alfa 5 persons, Beta 8, Gamma 2 (disabili); a case worker of the whole Ambito
    who reads the true values."""
    world.comuni["c"] = Comune.objects.create(istat_code="999003", name="Gamma", province="Prova",
                                              province_code="PR", region="Test", belfiore_code="Z903",
                                              ambito=world.ambito)
    _requests(world, "a", 5)
    _requests(world, "b", 8, sex="M", month=4)
    _requests(world, "c", 2, birth=dt.date(2012, 5, 1))
    world.users["t.case"] = get_user_model().objects.create(username="t.case")
    Membership.objects.create(user=world.users["t.case"], organisation=world.orgs["udp"], role=Role.SOCIAL_WORKER)
    return world


def _values(result):
    return {cell.key: cell.value for cell in result.cells}


def test_the_attack_of_the_issue_no_longer_gives_the_small_comune_away(three, api_as):
    client = api_as(three.users["t.observer"])
    base = "/api/v1/indicators/requests_received/values/?from=2025-01-01&to=2025-12-31&area=disabili"
    total = client.get(base).json()["values"]
    by_comune = {v["key"]: v["value"] for v in client.get(base + "&by=comune").json()["values"]}
    assert total == [{"key": "total", "value": "15", "target": None}]  # the Ambito's figure still shows
    # Alfa hidden with Gamma: 15 − 8 now gives Alfa and Gamma together (7), neither alone
    assert by_comune == {"999001": None, "999002": "8", "999003": None}


def test_the_complementary_cell_is_told_apart_from_the_small_one(three):
    cells = {c.key: c for c in compute("requests_received", actor=three.users["t.observer"], period=YEAR,
                                       by="comune", area="disabili").cells}
    assert cells["999003"].suppressed and not cells["999003"].complementary  # 2 persons
    assert cells["999001"].suppressed and cells["999001"].complementary  # 5 persons, hidden to protect Gamma
    assert not cells["999002"].suppressed


def _reachable(world):
    """(by, area) of every breakdown of requests_received, with and without the area filter."""
    spec = definition("requests_received")
    return [(by, area) for by in spec.breakdowns for area in (None, "disabili")]


@pytest.mark.parametrize("who", ["t.observer", "t.planner", "public"])
def test_no_breakdown_reachable_leaves_a_single_hidden_cell(three, who):
    actor = three.users["t.observer" if who == "public" else who]
    truth_actor = three.users["t.case"]
    for by, area in _reachable(three):
        shown = compute("requests_received", actor=actor, period=YEAR, by=by, area=area, public=who == "public")
        truth = _values(compute("requests_received", actor=truth_actor, period=YEAR, by=by, area=area))
        total = compute("requests_received", actor=actor, period=YEAR, area=area, public=who == "public").total
        hidden = [cell.key for cell in shown.cells if cell.suppressed and truth[cell.key]]
        assert len(hidden) != 1, (by, area, hidden)
        if total.value is not None:
            rest = total.value - sum(cell.value for cell in shown.cells if cell.value is not None)
            if len(hidden) < 2:
                assert all(rest != truth[key] for key in hidden), (by, area)


def test_a_comune_dashboard_follows_the_pattern_of_its_ambito(three, client):
    """Alfa's own total (5) would give Gamma back as 15 − 8 − 5: it is withheld like Alfa's cell."""
    observer = three.users["t.observer"]
    totals = {key: compute("requests_received", actor=observer, period=YEAR, area="disabili",
                           comune_ids=[three.comuni[key].pk]).total for key in ("a", "b", "c")}
    assert totals["a"].value is None and totals["a"].complementary
    assert totals["b"].value == 8
    assert totals["c"].value is None and not totals["c"].complementary
    # two Comuni holding both hidden cells: nothing new (15 − 8 = 7 already), shown
    both = compute("requests_received", actor=observer, period=YEAR, area="disabili",
                   comune_ids=[three.comuni["a"].pk, three.comuni["c"].pk]).total
    assert both.value == 7
    # one hidden and one shown: 13 − 8 would be Alfa's 5, withheld
    mixed = compute("requests_received", actor=observer, period=YEAR, area="disabili",
                    comune_ids=[three.comuni["a"].pk, three.comuni["b"].pk]).total
    assert mixed.value is None
    client.force_login(observer)
    html = client.get("/monitoraggio/comuni/999001/?dal=2025-01-01&al=2025-12-31&area=disabili").content.decode()
    tile = html[html.index('data-indicator="requests_received"'):]
    assert "omesso" in tile[:600]


def test_a_comune_user_gets_the_same_pattern_as_the_region(three):
    """The pattern of a Comune's cell is its Ambito's, whoever asks: the Comune of Alfa's own (non-case)
    staff does not see Alfa's 5, or with the public open data (Ambito 15, Beta 8) Gamma would follow."""
    admin = get_user_model().objects.create(username="t.alfa.admin")
    Membership.objects.create(user=admin, organisation=three.orgs["comune_a"], role=Role.ADMINISTRATOR)
    assert compute("requests_received", actor=admin, period=YEAR, area="disabili").total.value is None
    assert _values(compute("requests_received", actor=admin, period=YEAR, area="disabili", by="comune")) == {
        "999001": None}


def test_an_area_total_follows_the_breakdown_by_area(three):
    """By area: disabili 15 persons, anziani 3 (primary), sociale 6. anziani is hidden, and sociale (the
    smallest shown) with it; so the total of ?area=sociale is withheld too, or 24 − 15 − 6 = 3."""
    _requests(three, "a", 3, area="anziani")
    _requests(three, "b", 6, area="sociale")
    observer = three.users["t.observer"]
    by_area = compute("requests_received", actor=observer, period=YEAR, by="area")
    assert {c.key: (c.value, c.complementary) for c in by_area.cells} == {
        "anziani": (None, False), "disabili": (15, False), "sociale": (None, True)}
    assert compute("requests_received", actor=observer, period=YEAR).total.value == 24
    assert compute("requests_received", actor=observer, period=YEAR, area="sociale").total.value is None
    assert compute("requests_received", actor=observer, period=YEAR, area="disabili").total.value == 15


def test_the_csv_says_why_a_complementary_cell_is_blank(three, client):
    client.force_login(three.users["t.observer"])
    lines = client.get("/monitoraggio/indicatori/requests_received.csv?dal=2025-01-01&al=2025-12-31"
                       "&area=disabili&by=comune").content.decode().splitlines()
    rows = {line.split(",")[3]: line for line in lines[1:]}
    assert rows["999001"].endswith(",,,omesso perché non si possa ricavare un valore di meno di 5 persone")
    assert rows["999003"].endswith(",,,meno di 5 persone")
    assert ",8," in rows["999002"]


def test_published_open_data_is_protected_the_same_way(three):
    from ambito.monitoring.reports import open_data

    _metadata, rows = open_data(actor=three.users["t.planner"], ambito=three.ambito, year=2025)
    published = {r["territory"]: r for r in rows if r["indicator"] == "requests_received"}
    assert published["prova"]["value"] == "15"
    assert published["999002"]["value"] == "8"
    assert published["999001"]["value"] is None and published["999001"]["suppressed"]
    assert published["999003"]["value"] is None and published["999003"]["suppressed"]


def test_case_roles_still_see_every_cell(three):
    assert _values(compute("requests_received", actor=three.users["t.case"], period=YEAR, by="comune")) == {
        "999001": 5, "999002": 8, "999003": 2}


# --- the rule itself, on random tables ---------------------------------------------------------------------

counts = st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=9)


@settings(max_examples=400, deadline=None)
@given(counts)
def test_never_exactly_one_hidden_non_zero_cell_while_the_total_shows(cells):
    table = {f"k{i}": n for i, n in enumerate(cells)}
    primary, complementary = suppression_pattern(table, threshold=THRESHOLD)
    hidden = primary | complementary
    total = sum(cells)
    assert primary == {k for k, n in table.items() if 0 < n < THRESHOLD}
    assert all(table[k] > 0 for k in complementary)
    if total >= THRESHOLD:  # the total is shown
        assert len(hidden) != 1
        assert not hidden or sum(table[k] for k in hidden) >= THRESHOLD
        shown = sum(n for k, n in table.items() if k not in hidden)
        if len(hidden) == 1:
            assert total - shown != table[next(iter(hidden))]


@settings(max_examples=300, deadline=None)
@given(st.lists(counts, min_size=1, max_size=4))
def test_each_group_is_protected_on_its_own_and_does_not_depend_on_the_others(groups):
    table, keyed = {}, []
    for g, cells in enumerate(groups):
        keys = {f"g{g}k{i}" for i in range(len(cells))}
        table.update({f"g{g}k{i}": n for i, n in enumerate(cells)})
        keyed.append(keys)
    primary, complementary = suppression_pattern(table, keyed, threshold=THRESHOLD)
    hidden = primary | complementary
    for keys in keyed:
        inside = hidden & keys
        if sum(table[k] for k in keys) >= THRESHOLD:
            assert len(inside) != 1
        alone = suppression_pattern({k: table[k] for k in keys}, threshold=THRESHOLD)
        assert alone[0] | alone[1] == inside  # the same pattern whoever asks for which part of the Region
