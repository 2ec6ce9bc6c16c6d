"""Deliveries (*prestazioni erogate*): form, bulk and CSV import."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny as deny
from ambito.accounts.services import access_log_records, atomic_service
from ambito.accounts.services import access_note_denial as note_denial
from ambito.care import rules
from ambito.care.models import (
    Delivery,
    DeliverySource,
    DeliveryType,
    Referral,
    ReferralStatus,
)
from ambito.care.services.referrals import _referral_move
from ambito.core.imports import ImportRejected, RowError
from ambito.core.tabular import read_table

# --- Deliveries --------------------------------------------------------------------------------------------


def _as_decimal(value, field, errors, row):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():  # "nan" and "inf" parse, but compare by raising
        errors.append(RowError(row, _("not a number"), field))
        return None
    return number


def _hours_between(start, end) -> Decimal:
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"))


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def _validate_delivery(row: int, data: dict, referral: Referral, batch: list, errors: list,
                       exclude_pk=None, recorded: list | None = None) -> Delivery | None:
    """All the rules of a delivery, collecting errors instead of stopping at the first (for bulk and CSV).
    ``recorded``: the provider's timed deliveries on the batch's days (``_timed_deliveries``), read once for a
    whole batch instead of one query a row."""
    before = len(errors)
    day, start, end = data.get("delivered_on"), data.get("start_time"), data.get("end_time")
    hours = data.get("hours")
    amount = data.get("amount")
    quantity = data.get("quantity")
    delivery_type = data.get("delivery_type") or ""
    operator = (data.get("operator_name") or "").strip()
    operator_ref = (data.get("operator_ref") or "").strip()
    if delivery_type not in DeliveryType.values:
        errors.append(RowError(row, _("unknown delivery type"), "delivery_type"))
    if day is None:
        errors.append(RowError(row, _("the date is missing"), "delivered_on"))
    if not operator:
        errors.append(RowError(row, _("say who delivered it"), "operator_name"))
    if referral.status not in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS):
        errors.append(RowError(row, _("the referral is “%(status)s”: deliveries are logged only on accepted "
                                      "referrals") % {"status": ReferralStatus(referral.status).label}, "referral"))
    intervention = referral.intervention
    plan = referral.care_plan
    if day is not None:
        first = max(intervention.start_date, plan.start_date)
        last = min(intervention.end_date, plan.end_date)
        if not first <= day <= last:
            errors.append(RowError(row, _("%(day)s is outside the plan's dates for this intervention "
                                          "(%(first)s – %(last)s)") % {
                "day": day.strftime("%d/%m/%Y"), "first": first.strftime("%d/%m/%Y"),
                "last": last.strftime("%d/%m/%Y")}, "delivered_on"))
        elif day > timezone.localdate():
            errors.append(RowError(row, _("a delivery cannot be in the future"), "delivered_on"))
    if (start is None) != (end is None):
        errors.append(RowError(row, _("give both start and end time, or neither"), "end_time"))
    elif start is not None and end <= start:
        errors.append(RowError(row, _("the end time must be after the start time"), "end_time"))
    elif start is not None:
        computed = _hours_between(start, end)
        if hours is not None and hours != computed:
            errors.append(RowError(row, _("the hours do not match the start and end time (%(h)s)") % {"h": computed},
                                   "hours"))
        hours = computed
    # What the columns can hold (digits, lengths), in Django's own words, before the database refuses it.
    for name, value in (("hours", hours), ("quantity", quantity), ("amount", amount), ("operator_name", operator),
                        ("operator_ref", operator_ref)):
        if value not in (None, ""):
            if name in ("hours", "quantity", "amount") and not isinstance(value, Decimal):
                value = Decimal(str(value))  # callers in code may pass ints
            try:
                Delivery._meta.get_field(name).run_validators(value)
            except ValidationError as exc:
                errors.append(RowError(row, exc.messages[0], name))
    if hours is not None and hours < 0:
        errors.append(RowError(row, _("hours cannot be negative"), "hours"))
    if hours is not None and hours > 24:
        errors.append(RowError(row, _("more than 24 hours in a day"), "hours"))
    if amount is not None and amount < 0:
        errors.append(RowError(row, _("the amount cannot be negative"), "amount"))
    if quantity is not None and quantity < 0:
        errors.append(RowError(row, _("the quantity cannot be negative"), "quantity"))
    if delivery_type == DeliveryType.ECONOMIC_BENEFIT:
        if amount is None or amount <= 0:
            errors.append(RowError(row, _("an economic benefit needs its amount in euro"), "amount"))
    elif hours is None and start is None:
        errors.append(RowError(row, _("give the hours, or the start and end time"), "hours"))
    if len(errors) > before:
        return None
    delivery = Delivery(
        referral=referral, person_id=referral.person_id, comune_id=referral.comune_id, service_id=referral.service_id,
        provider_id=referral.provider_id, delivery_type=delivery_type, delivered_on=day, start_time=start,
        end_time=end, hours=hours or Decimal("0"), quantity=quantity if quantity is not None else Decimal("1"),
        amount=amount, operator_name=operator, operator_ref=operator_ref, notes=(data.get("notes") or "")[:300])
    if start is not None:
        key = operator_ref or operator
        same_operator = Q(operator_ref=operator_ref) if operator_ref else Q(operator_ref="", operator_name=operator)
        if recorded is None:
            clash = (Delivery.objects.filter(same_operator, provider_id=referral.provider_id, delivered_on=day,
                                             start_time__lt=end, end_time__gt=start).exclude(pk=exclude_pk).first())
        else:  # the same test as the query above, on the rows read for the batch (in the query's order)
            clash = next((d for d in recorded if (d.operator_ref == operator_ref if operator_ref else
                                                  d.operator_ref == "" and d.operator_name == operator)
                          and d.provider_id == referral.provider_id and d.delivered_on == day
                          and d.start_time < end and d.end_time > start and d.pk != exclude_pk), None)
        if clash is None:
            clash = next((d for d in batch if (d.operator_ref or d.operator_name) == key
                          and d.provider_id == referral.provider_id and d.delivered_on == day
                          and d.start_time is not None and _overlaps(start, end, d.start_time, d.end_time)), None)
        if clash is not None:
            errors.append(RowError(row, _("%(operator)s already has a delivery on %(day)s from %(start)s to %(end)s") % {
                "operator": operator, "day": day.strftime("%d/%m/%Y"), "start": clash.start_time.strftime("%H:%M"),
                "end": clash.end_time.strftime("%H:%M")}, "start_time"))
            return None
    return delivery


def _timed_deliveries(*, provider_id, days) -> list[Delivery]:
    """The provider's recorded deliveries with times on these days, in the order ``.first()`` reads them."""
    days = {day for day in days if day is not None}
    if not days:
        return []
    return list(Delivery.objects.filter(provider_id=provider_id, delivered_on__in=days, start_time__isnull=False,
                                        end_time__isnull=False))


