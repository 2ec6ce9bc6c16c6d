"""Scoring of a scale from item answers, for any scale defined as data (``Scale`` + ``ScaleItem``)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class ScoreResult:
    score: Decimal
    max_score: Decimal
    applicable_items: int
    total_items: int
    corrected_score: Decimal | None
    band: str

    @property
    def banded_score(self) -> Decimal:
        return self.corrected_score if self.corrected_score is not None else self.score


def band_for(scale, value: Decimal) -> str:
    """The band whose lower bound is the highest one not above ``value`` (bands are contiguous)."""
    label = ""
    for band in sorted(scale.bands or [], key=lambda b: Decimal(str(b["min"]))):
        if Decimal(str(band["min"])) <= value:
            label = band["label"]
    return label


def score_answers(scale, items, answers: dict) -> ScoreResult:
    """Score ``answers`` ({item code: option value}) on ``scale``.

    Every item must be answered with one of its options; anything else (a missing item, an unknown item, a
    value outside the options) is refused with the item named, so nothing is saved half-scored.
    An option with ``points: null`` means "activity never done" (Lawton): the raw score counts the items that
    apply, and ``corrected_score`` = raw × items of the scale ÷ items that apply, rounded to one decimal, so a
    person is not marked dependent for an activity they never did."""
    if not isinstance(answers, dict):
        raise ValidationError(_("The answers must map each item to one of its options."))
    errors = {}
    known = {item.code for item in items}
    for code in sorted(set(answers) - known):
        errors[code] = _("“%(item)s” is not an item of the scale %(scale)s.") % {"item": code, "scale": scale.name}
    score = Decimal(0)
    applicable = 0
    for item in items:
        if item.code not in answers or answers[item.code] in (None, ""):
            errors[item.code] = _("Answer “%(label)s”.") % {"label": item.label}
            continue
        value = str(answers[item.code])
        option = next((o for o in item.options if str(o["value"]) == value), None)
        if option is None:
            allowed = ", ".join(str(o["value"]) for o in item.options)
            errors[item.code] = _("“%(value)s” is not a valid answer for “%(label)s” (allowed: %(allowed)s).") % {
                "value": value, "label": item.label, "allowed": allowed}
            continue
        if option["points"] is None:
            if not scale.allows_not_applicable:
                errors[item.code] = _("“%(label)s” cannot be marked as never done.") % {"label": item.label}
            continue
        applicable += 1
        score += Decimal(str(option["points"]))
    if errors:
        raise ValidationError(errors)
    if applicable == 0:
        raise ValidationError(_("At least one activity must apply to compute the score."))
    if not scale.min_score <= score <= scale.max_score:  # a badly defined scale, never a user's fault
        raise ValidationError(_("The computed score is outside the range of the scale: check its definition."))
    corrected = None
    if applicable < len(items):
        corrected = (score * len(items) / applicable).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
    return ScoreResult(
        score=score.quantize(ONE_PLACE),
        max_score=Decimal(scale.max_score).quantize(ONE_PLACE),
        applicable_items=applicable,
        total_items=len(items),
        corrected_score=corrected,
        band=band_for(scale, corrected if corrected is not None else score),
    )
