"""Forms of the money loop pages (spending, fund reports, unit costs, reinvested savings)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ambito.accounts.models import Organisation
from ambito.core.forms import StyledFormMixin
from ambito.core.uploads import CSV, XLSX, UploadValidator
from ambito.network.models import Service
from ambito.planning.models import CostBasis, FundingSource, PaymentStage
from ambito.planning.selectors_spending import REPORTED_FUNDS
from ambito.territory.models import Comune

DATE = forms.DateInput(attrs={"type": "date"})


class _PlanForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        for name, field in self.fields.items():
            if name in ("comune", "ente"):
                field.queryset = Comune.objects.filter(ambito_id=plan.ambito_id).order_by("name")
            elif name == "intervention":
                field.queryset = plan.interventions.order_by("code")
            elif name in ("provider",):
                field.queryset = Organisation.objects.filter(ambito_id=plan.ambito_id).order_by("name")
            elif name == "service":
                field.queryset = Service.objects.filter(ambito_id=plan.ambito_id).order_by("name")
            elif name == "year":
                field.widget = forms.Select(choices=[(y, y) for y in plan.years])


class SpendingImportForm(_PlanForm):
    ente = forms.ModelChoiceField(label=_("Comune keeping the accounts"), queryset=None)
    file = forms.FileField(label=_("accounting export (.csv or .xlsx)"), validators=[UploadValidator(CSV, XLSX)])


class AccountingCodeForm(_PlanForm):
    ente = forms.ModelChoiceField(label=_("Comune keeping the accounts"), queryset=None)
    code = forms.CharField(label=_("accounting code"), max_length=40, help_text=_("Chapter/article, e.g. 12010/01."))
    intervention = forms.ModelChoiceField(label=_("intervention"), queryset=None)
    source = forms.ChoiceField(label=_("funding source"), choices=FundingSource.choices)
    comune = forms.ModelChoiceField(label=_("Comune (own funds only)"), queryset=None, required=False)


class CommitmentForm(_PlanForm):
    intervention = forms.ModelChoiceField(label=_("intervention"), queryset=None)
    year = forms.IntegerField(label=_("year"))
    source = forms.ChoiceField(label=_("funding source"), choices=FundingSource.choices)
    comune = forms.ModelChoiceField(label=_("Comune (own funds only)"), queryset=None, required=False)
    amount = forms.CharField(label=_("committed (€)"), max_length=20)
    act_number = forms.CharField(label=_("act number"), max_length=60)
    act_date = forms.DateField(label=_("act date"), widget=DATE)
    provider = forms.ModelChoiceField(label=_("contractor"), queryset=None, required=False)


class PaymentForm(StyledFormMixin, forms.Form):
    act_number = forms.CharField(label=_("commitment (act number)"), max_length=60)
    stage = forms.ChoiceField(label=_("stage"), choices=PaymentStage.choices, initial=PaymentStage.PAID)
    amount = forms.CharField(label=_("amount (€)"), max_length=20)
    paid_on = forms.DateField(label=_("date"), widget=DATE)
    payee = forms.CharField(label=_("payee"), max_length=200)
    reference = forms.CharField(label=_("reference"), max_length=60, required=False)


class CarryOverForm(_PlanForm):
    source = forms.ChoiceField(label=_("funding source"), choices=FundingSource.choices)
    comune = forms.ModelChoiceField(label=_("Comune (own funds only)"), queryset=None, required=False)
    amount = forms.CharField(label=_("amount (€)"), max_length=20, required=False,
                             help_text=_("Leave blank to remove the carry-over of this source."))
    note = forms.CharField(label=_("note"), max_length=300, required=False)


FUND_CHOICES = [(str(s), s.label) for s in REPORTED_FUNDS]


class AllocationForm(StyledFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("fund"), choices=FUND_CHOICES)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    amount = forms.CharField(label=_("allocation received (€)"), max_length=20)
    act = forms.CharField(label=_("allocation act"), max_length=200, required=False)


class FundReportForm(StyledFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("fund"), choices=FUND_CHOICES)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    reason = forms.CharField(label=_("reason for the correction"), max_length=300, required=False,
                             help_text=_("Required when a version of this report was already submitted."))


class UnitCostForm(_PlanForm):
    service = forms.ModelChoiceField(label=_("service"), queryset=None)
    provider = forms.ModelChoiceField(label=_("provider"), queryset=None)
    basis = forms.ChoiceField(label=_("basis"), choices=CostBasis.choices)
    rate = forms.CharField(label=_("rate (€)"), max_length=20)
    valid_from = forms.DateField(label=_("valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("valid to"), widget=DATE, required=False)


class ReinvestmentForm(StyledFormMixin, forms.Form):
    baseline_start = forms.IntegerField(label=_("baseline from"), min_value=2000, max_value=2100)
    baseline_end = forms.IntegerField(label=_("baseline to"), min_value=2000, max_value=2100)
    cost_per_bed_day = forms.CharField(label=_("cost of a bed-day (€)"), max_length=20)
    share = forms.CharField(label=_("share reinvested (%)"), max_length=10)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class HealthFiguresForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("ASL aggregate figures (.csv or .xlsx)"), validators=[UploadValidator(CSV, XLSX)])
