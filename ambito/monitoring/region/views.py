"""``/monitoraggio/regione/``: the Ambiti of the reader's Region side by side for one year."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ambito.core.forms import StyledFormMixin
from ambito.monitoring.region import selectors
from ambito.monitoring.rules import can_run_reports

# The planning office and the regional observer: the readers of reports and aggregates across Comuni.
can_compare_ambiti = can_run_reports


class RegionYearForm(StyledFormMixin, forms.Form):
    """The year compared, from the query string (``anno``)."""

    anno = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anno"].choices = [(year, str(year)) for year in selectors.offered_years()]

    def clean_anno(self):
        year = self.cleaned_data.get("anno")
        if year in (None, ""):
            return selectors.default_year()
        try:
            return selectors.check_year(year)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None


@login_required
def region_comparison(request):
    """*Confronto tra gli Ambiti*: indicators, LEPS and spending per resident of every Ambito the reader sees."""
    if not can_compare_ambiti(request.user):
        raise PermissionDenied
    form = RegionYearForm(request.GET or None, initial={"anno": selectors.default_year()})
    if request.GET and not form.is_valid():
        return render(request, "monitoring/region.html", {"form": form, "comparison": None}, status=400)
    year = form.cleaned_data["anno"] if request.GET else selectors.default_year()
    comparison = selectors.region_comparison(actor=request.user, year=year)
    return render(request, "monitoring/region.html", {"form": form, "comparison": comparison})
