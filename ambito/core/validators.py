"""Sane date ranges, in one place: a date typed in a form or sent to the API must fall in a range that makes
sense for what it records, and the refusal says the range ("La data deve essere tra il 01/01/2016 e il
31/12/2036").

- **Every date** (and date-time), by default: from 1 January ten years ago to 31 December ten years ahead. An
  Accordo signed in 1990, a UVM in 1990, a PAI from 1900 to 2999, a meeting in 2099 are typing mistakes.
- **Birth dates** (``birth_date``): not in the future, not more than 120 years ago.
- **Dates of what already happened** (a signature, a delivery, an expense, a review, a UVM held, a request
  received, a paper questionnaire): not after today (``PAST_ONLY``), from the same start as the default.

The rule is applied centrally, so no field is forgotten: ``StyledFormMixin`` (every project form uses it)
adds it to each ``DateField``/``DateTimeField`` at validation, and ``ambito.api.apps`` gives every DRF
``DateField``/``DateTimeField`` (declared or built by a ModelSerializer) the same check. The range comes from
the field's name (``FIELD_RANGES``); a form or serializer field chooses another with
``field.date_range = sensible_date(...)`` (``None``: no range at all, for the rare field that needs it), or by
listing a ``SensibleDate`` among its validators. A value that is not being changed — the date already stored, shown again in an edit form or
sent again to the API — is not judged: an old record can still be edited.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

DEFAULT_PAST_YEARS = 10
DEFAULT_FUTURE_YEARS = 10
BIRTH_MAX_AGE_YEARS = 120

MESSAGE = _("The date must be between %(low)s and %(high)s.")


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _as_date(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value if isinstance(value, datetime.date) else None


@deconstructible
class SensibleDate:
    """A validator for a date (or date-time, by its local date). ``past_years``/``future_years``: whole
    calendar years before and after the current one; ``past_only``: not after today; ``birth``: a birth date
    (today at most, ``BIRTH_MAX_AGE_YEARS`` years ago at least)."""

    code = "date_out_of_range"

    def __init__(self, past_years: int = DEFAULT_PAST_YEARS, future_years: int = DEFAULT_FUTURE_YEARS, *,
                 past_only: bool = False, birth: bool = False):
        self.past_years, self.future_years = past_years, future_years
        self.past_only, self.birth = past_only, birth

    def bounds(self, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
        today = today or timezone.localdate()
        if self.birth:
            return _years_before(today, BIRTH_MAX_AGE_YEARS), today
        low = datetime.date(today.year - self.past_years, 1, 1)
        high = today if self.past_only else datetime.date(today.year + self.future_years, 12, 31)
        return low, high

    def __call__(self, value):
        day = _as_date(value)
        if day is None:
            return
        low, high = self.bounds()
        if not low <= day <= high:
            raise ValidationError(MESSAGE, code=self.code,
                                  params={"low": low.strftime("%d/%m/%Y"), "high": high.strftime("%d/%m/%Y")})

    def __eq__(self, other):
        return isinstance(other, SensibleDate) and (
            (self.past_years, self.future_years, self.past_only, self.birth)
            == (other.past_years, other.future_years, other.past_only, other.birth))

    def __hash__(self):
        return hash((self.past_years, self.future_years, self.past_only, self.birth))


def sensible_date(*, past_years: int = DEFAULT_PAST_YEARS, future_years: int = DEFAULT_FUTURE_YEARS,
                  past_only: bool = False) -> SensibleDate:
    return SensibleDate(past_years, future_years, past_only=past_only)


DEFAULT = SensibleDate()
BIRTH_DATE = SensibleDate(birth=True)
PAST_ONLY = SensibleDate(past_only=True)

# The range of a field by its name, wherever it appears (forms, serializers); anything else gets DEFAULT.
FIELD_RANGES = {
    "birth_date": BIRTH_DATE,
    "signed_on": PAST_ONLY,  # an Accordo, a PAI agreement
    "agreement_signed_on": PAST_ONLY,
    "delivered_on": PAST_ONLY,
    "spent_on": PAST_ONLY,
    "reviewed_on": PAST_ONLY,
    "held_on": PAST_ONLY,  # a UVM that took place
    "received_at": PAST_ONLY,  # a privacy request, a PUA request
    "submitted_on": PAST_ONLY,  # the date on a paper questionnaire
    # an accreditation may be older than ten years (regional accreditation dates back to the 2000s)
    "accreditation_date": sensible_date(past_years=30),
}

_UNSET = object()


def range_for(field, name: str | None):
    """The ``SensibleDate`` for a form or serializer field, or None for no check: the field's own
    ``date_range`` if it has one, else the one of its name, else the default; None when the field already
    lists a ``SensibleDate`` among its validators (it chose its range itself)."""
    if any(isinstance(v, SensibleDate) for v in getattr(field, "validators", ())):
        return None
    own = getattr(field, "date_range", _UNSET)
    if own is not _UNSET:
        return own
    return FIELD_RANGES.get(name or "", DEFAULT)


def protect_date_fields(form) -> None:
    """Give every date field of a bound ``form`` whose value is being changed its range (the hook of
    ``StyledFormMixin``). An unchanged value (the initial one, e.g. an old record's start date in its edit
    form) is not judged."""
    from django import forms

    if not form.is_bound:
        return
    for name, field in form.fields.items():
        if not isinstance(field, forms.DateField | forms.DateTimeField):
            continue
        rule = range_for(field, name)
        if rule is None:
            continue
        if form.get_initial_for_field(field, name) is not None and not form[name]._has_changed():
            continue
        field.validators.append(rule)


class SerializerDateValidator:
    """The hook for DRF ``DateField``/``DateTimeField`` (``ambito.api.apps``): the range is chosen when the
    field validates (its name is known only once bound); a value equal to the one the serializer's instance
    already has is not judged."""

    requires_context = True

    def __call__(self, value, field):
        rule = range_for(field, getattr(field, "field_name", None) or "")
        if rule is None:
            return
        instance = getattr(getattr(field, "parent", None), "instance", None)
        source = getattr(field, "source", None)
        if instance is not None and source and not isinstance(instance, list | tuple) and \
                _as_date(getattr(instance, source, None)) == _as_date(value):
            return
        rule(value)

