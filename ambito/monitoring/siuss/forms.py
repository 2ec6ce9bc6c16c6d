from django import forms
from django.utils.translation import gettext_lazy as _

from ambito.care.models import BenefitCharacter, MeansTest
from ambito.core.forms import StyledFormMixin
from ambito.monitoring.siuss.models import (
    FAMILY_CODES,
    INVALIDITY_CODES,
    SINA_CODES,
    SinaDomain,
    SinaRule,
    SinbaRecord,
)

ISTAT_HELP = _("Three digits, from the ISTAT list of States: Italy 100, Albania 201, Romania 235, Ukraine 243, "
               "Morocco 436.")


class PersonSiussForm(StyledFormMixin, forms.Form):
    fiscal_code = forms.CharField(label=_("codice fiscale"), max_length=16, required=False)
    citizenship = forms.CharField(label=_("citizenship"), max_length=3, required=False, help_text=ISTAT_HELP)
    birthplace_code = forms.CharField(
        label=_("birthplace (cadastral code)"), max_length=4, required=False,
        help_text=_("Belfiore code of the Comune of birth (e.g. F704) or of the foreign State (Z…); empty: read from "
                    "the codice fiscale."))


class InterventionSiussForm(StyledFormMixin, forms.Form):
    request_protocol = forms.CharField(label=_("request protocol"), max_length=32, required=False)
    means_test = forms.ChoiceField(label=_("means test"), required=False,
                                   choices=[("", _("From the service"))] + list(MeansTest.choices))
    dsu_protocol = forms.CharField(label=_("DSU protocol"), max_length=30, required=False,
                                   help_text=_("e.g. INPS-ISEE-2026-00012345A-00"))
    dsu_date = forms.DateField(label=_("DSU date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    character = forms.ChoiceField(label=_("character of the benefit"), required=False,
                                  choices=[("", _("Periodic (default)"))] + list(BenefitCharacter.choices))
    monthly_amount = forms.DecimalField(label=_("monthly amount (EUR)"), required=False, min_value=0,
                                        max_digits=11, decimal_places=2)


class SinaForm(StyledFormMixin, forms.Form):
    invalidity = forms.MultipleChoiceField(label=_("civil invalidity certifications"), required=False,
                                           choices=INVALIDITY_CODES, widget=forms.CheckboxSelectMultiple)
    invalidity_source = forms.ChoiceField(
        label=_("source of the invalidity"), required=False,
        choices=[("", "—"), ("1", _("Certificate checked online or on paper")), ("2", _("Declared by the person"))])

    def __init__(self, *args, mapped=None, **kwargs):
        super().__init__(*args, **kwargs)
        mapped = mapped or {}
        for domain in SinaDomain:
            labels = dict(SINA_CODES[domain])
            hint = labels.get(mapped.get(domain.value))
            empty = _("From the mapping: %(value)s") % {"value": hint} if hint else _("Not recorded")
            self.fields[domain.value] = forms.ChoiceField(label=domain.label, required=False,
                                                          choices=[("", empty), *SINA_CODES[domain]])
            self.fields[domain.value].widget.attrs["class"] = "form-select"


class SinbaForm(StyledFormMixin, forms.ModelForm):
    family = forms.MultipleChoiceField(label=_("who lives with the minor"), required=False, choices=FAMILY_CODES,
                                       widget=forms.CheckboxSelectMultiple)
    first_report_on = forms.DateField(label=_("first report"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = SinbaRecord
        fields = ["unaccompanied_foreign", "child_condition", "living_place", "school", "work_condition",
                  "disability", "family", "first_report_on", "report_source", "child_assessment",
                  "family_assessment", "judicial_report", "judicial_measure", "father_citizenship",
                  "mother_citizenship"]


class EnteForm(StyledFormMixin, forms.Form):
    fiscal_code = forms.CharField(label=_("codice fiscale"), max_length=11, min_length=11,
                                  help_text=_("Eleven digits."))


class SinaRuleForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = SinaRule
        fields = ["domain", "scale", "item", "min_score", "max_score", "code", "order"]
