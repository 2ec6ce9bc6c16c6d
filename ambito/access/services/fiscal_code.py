"""Codice fiscale checks (D.M. 23/12/1976): shape, checksum, omocodia, agreement with birth date and sex."""

import datetime
import functools
import re
from dataclasses import dataclass

from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# --- Codice fiscale ------------------------------------------------------------------------------------------

_OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")
_MONTHS = "ABCDEHLMPRST"
# Letters and digits where D.M. 23/12/1976 puts them (omocodia letters LMNPQRSTUV in place of digits).
_SHAPE = re.compile(r"[A-Z]{6}[0-9LMNP-V]{2}[ABCDEHLMPRST][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z]")


@dataclass(frozen=True)
class FiscalCodeCheck:
    code: str
    birthplace_resolved: bool
    birthplace_name: str


def fiscal_code_check(*, fiscal_code: str, birth_date: datetime.date | None, sex: str | None) -> FiscalCodeCheck:
    """Check an Italian *codice fiscale* (D.P.R. 605/1973, D.M. 23/12/1976) with python-codicefiscale.

    Always blocking: the format, the check character, an impossible date, and a birth date or sex that
    differ from those encoded. Not blocking: a birthplace code missing from the reference list (Comuni since
    merged, some foreign States) — returned as ``birthplace_resolved=False`` for the operator to confirm."""
    code = (fiscal_code or "").strip().upper()
    try:
        # decode_raw is lenient (it drops punctuation, accepts any letter for a digit): check the shape first.
        if not _SHAPE.fullmatch(code):
            raise ValueError(code)
        raw = codicefiscale.decode_raw(code)
    except ValueError:
        raise ValidationError(
            {"fiscal_code": _("The codice fiscale is not well formed: it has 16 letters and digits in a fixed "
                              "pattern (e.g. RSSMRA40B01F704U).")}, code="fiscal_code_format") from None
    if codicefiscale.encode_cin(code) != raw["cin"]:
        raise ValidationError({"fiscal_code": _("The codice fiscale's last character (check character) is wrong: "
                                                "check for a typing error.")}, code="fiscal_code_checksum")
    year = int(raw["birthdate_year"].translate(_OMOCODIA))
    month = _MONTHS.index(raw["birthdate_month"]) + 1
    day = int(raw["birthdate_day"].translate(_OMOCODIA))
    coded_sex = "F" if day > 40 else "M"
    day = day - 40 if day > 40 else day
    # The century is not in the code: any century makes the same day valid, except 29 February.
    if not any(_valid_date(century + year, month, day) for century in (1900, 2000)):
        raise ValidationError({"fiscal_code": _("The codice fiscale contains an impossible birth date.")},
                              code="fiscal_code_date")
    errors = {}
    if birth_date is not None and (birth_date.year % 100, birth_date.month, birth_date.day) != (year, month, day):
        errors["birth_date"] = _("The birth date does not match the codice fiscale (it encodes %(d)02d/%(m)02d/"
                                 "..%(y)02d).") % {"d": day, "m": month, "y": year}
    if sex and sex != coded_sex:
        errors["sex"] = _("The sex does not match the codice fiscale.")
    if errors:
        raise ValidationError(errors, code="fiscal_code_mismatch")
    resolved, name = _birthplace(code)
    return FiscalCodeCheck(code=code, birthplace_resolved=resolved, birthplace_name=name)


@functools.lru_cache(maxsize=2048)
def _birthplace(code: str) -> tuple[bool, str]:
    """The birthplace a code names, if the reference list has it. Cached: python-codicefiscale's decode
    searches its list of places (about 20 ms), and a person's code is checked at every save."""
    try:
        place = codicefiscale.decode(code).get("birthplace") or {}
    except ValueError:
        return False, ""
    return bool(place), place.get("name", "")


def _valid_date(year, month, day) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True
