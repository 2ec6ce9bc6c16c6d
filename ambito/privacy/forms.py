from django import forms
from django.utils.translation import gettext_lazy as _

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
