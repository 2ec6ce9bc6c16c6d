from django import forms
from django.utils.translation import gettext_lazy as _

from ambito.monitoring.plans.selectors import linkable_codes


class LinkForm(forms.Form):
    """Link an indicator of the plan to the monitoring indicator that measures it."""

    plan_indicator = forms.ModelChoiceField(queryset=None, label=_("Indicator of the plan"))
    code = forms.ChoiceField(label=_("Measured by the monitoring indicator"))
    service = forms.ModelChoiceField(queryset=None, required=False, label=_("Service (optional)"),
                                     help_text=_("Only when the plan's indicator is about one service."))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        from ambito.network.models import Service
        from ambito.planning.models import Indicator

        self.fields["plan_indicator"].queryset = Indicator.objects.filter(intervention__plan=plan).select_related(
            "intervention").order_by("intervention__code", "name")
        self.fields["plan_indicator"].label_from_instance = lambda i: f"{i.intervention.code} — {i.name}"
        self.fields["code"].choices = [("", "—")] + linkable_codes()
        self.fields["service"].queryset = Service.objects.filter(comuni__ambito_id=plan.ambito_id).distinct(
        ).order_by("name")