def _save_deliveries(*, actor, deliveries: list[Delivery], source: str, at=None) -> list[Delivery]:
    for delivery in deliveries:
        delivery.source = source
        delivery.recorded_by = actor if actor is not None and actor.is_authenticated else None
    created = Delivery.objects.bulk_create(deliveries)
    # The first delivery on an accepted referral means the service has started.
    for referral_id in {d.referral_id for d in deliveries}:
        referral = Referral.objects.get(pk=referral_id)
        if referral.status == ReferralStatus.ACCEPTED:
            first_day = min(d.delivered_on for d in deliveries if d.referral_id == referral_id)
            started = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time(0, 0)))
            _referral_move(actor=actor, referral=referral, to_status=ReferralStatus.IN_PROGRESS,
                           at=max(started, referral.answered_at), note=_("First delivery logged"))
    access_log_records(actor=actor, records=created, action=AccessAction.CREATE, purpose=f"delivery logged ({source})")
    return created


def _check_can_log(actor, referral):
    if not rules.can_log_delivery(actor, referral):
        deny(actor=actor, record=referral, purpose="log a delivery on a referral not sent to the actor's organisation")


@atomic_service
def delivery_create(*, actor, referral: Referral, source: str = DeliverySource.FORM, **data) -> Delivery:
    """Log one delivery (*registrazione della prestazione*). Refused: a referral not accepted, a date outside
    the plan and intervention, a provider other than the referred one, overlapping times for one operator,
    negative hours or amounts."""
    _check_can_log(actor, referral)
    errors: list[RowError] = []
    delivery = _validate_delivery(1, data, referral, [], errors)
    if errors:
        raise ValidationError({e.field or "__all__": e.message for e in errors})
    return _save_deliveries(actor=actor, deliveries=[delivery], source=source)[0]


