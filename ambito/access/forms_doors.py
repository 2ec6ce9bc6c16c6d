"""Forms of the doors of the PUA (``services.doors``) and of the consents recorded in one form. They parse
input only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ambito.access.models import ConsentKind, Sex, Urgency
from ambito.core.forms import StyledFormMixin
from ambito.network.models import ContactChannel
from ambito.network.taxonomy import Area

# The consents a door may collect; the information notice is required (``services.request_bring``).
DOOR_CONSENTS = [ConsentKind.INFORMATION_NOTICE, ConsentKind.CARE_PROCESSING, ConsentKind.HEALTH_SHARING,
                 ConsentKind.PROVIDER_SHARING, ConsentKind.CONTACT]


class BringForm(StyledFormMixin, forms.Form):
    """One form for a door: who, what they agreed to, what they need."""

    fiscal_code = forms.CharField(label=_("Codice fiscale"), max_length=16)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"}))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    residence_comune = forms.ModelChoiceField(label=_("Comune of residence"), queryset=None)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    lives_alone = forms.BooleanField(label=_("Lives alone"), required=False)
    consents = forms.MultipleChoiceField(
        label=_("Information notice and consents collected"), widget=forms.CheckboxSelectMultiple,
        choices=[(kind.value, kind.label) for kind in DOOR_CONSENTS], initial=[ConsentKind.INFORMATION_NOTICE],
        help_text=_("The information notice is required; tick the consents the person gave."))
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices)
    urgency = forms.TypedChoiceField(label=_("Urgency"), choices=Urgency.choices, coerce=int,
                                     initial=Urgency.NORMAL)
    need = forms.CharField(label=_("Need"), widget=forms.Textarea(attrs={"rows": 3}))
    confirm_birthplace = forms.BooleanField(label=_("I checked the document: the birthplace code is correct"),
                                            required=False)

    def __init__(self, *args, comuni, desk_gps=None, info_point=False, identity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residence_comune"].queryset = comuni
        if desk_gps is not None:
            self.fields["desk_gp"] = forms.ModelChoiceField(
                label=_("GP present at the desk"), queryset=desk_gps, required=False,
                help_text=_("With a GP present the request counts as a joint GP and social-worker assessment."))
            self.fields["desk_gp"].label_from_instance = lambda user: user.get_full_name() or user.get_username()
        if info_point:
            self.fields["contact_channel"] = forms.ChoiceField(label=_("How the person reached the info-point"),
                                                               choices=ContactChannel.choices)
        for name, value in (identity or {}).items():  # fixed by the identity provider (SPID/CIE)
            if name in self.fields and value:
                self.fields[name].disabled = True
                self.fields[name].initial = value

    def person_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("fiscal_code", "first_name", "last_name", "birth_date", "sex",
                                              "residence_comune", "address", "phone", "lives_alone")}


class ConsentsForm(StyledFormMixin, forms.Form):
    """Every information notice and consent on one form, one submit (GDPR art. 7 and 13): for each processing,
    given, refused or withdrawn, or left as it is."""

    notice_version = forms.CharField(label=_("Notice version"), max_length=40, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    ANSWERS = [("", _("Leave as it is")), ("yes", _("Consent given")), ("no", _("Refused or withdrawn"))]

    def __init__(self, *args, in_force=None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in ConsentKind:
            current = (in_force or {}).get(kind.value)
            self.fields[f"kind_{kind.value}"] = forms.ChoiceField(
                label=kind.label, choices=self.ANSWERS, required=False,
                help_text=_("In force: given") if current else (_("In force: refused") if current is False else
                                                                  _("Nothing recorded yet.")))

    def kind_fields(self):
        return [self[f"kind_{kind.value}"] for kind in ConsentKind]

    def answers(self) -> dict:
        return {name.removeprefix("kind_"): value == "yes" for name, value in self.cleaned_data.items()
                if name.startswith("kind_") and value}
