from django import forms
from django.utils.translation import gettext_lazy as _

from ambito.core.forms import StyledFormMixin
from ambito.network.models import ContactChannel, ContactTopic, ProviderProfile, Service
from ambito.network.taxonomy import Area, TargetGroup


class ServiceForm(StyledFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    target_groups = forms.MultipleChoiceField(label=_("Target groups"), choices=TargetGroup.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    languages = forms.CharField(label=_("Languages"), required=False,
                                help_text=_("ISO 639-1 codes separated by commas, e.g. it, en, ar."))

    class Meta:
        model = Service
        fields = ["name", "description", "taxonomy_term", "target_groups", "minimum_age", "maximum_age", "isee_max",
                  "eligibility_description", "application_process", "fee", "fees_description", "languages",
                  "phone", "email", "url", "capacity", "capacity_unit", "target_wait_days", "active"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility_description": forms.Textarea(attrs={"rows": 2}),
            "application_process": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.initial["languages"] = ", ".join(self.instance.languages or [])

    def clean_languages(self):
        codes = [c.strip().lower() for c in self.cleaned_data["languages"].split(",") if c.strip()]
        for code in codes:
            if len(code) != 2 or not code.isalpha():
                raise forms.ValidationError(_("%(code)s is not a two-letter language code.") % {"code": code})
        return codes


class ProviderProfileForm(StyledFormMixin, forms.ModelForm):
    """An organisation's profile. ``office``: the planning office is editing, with the accreditation and RUNTS
    fields (``OFFICE_FIELDS``); the organisation itself edits the rest only."""

    OFFICE_FIELDS = ("runts_number", "runts_section", "accreditation_status", "accreditation_date",
                     "accreditation_expiry")
    version = forms.IntegerField(widget=forms.HiddenInput)
    areas = forms.MultipleChoiceField(label=_("Areas of activity"), choices=Area.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ProviderProfile
        fields = ["description", "legal_form", "runts_number", "runts_section", "areas", "accreditation_status",
                  "accreditation_date", "accreditation_expiry", "contact_name", "contact_email", "contact_phone"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "accreditation_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "accreditation_expiry": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, office: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        if not office:
            for name in self.OFFICE_FIELDS:
                del self.fields[name]


class ContactForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    topic = forms.ChoiceField(label=_("Topic"), choices=ContactTopic.choices)
    referred_to = forms.ModelChoiceField(label=_("Referred to"), queryset=Service.objects.none(), required=False,
                                         empty_label=_("No referral"))

    def __init__(self, *args, info_point, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_to"].queryset = Service.objects.filter(
            ambito_id=info_point.ambito_id, active=True).exclude(pk=info_point.pk).order_by("name")


class SynonymsForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Synonyms"), required=False, widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("One word a line, an equals sign, then the words or phrases to search for as well, separated "
                    "by commas: badante = assistenza domiciliare, assistente familiare"),
    )


class HsdsUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("HSDS file (JSON)"),
                           help_text=_("Services, organizations, locations or taxonomies in Open Referral HSDS 3.0."))


class HsdsApproveForm(StyledFormMixin, forms.Form):
    comuni = forms.ModelMultipleChoiceField(
        label=_("Comuni covered"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("For the services that name no Comune of the Ambito. Services that name some cover those."))

    def __init__(self, *args, ambito, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comuni"].queryset = ambito.comuni.order_by("name")