@atomic_service
def delivery_bulk_create(*, actor, referral: Referral, rows: list[dict],
                         source: str = DeliverySource.WEEK) -> list[Delivery]:
    """Log a week (or any batch) of deliveries on one referral, all or nothing: ``ImportRejected`` names every
    bad row."""
    _check_can_log(actor, referral)
    errors: list[RowError] = []
    batch: list[Delivery] = []
    recorded = _timed_deliveries(provider_id=referral.provider_id, days=[data.get("delivered_on") for data in rows])
    for number, data in enumerate(rows, start=1):
        delivery = _validate_delivery(number, data, referral, batch, errors, recorded=recorded)
        if delivery is not None:
            batch.append(delivery)
    if not rows:
        errors.append(RowError(0, _("no deliveries given")))
    if errors:
        raise ImportRejected(errors)
    return _save_deliveries(actor=actor, deliveries=batch, source=source)


CSV_COLUMNS = ["referral", "date", "start", "end", "hours", "type", "operator", "operator_code", "quantity",
               "amount", "notes"]
# A month of a large provider's deliveries (hundreds of persons, a few visits a week each) is a few thousand.
CSV_MAX_ROWS = 20_000


def _parse_date(value, row, errors):
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    errors.append(RowError(row, _("not a date (use YYYY-MM-DD or DD/MM/YYYY)"), "date"))
    return None


def _parse_time(value, field, row, errors):
    if not (value or "").strip():
        return None
    try:
        return datetime.datetime.strptime(value.strip(), "%H:%M").time()
    except ValueError:
        errors.append(RowError(row, _("not a time (use HH:MM)"), field))
        return None


@atomic_service
def delivery_import_csv(*, actor, data: bytes) -> list[Delivery]:
    """Import deliveries from a provider's own system (CSV, ``;`` or ``,`` separated, header
    ``referral;date;start;end;hours;type;operator;operator_code;quantity;amount;notes``), all or nothing.
    Every row must be on a referral sent to an organisation the actor works for."""
    table = read_table(data, kind="csv", header_key=lambda name: name.strip().lower(),
                       required_columns=("referral", "date", "type", "operator"), max_rows=CSV_MAX_ROWS)
    errors = table.errors
    # Values past the header's columns carry no column: not read.
    rows = [({k: (v or "").strip() for k, v in row.values.items()}, row.number) for row in table.sheet.rows]
    if not rows:
        raise ImportRejected([RowError(0, _("the file has no rows"))])
    referral_ids = {r["referral"] for r, _n in rows if r["referral"].isascii() and r["referral"].isdigit()}
    referrals = {str(r.pk): r for r in Referral.objects.filter(pk__in=referral_ids)
                 .select_related("intervention", "care_plan", "person")}
    batch: list[Delivery] = []
    for raw, line in rows:
        referral = referrals.get(raw["referral"])
        if referral is None:
            errors.append(RowError(line, _("no such referral"), "referral"))
            continue
        if not rules.can_log_delivery(actor, referral):
            note_denial(actor=actor, record=referral,
                        purpose="CSV delivery on a referral not sent to the actor's organisation")
            errors.append(RowError(line, _("this referral was not sent to your organisation"), "referral"))
            continue
        before = len(errors)
        parsed = {
            "delivered_on": _parse_date(raw["date"], line, errors),
            "start_time": _parse_time(raw.get("start"), "start", line, errors),
            "end_time": _parse_time(raw.get("end"), "end", line, errors),
            "hours": _as_decimal(raw.get("hours"), "hours", errors, line),
            "quantity": _as_decimal(raw.get("quantity"), "quantity", errors, line),
            "amount": _as_decimal(raw.get("amount"), "amount", errors, line),
            "delivery_type": raw.get("type", ""),
            "operator_name": raw.get("operator", ""),
            "operator_ref": raw.get("operator_code", ""),
            "notes": raw.get("notes", ""),
        }
        if len(errors) > before:
            continue
        delivery = _validate_delivery(line, parsed, referral, batch, errors)
        if delivery is not None:
            batch.append(delivery)
    if errors:
        raise ImportRejected(errors)
    return _save_deliveries(actor=actor, deliveries=batch, source=DeliverySource.CSV)
