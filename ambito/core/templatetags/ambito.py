"""Formatting filters used by every template: money, percentages, durations, localised numbers."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def euro(value, decimals=2):
    """€ amounts in the active locale: "€ 1.234,56" in Italian, "€ 1,234.56" in English."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    return "€\u00a0" + number_format(amount, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)


@register.filter
def num(value, decimals=0):
    """A localised number with grouping; "—" for a missing value (never a misleading zero)."""
    if value is None or value == "":
        return "—"
    return number_format(value, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)


@register.filter
def pct(value, decimals=1):
    if value is None or value == "":
        return "—"
    return number_format(value, decimal_pos=int(decimals), use_l10n=True, force_grouping=True) + "\u00a0%"


@register.filter
def days(value):
    if value is None:
        return "—"
    return _("%(n)s d") % {"n": number_format(value, decimal_pos=0, use_l10n=True)}


@register.simple_tag
def max_body_bytes():
    """The largest request body the server reads (``DATA_UPLOAD_MAX_MEMORY_SIZE``), for the check made before
    a form is sent (core/js/app.js)."""
    from django.conf import settings

    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
