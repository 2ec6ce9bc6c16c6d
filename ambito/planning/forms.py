from django import forms
from django.utils.translation import gettext_lazy as _

from ambito.accounts.models import Organisation
from ambito.core.forms import StyledFormMixin
from ambito.core.uploads import ATTACHMENT_KINDS, XLSX, UploadValidator
from ambito.network.models import Service
from ambito.network.taxonomy import Area, Leps, ServiceType
from ambito.planning.models import (
    ConsultationSection,
    ContributionStatus,
    Lea,
    SessionKind,
    StaffProfile,
)
from ambito.territory.models import Comune


class PlanCreateForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=200, initial="Piano di Zona")
    start_year = forms.IntegerField(label=_("first year of the triennium"), min_value=2000, max_value=2100)


class PlanTextForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("title"), max_length=200)
    needs_narrative = forms.CharField(label=_("needs analysis"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 5}))


class ObjectiveForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("code"), max_length=10, help_text=_("E.g. OB1."))
    title = forms.CharField(label=_("title"), max_length=300)
    description = forms.CharField(label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    priorities = forms.CharField(label=_("priorities"), required=False, help_text=_("One priority per line."),
                                 widget=forms.Textarea(attrs={"rows": 2}))


class InterventionForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(label=_("code"), max_length=12, help_text=_("Short code used in the budget spreadsheet, e.g. I01."))
    title = forms.CharField(label=_("title"), max_length=300)
    objective = forms.ModelChoiceField(label=_("strategic objective"), queryset=None, required=False)
    area = forms.ChoiceField(label=_("area of intervention"), choices=Area.choices)
    description = forms.CharField(label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    target_group = forms.CharField(label=_("target group"), max_length=300, required=False)
    comuni = forms.ModelMultipleChoiceField(label=_("Comuni covered"), queryset=None, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    lead_organisation = forms.ModelChoiceField(label=_("lead organisation"), queryset=None, required=False)
    partners = forms.ModelMultipleChoiceField(label=_("partners"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    service_type = forms.ChoiceField(label=_("service type"), choices=[("", "—"), *ServiceType.choices],
                                     required=False)
    service = forms.ModelChoiceField(label=_("service in the catalogue"), queryset=None, required=False)
    leps = forms.MultipleChoiceField(label=_("LEPS"), choices=Leps.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)
    lea = forms.MultipleChoiceField(label=_("LEA"), choices=Lea.choices, required=False,
                                    widget=forms.CheckboxSelectMultiple)
    start_date = forms.DateField(label=_("start"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("end"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    planned_total = forms.CharField(label=_("planned total cost (€)"), required=False,
                                    help_text=_("Cost over the triennium; the budget lines must add up to it."))
    always_available = forms.BooleanField(label=_("reachable 24 hours a day, 7 days a week"), required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = plan.objectives.all()
        self.fields["comuni"].queryset = Comune.objects.filter(ambito_id=plan.ambito_id).order_by("name")
        organisations = Organisation.objects.filter(ambito_id=plan.ambito_id, active=True).order_by("name")
        self.fields["lead_organisation"].queryset = organisations
        self.fields["partners"].queryset = organisations
        self.fields["service"].queryset = Service.objects.filter(ambito_id=plan.ambito_id, active=True).order_by("name")


class IndicatorForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("indicator"), max_length=300)
    unit = forms.CharField(label=_("unit"), max_length=40, required=False)
    baseline = forms.DecimalField(label=_("baseline"), required=False, max_digits=12, decimal_places=2)
    baseline_year = forms.IntegerField(label=_("baseline year"), required=False, min_value=2000, max_value=2100)
    lower_is_better = forms.BooleanField(label=_("lower is better"), required=False)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"target_{year}"] = forms.DecimalField(label=_("target %(year)s") % {"year": year},
                                                               required=False, max_digits=12, decimal_places=2)
            self.fields[f"target_{year}"].widget.attrs["class"] = "form-control"

    def targets(self) -> dict:
        return {year: self.cleaned_data.get(f"target_{year}") for year in self.years}


class StaffForm(StyledFormMixin, forms.Form):
    profile = forms.ChoiceField(label=_("profile"), choices=StaffProfile.choices)
    fte = forms.CharField(label=_("full-time equivalents"), max_length=10)
    employer = forms.ModelChoiceField(label=_("employer"), queryset=None)
    permanent = forms.BooleanField(label=_("permanent contract"), required=False, initial=True)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Organisation.objects.filter(ambito_id=plan.ambito_id).order_by("name")


class SessionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=SessionKind.choices)
    title = forms.CharField(label=_("title"), max_length=300)
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.CharField(label=_("hours"), max_length=6)
    organisation = forms.ModelChoiceField(label=_("organisation of the participants"), queryset=None)
    participants = forms.CharField(label=_("participants"), widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text=_("One name per line."))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(ambito_id=plan.ambito_id).order_by("name")


class TableForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    area = forms.ChoiceField(label=_("area"), choices=[("", "—"), *Area.choices], required=False)
    participants = forms.ModelMultipleChoiceField(label=_("participating organisations"), queryset=None,
                                                  required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Organisation.objects.filter(ambito_id=plan.ambito_id).order_by("name")


class ContributionForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    text = forms.CharField(label=_("proposal"), widget=forms.Textarea(attrs={"rows": 4}))
    table = forms.ModelChoiceField(label=_("thematic table"), queryset=None, required=False)
    objective = forms.ModelChoiceField(label=_("strategic objective"), queryset=None, required=False)
    intervention = forms.ModelChoiceField(label=_("intervention"), queryset=None, required=False)
    attachment = forms.FileField(label=_("attachment"), required=False,
                                 validators=[UploadValidator(*ATTACHMENT_KINDS)])

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table"].queryset = plan.tables.all()
        self.fields["objective"].queryset = plan.objectives.all()
        self.fields["intervention"].queryset = plan.interventions.all()


class DecisionForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("decision"), choices=[c for c in ContributionStatus.choices
                                                             if c[0] != ContributionStatus.SUBMITTED])
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    intervention = forms.ModelChoiceField(label=_("intervention"), queryset=None, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = plan.interventions.all()


class CommentForm(StyledFormMixin, forms.Form):
    section = forms.ChoiceField(label=_("section"), choices=ConsultationSection.choices)
    text = forms.CharField(label=_("your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Do not write personal data about yourself or others: comments are "
                                       "published without the author's name after moderation."))


class ModerationForm(StyledFormMixin, forms.Form):
    publish = forms.ChoiceField(label=_("decision"), choices=[("1", _("Publish")), ("0", _("Do not publish"))])
    answer = forms.CharField(label=_("answer of the planning office"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class PartyForm(StyledFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=None)
    role = forms.CharField(label=_("role in the agreement"), max_length=200, required=False)
    required = forms.BooleanField(label=_("signature required"), required=False, initial=True)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.exclude(kind="ets").filter(
            ambito_id=plan.ambito_id).order_by("name")


class SignatureForm(StyledFormMixin, forms.Form):
    signatory = forms.CharField(label=_("signatory"), max_length=200)
    signed_on = forms.DateField(label=_("signed on"), widget=forms.DateInput(attrs={"type": "date"}))


class TransitionForm(StyledFormMixin, forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(required=False)


class BudgetImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("budget spreadsheet (.xlsx)"), validators=[UploadValidator(XLSX)])


class ProgressForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    progress = forms.IntegerField(label=_("progress (%)"), min_value=0, max_value=100)
    progress_note = forms.CharField(label=_("progress note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MeetingForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    people_present = forms.IntegerField(label=_("people present"), min_value=0, max_value=10000, initial=0)
    attendees = forms.ModelMultipleChoiceField(label=_("organisations present"), queryset=None, required=False,
                                               widget=forms.CheckboxSelectMultiple)
    minutes = forms.CharField(label=_("minutes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, table, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = table.participants.all()
