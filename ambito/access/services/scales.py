"""Scales edited on their own pages (*scale di valutazione*): names, cut-off bands and the answer options of each
item, checked so a scale can never score outside its range. Scores already given keep their stored value."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ambito.access import rules as access_rules
from ambito.access.models import Scale, ScaleItem
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_log_record, atomic_service

_BAND = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*[-–]\s*(-?\d+(?:[.,]\d+)?)\s*:\s*(.+?)\s*$")


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def json_number(value: Decimal) -> int | float:
    """A band's bound or an answer's points as stored: a whole number stays an int."""
    return float(value) if value % 1 else int(value)


def bands_parse(text: str) -> list[dict]:
    """Bands typed one a line, "0–20: Dipendenza totale", as ``[{"min": 0, "max": 20, "label": "…"}]``."""
    bands = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _BAND.match(line)
        if match is None:
            raise ValidationError({"bands": _("Line %(n)s: write “min–max: label”, e.g. “0–20: Dipendenza "
                                              "totale”.") % {"n": number}}, code="bad_band")
        low, high = _decimal(match[1]), _decimal(match[2])
        bands.append({"min": json_number(low), "max": json_number(high), "label": match[3]})
    return bands


def bands_text(bands) -> str:
    return "\n".join(f"{b['min']}–{b['max']}: {b['label']}" for b in bands or [])


def options_parse(text: str, *, item_code: str) -> list[dict]:
    """Options typed one a line, "value | points | label" ("nd | | Attività mai svolta" for no points)."""
    options = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|", 2)]
        if len(parts) != 3 or not parts[0] or not parts[2]:
            raise ValidationError({f"item_{item_code}": _("Line %(n)s: write “value | points | label”.") % {
                "n": number}}, code="bad_option")
        try:
            points = None if parts[1] == "" else _decimal(parts[1])
        except InvalidOperation:
            raise ValidationError({f"item_{item_code}": _("Line %(n)s: the points must be a number.") % {
                "n": number}}, code="bad_points") from None
        if points is not None:
            points = json_number(points)
        options.append({"value": parts[0], "label": parts[2], "points": points})
    return options


def options_text(options) -> str:
    return "\n".join(f"{o['value']} | {'' if o['points'] is None else o['points']} | {o['label']}"
                     for o in options or [])


def _check(scale: Scale, bands: list[dict], items: dict[str, dict]) -> None:
    errors = {}
    low, high = scale.min_score, scale.max_score
    ordered = sorted(bands, key=lambda b: Decimal(str(b["min"])))
    if not ordered:
        errors["bands"] = _("Give at least one band.")
    else:
        if Decimal(str(ordered[0]["min"])) != low or Decimal(str(ordered[-1]["max"])) != high:
            errors["bands"] = _("The bands must cover the whole range, from %(low)s to %(high)s.") % {
                "low": f"{low.normalize():f}", "high": f"{high.normalize():f}"}
        for before, after in zip(ordered, ordered[1:], strict=False):
            if Decimal(str(after["min"])) <= Decimal(str(before["max"])):
                errors["bands"] = _("The bands “%(a)s” and “%(b)s” overlap.") % {"a": before["label"],
                                                                               "b": after["label"]}
            elif Decimal(str(after["min"])) > Decimal(str(before["max"])) + 1:
                errors["bands"] = _("Between the bands “%(a)s” and “%(b)s” some scores have no band.") % {
                    "a": before["label"], "b": after["label"]}
    total_min = total_max = Decimal(0)
    for code, item in items.items():
        options = item["options"]
        values = [o["value"] for o in options]
        scored = [Decimal(str(o["points"])) for o in options if o["points"] is not None]
        if len(options) < 2 or len(set(values)) != len(values) or not scored:
            errors[f"item_{code}"] = _("Give at least two answers, each with its own value and at least one with "
                                       "points.")
            continue
        if not scale.allows_not_applicable and len(scored) != len(options):
            errors[f"item_{code}"] = _("Every answer needs its points: this scale has no “never done”.")
        if not item["label"].strip():
            errors[f"label_{code}"] = _("Give the item a label.")
        total_min += min(scored)
        total_max += max(scored)
    if not errors and (total_min != low or total_max != high):
        errors["__all__"] = _("With these points the score would range from %(a)s to %(b)s, not from %(low)s to "
                              "%(high)s.") % {"a": f"{total_min.normalize():f}", "b": f"{total_max.normalize():f}",
                                              "low": f"{low.normalize():f}", "high": f"{high.normalize():f}"}
    if errors:
        raise ValidationError(errors, code="invalid_scale")


@atomic_service
def scale_update(*, actor, scale: Scale, name: str, description: str, active: bool, bands: list[dict],
                 items: dict[str, dict]) -> Scale:
    """Change a scale's name, description, bands and items (``{code: {"label": …, "options": […]}}``, every item
    of the scale). The range stays: the checks keep the points and the bands inside it. Only a planning office
    edits scales (they are shared by the Ambito's UVM teams); the change log keeps each version."""
    if not access_rules.triage_rule_ambito_ids(actor):
        raise PermissionDenied(_("Only the planning office edits the scales."))
    locked = Scale.objects.select_for_update().get(pk=scale.pk)
    existing = {item.code: item for item in ScaleItem.objects.filter(scale=locked)}
    if set(items) != set(existing):
        raise ValidationError(_("Every item of the scale must be given, and only those."), code="items_mismatch")
    if not (name or "").strip():
        raise ValidationError({"name": _("Give the scale a name.")}, code="name_required")
    _check(locked, bands, items)
    locked.name, locked.description, locked.active, locked.bands = name.strip(), description or "", active, bands
    locked.save(update_fields=["name", "description", "active", "bands"])
    for code, item in existing.items():
        item.label, item.options = items[code]["label"].strip(), items[code]["options"]
        item.save(update_fields=["label", "options"])
    access_log_record(actor=actor, record=locked, action=AccessAction.UPDATE, purpose="scale edited")
    return locked
