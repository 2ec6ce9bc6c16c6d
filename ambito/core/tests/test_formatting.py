from decimal import Decimal

from django.utils import translation

from ambito.core.templatetags.ambito import euro, num, pct


def test_euro_amounts_follow_the_active_language():
    with translation.override("it"):
        assert euro(Decimal("1234567.5")) == "€\u00a01.234.567,50"
    with translation.override("en"):
        assert euro(Decimal("1234567.5")) == "€\u00a01,234,567.50"


def test_missing_values_show_a_dash_not_zero():
    assert euro(None) == "—"
    assert num(None) == "—"
    assert pct(None) == "—"


def test_numbers_and_percentages_are_grouped_and_localised():
    with translation.override("it"):
        assert num(121799) == "121.799"
        assert pct(Decimal("24.9")) == "24,9\u00a0%"
