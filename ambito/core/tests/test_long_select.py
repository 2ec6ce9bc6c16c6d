"""``LongSelect`` writes the same markup as Django's ``Select``, only without a template per option."""

import re

import pytest
from django import forms

from ambito.core.forms import LongSelect

CHOICES = [("", "Tutti i Comuni"), ("108033", "Monza"), ("108012", "Brugherio <&> \"Sud\"")]


def _same_markup(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", ["", "108033", None, "not-a-choice", ["108012"]])
def test_it_renders_what_django_select_renders(value):
    attrs = {"class": "form-select", "aria-describedby": "id_comune_helptext"}
    django_select = forms.Select(attrs=attrs, choices=CHOICES).render("comune", value, attrs={"id": "id_comune",
                                                                                                "required": True})
    long_select = LongSelect(attrs=attrs, choices=CHOICES).render("comune", value, attrs={"id": "id_comune",
                                                                                           "required": True})
    assert _same_markup(long_select) == _same_markup(django_select)


def test_the_directory_form_offers_every_comune_of_an_ambito_with_the_chosen_one_selected(demo_with):
    from ambito.portal.forms import DirectoryForm
    from ambito.territory.models import Comune

    demo_with("territory")
    monza = Comune.objects.get(name="Monza")
    html = DirectoryForm({"comune": monza.istat_code})["comune"].as_widget()
    assert f'<option value="{monza.istat_code}" selected>Monza</option>' in html
    assert html.count("<option") == 1 + Comune.objects.filter(ambito__isnull=False).count()
