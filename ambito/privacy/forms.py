from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ambito.accounts.models import AccessAction, AccessPurpose
from ambito.core.forms import StyledFormMixin
from ambito.privacy.models import PrivacyRequestKind
from ambito.privacy.services import EXPORT_FORMATS


class PrivacyRequestForm(StyledFormMixin, forms.Form):
    pseudonym = forms.CharField(label=_("Person's pseudonym"), max_length=16,
                                help_text=_("Find the person on the PUA first; the request names them by pseudonym."))
    kind = forms.ChoiceField(label=_("Right exercised"), choices=PrivacyRequestKind.choices)
    received_at = forms.DateTimeField(label=_("Received at"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                      help_text=_("Empty: now."))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("complete", _("Grant and close")),
                                                               ("reject", _("Refuse"))])
    outcome = forms.CharField(label=_("Answer to the person"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[(f, f.upper()) for f in EXPORT_FORMATS])
    request = forms.IntegerField(required=False)


class LiftRestrictionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why the limitation ends"), max_length=150)


# Filters of the access log pages (*registro degli accessi*), read from the query string.

class AccessLogFilterForm(StyledFormMixin, forms.Form):
    dal = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    al = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    azione = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("All actions")), *AccessAction.choices])
    finalita = forms.ChoiceField(label=_("Purpose"), required=False,
                                 choices=[("", _("All purposes")), *AccessPurpose.choices])

    def clean(self):
        data = super().clean()
        if data.get("dal") and data.get("al") and data["dal"] > data["al"]:
            raise ValidationError(_("The start date is after the end date."))
        return data

    def filters(self) -> dict:
        """The selector's filters; an invalid form filters nothing (its errors are shown)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"date_from": data.get("dal"), "date_to": data.get("al"), "action": data.get("azione"),
                "purpose": data.get("finalita"), "user": data.get("utente"),
                "exclude_own_audit": not data.get("mie_letture")}


class AccessLogListFilterForm(AccessLogFilterForm):
    """The DPO's view of the whole log of their Ambiti: also by user."""

    utente = forms.ModelChoiceField(label=_("User"), required=False, queryset=None, empty_label=_("All users"))
    mie_letture = forms.BooleanField(label=_("Include my own reads of the log"), required=False)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["utente"].queryset = users
        self.fields["utente"].label_from_instance = lambda user: f"{user.get_full_name() or user.username} ({user.username})"
