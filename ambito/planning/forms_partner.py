from django import forms
from django.utils.translation import gettext_lazy as _

from ambito.accounts.models import Organisation, OrganisationKind
from ambito.planning.models import PartnerObjective, PartnerPlanKind


class PartnerPlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerPlanKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    start_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100)
    organisation = forms.ModelChoiceField(
        label=_("Whose plan"), required=False,
        queryset=Organisation.objects.filter(kind__in=[OrganisationKind.HEALTH_AUTHORITY, OrganisationKind.REGION],
                                             active=True).order_by("name"))


class PartnerObjectiveForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=12)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PartnerLinkForm(forms.Form):
    partner_objective = forms.ModelChoiceField(label=_("Objective of the ASST's or the Region's plan"),
                                               queryset=PartnerObjective.objects.none())

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["partner_objective"].queryset = choices
        self.fields["partner_objective"].label_from_instance = (
            lambda o: f"{o.partner_plan.title} {o.partner_plan.start_year}–{o.partner_plan.end_year} · {o.code} {o.title}")
