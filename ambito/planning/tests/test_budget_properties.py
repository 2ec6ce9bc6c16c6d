"""Property tests (Hypothesis) of the budget spreadsheet import: any mutation of an exported workbook is either
imported or refused with ``ImportRejected`` and nothing written; a generated valid workbook imports and reads
back cell for cell."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from ambito.core.imports import ImportRejected
from ambito.planning import services
from ambito.planning.budget_xlsx import write_budget_xlsx
from ambito.planning.models import BudgetLine
from ambito.planning.selectors import budget_columns, budget_matrix

from .conftest import col

BOUNDED = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CELL_VALUES = st.one_of(
    # Control characters are refused by openpyxl itself: a workbook cannot hold them.
    st.none(), st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=12), st.integers(-10**15, 10**15),
    st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=False, places=3).map(float),
    st.sampled_from(["1.234,50", "1.000", "12,5", "€ 10", "-1", "1e30", "1e-30", "NaN", "Infinity", "0,001", "I01",
                     "Totale", "2025", "=1+1", "abc"]),
    st.booleans(), st.dates(),
)


@pytest.fixture
def budgeted(demo, planner, plan):
    services.budget_row_set(actor=planner, intervention=plan.interventions.get(code="I01"), year=2025, amounts={
        col(demo, "monza"): "120000", "fna": "45000.55"})
    services.budget_row_set(actor=planner, intervention=plan.interventions.get(code="I02"), year=2027,
                            amounts={col(demo, "monza"): "70000.10"})
    return plan


def _lines(plan):
    return sorted(BudgetLine.objects.filter(intervention__plan=plan).values_list(
        "intervention__code", "year", "source", "comune_id", "amount"))


def _save(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@st.composite
def mutations(draw):
    """A list of edits: set a cell (header row included), rename a sheet, delete a row, or add a sheet."""
    edit = st.one_of(
        st.tuples(st.just("cell"), st.integers(0, 2), st.integers(1, 4), st.integers(1, 14), CELL_VALUES),
        st.tuples(st.just("rename"), st.integers(0, 2), st.sampled_from(["2024", "2028", "Foglio1", " 2026 ",
                                                                          "2025x", "2027"])),
        st.tuples(st.just("delete_row"), st.integers(0, 2), st.integers(1, 4)),
        st.tuples(st.just("add_sheet"), st.sampled_from(["2026", "Note", "2030"])),
    )
    return draw(st.lists(edit, min_size=1, max_size=6))


def _apply(data: bytes, edits) -> bytes:
    workbook = load_workbook(BytesIO(data))
    for edit in edits:
        kind, *args = edit
        sheets = workbook.worksheets
        if kind == "add_sheet":
            if args[0] not in workbook.sheetnames:
                workbook.create_sheet(args[0]).append(["Codice", "Intervento", "FNA"])
            continue
        sheet = sheets[args[0] % len(sheets)]
        if kind == "cell":
            _index, row, column, value = args
            sheet.cell(row=row, column=column).value = value
        elif kind == "rename" and args[1] not in workbook.sheetnames:
            sheet.title = args[1]
        elif kind == "delete_row":
            sheet.delete_rows(args[1])
    return _save(workbook)


def test_any_mutated_workbook_is_imported_or_refused_whole(budgeted, planner):
    exported = write_budget_xlsx(budgeted)
    before = _lines(budgeted)
    outcomes = {"imported": 0, "refused": 0}

    @BOUNDED
    @given(edits=mutations())
    def check(edits):
        data = _apply(exported, edits)
        with transaction.atomic():
            try:
                services.budget_import(actor=planner, plan=budgeted, data=data)
            except ImportRejected as refused:
                assert refused.errors and all(str(e) for e in refused.errors)
                assert _lines(budgeted) == before  # all or nothing
                outcomes["refused"] += 1
            else:
                outcomes["imported"] += 1
            transaction.set_rollback(True)

    check()
    assert outcomes["refused"] > 0


@BOUNDED
@given(data=st.binary(max_size=300) | st.sampled_from([b"", b"PK\x03\x04", b"codice;intervento\nI01;x\n"]))
def test_bytes_that_are_not_a_workbook_are_refused(data):
    # Runs without a database: the refusal happens before any query.
    from ambito.planning.budget_xlsx import read_budget_xlsx

    try:
        read_budget_xlsx(None, data)
    except ImportRejected as refused:
        assert refused.errors[0].row == 0


def test_a_generated_valid_workbook_imports_and_reads_back(budgeted, planner):
    columns = budget_columns(budgeted)
    exported = write_budget_xlsx(budgeted)
    amounts = st.one_of(st.none(), st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2))

    @BOUNDED
    @given(data=st.data())
    def check(data):
        workbook = load_workbook(BytesIO(exported))
        expected = {}
        for sheet in workbook.worksheets:
            year = int(sheet.title)
            for row in range(2, sheet.max_row + 1):
                code = sheet.cell(row=row, column=1).value
                for index, column in enumerate(columns, start=3):
                    value = data.draw(amounts)
                    # Assigned, not passed to cell(): cell(value=None) leaves the old value in place.
                    sheet.cell(row=row, column=index).value = None if value is None else float(value)
                    if value is not None:
                        expected[(year, code, column.key)] = value
        with transaction.atomic():
            services.budget_import(actor=planner, plan=budgeted, data=_save(workbook))
            read = {}
            for year in budgeted.years:
                for line in budget_matrix(plan=budgeted, year=year, columns=columns):
                    for column, cell in zip(columns, line["cells"], strict=True):
                        if cell is not None:
                            read[(year, line["intervention"].code, column.key)] = cell
            assert read == expected
            transaction.set_rollback(True)

    check()
