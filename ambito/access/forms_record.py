"""Forms of the person's record: its edit (versioned), contacts and guardian, transfer to another Comune."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ambito.access.models import ContactKind, Sex
from ambito.core.concurrency import MISSING_VERSION
from ambito.core.forms import StyledFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonEditForm(StyledFormMixin, forms.Form):
    """The record's data as the PUA keeps it; the Comune of residence changes only through a transfer."""

    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": MISSING_VERSION})
    fiscal_code = forms.CharField(label=_("Codice fiscale"), max_length=16, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    lives_alone = forms.BooleanField(label=_("Lives alone"), required=False)
    household_notes = forms.CharField(label=_("Household notes"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    confirm_birthplace = forms.BooleanField(label=_("I checked the document: the birthplace code is correct"),
                                            required=False)


class ContactForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Who"), choices=ContactKind.choices)
    name = forms.CharField(label=_("Name"), max_length=150)
    relationship = forms.CharField(label=_("Relationship"), max_length=80, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lives_with_person = forms.BooleanField(label=_("Lives with the person"), required=False)
    court_decree = forms.CharField(label=_("Court decree (guardian, support administrator)"), max_length=120,
                                   required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ContactEndForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why no longer in force"), max_length=300)


class TransferForm(StyledFormMixin, forms.Form):
    to_comune = forms.ModelChoiceField(label=_("Moves to the Comune of"), queryset=None)
    moved_on = forms.DateField(label=_("Moved on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    handover_note = forms.CharField(label=_("Handover note for the receiving social service"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, person, **kwargs):
        from ambito.territory.models import Comune

        super().__init__(*args, **kwargs)
        self.fields["to_comune"].queryset = Comune.objects.exclude(pk=person.residence_comune_id).order_by("name")
