"""Formatting of the regional comparison's figures (``monitoring.region.selectors.Row`` units)."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ambito.core.templatetags.ambito import euro
from ambito.monitoring.templatetags.monitoring import indicator_value

register = template.Library()


@register.filter
def region_value(value, unit):
    """A figure of the comparison: the indicator units as on the dashboard, plus euro with cents, FTE and yes/no."""
    if value is None:
        return "—"
    if unit == "yes_no":
        return _("yes") if value else _("no")
    if unit == "eur_cents":
        return euro(value, 2)
    if unit == "fte":
        return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return indicator_value(value, unit)
