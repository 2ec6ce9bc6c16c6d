"""Formatting of indicator values by unit."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ambito.core.templatetags.ambito import euro, num, pct
from ambito.monitoring.indicators import UNITS

register = template.Library()


@register.filter
def indicator_value(value, unit):
    """A value with its unit; "—" when there is no data."""
    if value is None:
        return "—"
    if unit == "eur":
        return euro(value, 0)
    if unit == "percent":
        return pct(value)
    if unit in ("persons", "requests", "answers", "residents_per_fte"):
        return num(value, 0)
    decimals = 2 if unit in ("score_1_5", "per_1000") else 1
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def figure(value, decimals=2):
    """A plan indicator's figure, whose unit is free text ("persone", "ore"): a whole number is written without
    decimals ("120 persone", never "120,00"), any other with up to ``decimals``."""
    if value is None or value == "":
        return "—"
    if value == int(value):
        return num(value, 0)
    return num(value, decimals)


@register.filter
def unit_label(unit):
    label = UNITS.get(unit, unit)
    return "" if unit in ("eur", "percent") else str(label)


@register.filter
def trend_text(tile):
    if not tile.trend:
        return _("no comparison with the previous period")
    previous = indicator_value(tile.previous, tile.unit)
    if tile.trend == "flat":
        return _("unchanged from the previous period (%(previous)s)") % {"previous": previous}
    text = _("up from %(previous)s") if tile.trend == "up" else _("down from %(previous)s")
    return text % {"previous": previous}
