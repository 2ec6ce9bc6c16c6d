"""The budget import refuses workbooks built to exhaust the worker: half a megabyte that expands to 200 MB of
sheet, or millions of empty rows, is refused in well under two seconds without the memory growing."""

import io
import time
import tracemalloc
import zipfile

import pytest

from ambito.core.imports import ImportRejected
from ambito.planning import services
from ambito.planning.budget_xlsx import write_budget_xlsx

MAIN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
HEADER = b'<row><c t="inlineStr"><is><t>Codice</t></is></c><c t="inlineStr"><is><t>Intervento</t></is></c></row>'
END = b"</sheetData></worksheet>"


def _with_sheet(workbook: bytes, row: bytes, count: int) -> bytes:
    """The workbook with its first sheet replaced by a header and ``count`` copies of ``row``, streamed into
    the archive (the sheet is never whole in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, source.read(info))
                continue
            with archive.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(MAIN + HEADER)
                chunk = row * 20_000
                for _ in range(count // 20_000):
                    sheet.write(chunk)
                sheet.write(END)
    return out.getvalue()


def _measured(call):
    """Refused? in how many seconds, with what peak of new Python memory (bytes)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ImportRejected) as refused:
            call()
    finally:
        elapsed = time.perf_counter() - started
        _size, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return refused.value.report(), elapsed, peak


EMPTY_TEXT_ROW = b'<row><c t="inlineStr"><is><t> </t></is></c></row>'


@pytest.mark.parametrize(("row", "count", "lift_ratio", "message"), [
    # 4,000,000 rows of one blank text cell: 0.6 MB compressed, 196 MB of XML. Refused on the sizes the
    # archive declares, before anything is decompressed.
    (EMPTY_TEXT_ROW, 4_000_000, False, "troppo grande una volta decompressa"),
    # 4,000,000 empty rows: 24 MB of XML, under the size cap, but compressed 680 times: no sheet is.
    (b"<row/>", 4_000_000, False, "compressa in modo anomalo"),
    # The same with the ratio check lifted: the rows are counted on the decompressed stream, before openpyxl
    # opens the workbook (it would parse the whole sheet at opening: the sheet has no <dimension>).
    (b"<row/>", 4_000_000, True, "più di 5.000 righe"),
], ids=["expands-to-196-MB", "four-million-empty-rows", "four-million-empty-rows-streamed"])
def test_an_amplification_workbook_is_refused_fast_and_in_little_memory(monkeypatch, planner, plan, row, count,
                                                                        lift_ratio, message):
    if lift_ratio:
        monkeypatch.setattr("ambito.core.tabular.XLSX_MAX_RATIO", 10**6)
    data = _with_sheet(write_budget_xlsx(plan), row, count)
    assert len(data) < 1024 * 1024
    before = list(plan.interventions.values_list("budget_lines__pk", flat=True))
    report, elapsed, peak = _measured(lambda: services.budget_import(actor=planner, plan=plan, data=data))
    assert message in report
    assert elapsed < 2, f"{elapsed:.2f} s"
    assert peak < 100 * 1024 * 1024, f"{peak / 1024 / 1024:.1f} MB"
    assert list(plan.interventions.values_list("budget_lines__pk", flat=True)) == before
    print(f"\n{message}: {len(data) / 1024:.0f} KB compressed, refused in {elapsed * 1000:.0f} ms, "
          f"peak {peak / 1024 / 1024:.2f} MB")


def test_the_page_shows_the_refusal_of_an_amplification_workbook(client_as, plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _with_sheet(write_budget_xlsx(plan), EMPTY_TEXT_ROW, 4_000_000)
    started = time.perf_counter()
    page = client_as("planner").post(f"/piano/{plan.pk}/bilancio/",
                                     {"file": SimpleUploadedFile("bilancio.xlsx", data)}).content.decode()
    assert time.perf_counter() - started < 2
    assert "Il foglio non è stato importato: non è cambiato nulla." in page
    assert "La cartella di lavoro è troppo grande una volta decompressa (più di 50 MB)" in page
