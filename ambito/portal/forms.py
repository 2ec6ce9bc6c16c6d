from django import forms
from django.utils.translation import gettext_lazy as _

from ambito.core.forms import LongSelect, StyledFormMixin
from ambito.network.selectors import DirectoryFilters
from ambito.network.taxonomy import Area, Fee, TargetGroup
from ambito.territory.models import Comune


class DirectoryForm(StyledFormMixin, forms.Form):
    """The directory's search form, read from the query string so every search can be bookmarked."""

    q = forms.CharField(label=_("What are you looking for?"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. home care")}))
    comune = forms.ChoiceField(label=_("Comune"), required=False, widget=LongSelect)
    area = forms.ChoiceField(label=_("Area"), required=False, choices=[("", _("All areas")), *Area.choices])
    target = forms.ChoiceField(label=_("For whom"), required=False,
                               choices=[("", _("Everyone")), *TargetGroup.choices])
    fee = forms.ChoiceField(label=_("Cost"), required=False, choices=[("", _("Any cost")), *Fee.choices])
    open = forms.BooleanField(label=_("Open now"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comune"].choices = [("", _("All Comuni")), *Comune.objects.filter(ambito__isnull=False).order_by(
            "name").values_list("istat_code", "name")]

    def filters(self) -> DirectoryFilters:
        if not self.is_valid():
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        else:
            data = self.cleaned_data
        return DirectoryFilters(q=data.get("q") or "", comune=data.get("comune") or "", area=data.get("area") or "",
                                target=data.get("target") or "", fee=data.get("fee") or "",
                                open_now=bool(data.get("open")))
