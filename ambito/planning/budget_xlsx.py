"""The budget spreadsheet in the layout a planning office uses: one sheet per year, one row per
intervention (code, title), one column per funding source (the Comuni's own funds one column per Comune),
a total column. Reading is strict and reports every bad cell; writing then reading gives the same file."""

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from ambito.core.imports import ImportRejected, RowError
from ambito.core.tabular import XlsxSheet, read_table, write_xlsx
from ambito.core.text import plain_int
from ambito.planning.selectors import budget_columns, budget_matrix

EURO_FORMAT = '#,##0.00 "€"'
# Rows of the whole workbook: a plan has tens of interventions, a few hundred at most, on three sheets.
MAX_ROWS = 5_000


def _headers(plan, columns):
    return [_("Code"), _("Intervention"), *[c.label for c in columns], _("Total")]


def write_budget_xlsx(plan, progress=None) -> bytes:
    """Headers are always in Italian, the language of the office and of the import."""
    with translation.override("it"):
        columns = budget_columns(plan)
        amounts = range(3, len(columns) + 4)

        def sheets():
            for index, year in enumerate(plan.years):
                rows = [[row["intervention"].code, row["intervention"].title, *row["cells"], row["total"]]
                        for row in budget_matrix(plan=plan, year=year, columns=columns)]
                yield XlsxSheet(str(year), [_headers(plan, columns), *rows], bold_rows=[1],
                                number_formats=dict.fromkeys(amounts, EURO_FORMAT),
                                widths={2: 50} | dict.fromkeys(amounts, 18), freeze_panes="C2")
                if progress:  # the sheet is written when the next one is asked for
                    progress(20 + 70 * (index + 1) // len(plan.years), _("Year %(year)s written") % {"year": year})

        return write_xlsx(sheets())


def read_budget_xlsx(plan, data: bytes) -> dict:
    """Parse the spreadsheet into ``{year: {intervention code: [(column, amount), …]}}`` or raise
    ``ImportRejected`` listing every problem (unknown sheet, intervention, source, bad amount)."""
    from django.core.exceptions import ValidationError

    from ambito.planning.models import Intervention
    from ambito.planning.services import parse_amount

    table = read_table(data, kind="xlsx", max_rows=MAX_ROWS)  # refuses a file too large, or not a workbook
    errors = table.errors
    result: dict = {}
    known_codes = set(Intervention.objects.filter(plan=plan).values_list("code", flat=True))
    with translation.override("it"):
        columns = budget_columns(plan)
        by_label = {c.label.casefold(): c for c in columns} | {c.key.casefold(): c for c in columns}
        total_label, code_label = _("Total").casefold(), _("Code")
        for sheet in table.sheets:
            name = sheet.name.strip()
            year = plain_int(name)
            if year not in plan.years:
                errors.append(RowError(0, _("Sheet “%(sheet)s” is not a year of the triennium %(start)s–%(end)s.")
                                       % {"sheet": name, "start": plan.start_year, "end": plan.end_year}))
                continue
            header = sheet.header or ()
            mapping: dict[int, object] = {}
            for index, label in enumerate(header[2:], start=2):
                text = str(label or "").strip()
                if not text or text.casefold() == total_label:
                    continue
                column = by_label.get(text.casefold())
                if column is None:
                    errors.append(RowError(sheet.header_row, _("unknown funding source “%(source)s”.") % {"source": text},
                                           field=name))
                else:
                    mapping[index] = column
            year_rows: dict = {}
            for row in sheet.rows:  # blank rows are left out by the reader
                number, values = row.number, row.cells
                code = str(values[0] or "").strip().upper()
                if not code:
                    errors.append(RowError(number, _("the intervention code is missing."), field=name))
                    continue
                if code not in known_codes:
                    errors.append(RowError(number, _("unknown intervention “%(code)s”.") % {"code": code},
                                           field=f"{name} {code_label}"))
                    continue
                if code in year_rows:
                    errors.append(RowError(number, _("intervention %(code)s appears twice.") % {"code": code},
                                           field=name))
                    continue
                cells = []
                for index, column in mapping.items():
                    raw = values[index] if index < len(values) else None
                    try:
                        amount = parse_amount(raw, allow_blank=True)
                    except ValidationError as exc:
                        errors.append(RowError(number, exc.messages[0], field=f"{name} {column.label}"))
                        continue
                    if amount is not None:
                        cells.append((column, Decimal(amount)))
                year_rows[code] = cells
            result[year] = year_rows
    if not result and not errors:
        errors.append(RowError(0, _("The workbook has no sheet named after a year of the plan.")))
    if errors:
        raise ImportRejected(errors)
    return result
