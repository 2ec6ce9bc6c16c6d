"""Property tests (Hypothesis) of the ISTAT population (POSAS) CSV import: random bytes and mutated rows are
imported or refused with ``ImportRejected`` and nothing written; a generated valid file imports and reads back."""

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambito.core.imports import ImportRejected
from ambito.territory.models import PopulationImport, PopulationRecord
from ambito.territory.services import population_import, population_parse

BOUNDED = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TITLE = "Popolazione residente al 1° gennaio 2024"
HEADER = "Codice comune;Comune;Età;Totale maschi;Totale femmine;Totale"
COMUNI = [("108049", "Villasanta"), ("108033", "Monza"), ("108012", "Brugherio")]
NASTY = st.one_of(
    st.text(max_size=8),
    st.integers(-10, 10**12).map(str),
    st.sampled_from(["", "-1", "1.000", "1.000.000", "1,5", "100 e oltre", "101", "999", "totale", "nan", '"',
                     "4294967296", "99999999999999999999", "000000", "108999", "1e3", "\x00", "\n"]),
)


def _counts():
    return PopulationRecord.objects.count(), PopulationImport.objects.count()


def _file(rows, title=TITLE, header=HEADER) -> bytes:
    return "\n".join([title, header, *[";".join(map(str, row)) for row in rows]]).encode()


def _comune_rows(code, name, males, females):
    rows = [[code, name, age, males[age], females[age], males[age] + females[age]] for age in range(101)]
    rows.append([code, name, 999, sum(males), sum(females), sum(males) + sum(females)])
    return rows


def _imported_or_refused(data: bytes) -> str:
    before = _counts()
    with transaction.atomic():
        try:
            result = population_import(data=data, source_name="fuzz.csv", year=None)
        except ImportRejected as refused:
            assert refused.errors and all(str(error) for error in refused.errors)
            assert _counts() == before  # nothing written
            outcome = "refused"
        else:
            assert PopulationRecord.objects.filter(year=result.year).count() == 2 * result.rows
            outcome = "imported"
        transaction.set_rollback(True)
    return outcome


@BOUNDED
@given(data=st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8"))
       | st.text(max_size=300).map(lambda t: f"{TITLE}\n{HEADER}\n{t}".encode()))
def test_arbitrary_bytes_are_refused_without_touching_the_database(data):
    try:
        population_parse(data=data)
    except ImportRejected as refused:
        assert refused.errors


def test_mutated_rows_are_refused_whole_or_imported(db):
    valid = _comune_rows("108049", "Villasanta", [10] * 101, [12] * 101)
    outcomes = []

    @BOUNDED
    @given(edits=st.lists(st.tuples(st.integers(0, len(valid) - 1), st.integers(0, 6), NASTY), min_size=1,
                          max_size=4),
           title=st.sampled_from([TITLE, "Popolazione", "Anno 1999", ""]))
    def check(edits, title):
        rows = [list(row) for row in valid]
        for row, column, value in edits:
            if column == 6:
                rows[row].append(value)
            else:
                rows[row][column] = value
        outcomes.append(_imported_or_refused(_file(rows, title=title)))

    check()
    assert "refused" in outcomes


def test_a_generated_valid_file_imports_and_reads_back(db):
    counts = st.lists(st.integers(0, 5000), min_size=101, max_size=101)

    @BOUNDED
    @given(comuni=st.lists(st.sampled_from(COMUNI), min_size=1, max_size=3, unique=True), data=st.data())
    def check(comuni, data):
        expected, rows = {}, []
        for code, name in comuni:
            males, females = data.draw(counts), data.draw(counts)
            rows += _comune_rows(code, name, males, females)
            for age in range(101):
                expected[(code, "M", age)] = males[age]
                expected[(code, "F", age)] = females[age]
        with transaction.atomic():
            result = population_import(data=_file(rows), source_name="generated.csv")
            assert result.year == 2024 and result.rows == 101 * len(comuni)
            stored = {(code, sex, age): count for code, sex, age, count in PopulationRecord.objects.filter(
                year=2024, comune__istat_code__in=[c for c, _ in comuni]).values_list(
                "comune__istat_code", "sex", "age", "count")}
            assert stored == expected
            transaction.set_rollback(True)

    check()
