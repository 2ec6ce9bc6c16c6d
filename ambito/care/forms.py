import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambito.access.models import Assessment, AssessmentDecision, AssessmentStatus, Person
from ambito.accounts.models import Organisation
from ambito.care import rules
from ambito.care.models import (
    ACTIVE_GOAL_STATUSES,
    BenefitCharacter,
    BudgetAxis,
    DeclineReason,
    DeliveryType,
    DischargeSetting,
    Funder,
    GoalStatus,
    HealthBudgetLine,
    IntensityUnit,
    MeansTest,
    NoteVisibility,
    Payer,
    TeamRole,
)
from ambito.core.concurrency import MISSING_VERSION
from ambito.core.forms import StyledFormMixin
from ambito.core.uploads import ATTACHMENT_KINDS, CSV, UploadValidator
from ambito.network.models import Service
from ambito.network.taxonomy import Area

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CaseTeamPersonForm(StyledFormMixin, forms.Form):
    """A form about one person of the actor's case teams, named with their pseudonym."""

    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(rules.case_team_q(actor, prefix=""))
        self.fields["person"].label_from_instance = lambda p: f"{p.full_name} ({p.pseudonym})"


class CarePlanForm(CaseTeamPersonForm):
    assessment = forms.ModelChoiceField(label=_("UVM assessment"), queryset=Assessment.objects.none(), required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)
    summary = forms.CharField(label=_("Needs and resources"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        self._completed_uvms = Assessment.objects.filter(rules.case_team_q(actor), status=AssessmentStatus.COMPLETED)
        self.fields["assessment"].queryset = self._completed_uvms.filter(
            decision=AssessmentDecision.CARE_PLAN).select_related("person")
        self.fields["assessment"].label_from_instance = lambda a: f"UVM {a.held_on:%d/%m/%Y} · {a.person.full_name}"

    def preselect(self, *, uvm=None, pseudonym=None) -> None:
        """Coming from a UVM (``?uvm=``), an admission from a waiting list (``?persona=…&uvm=…``) or a person's
        page (``?persona=``): the person is chosen already, and the area and title follow the UVM's request (the
        next step of the journey, not a list of everyone). Only a UVM that decided a personalised plan is linked
        to the plan; one that decided a service (the person just admitted to it) still gives its area and title."""
        assessment = self._completed_uvms.filter(pk=uvm).select_related(
            "person", "request", "decision_service").first() if uvm is not None else None
        if assessment is not None and assessment.decision != AssessmentDecision.CARE_PLAN:
            self.initial.pop("assessment", None)
        person = assessment.person if assessment is not None else (
            self.fields["person"].queryset.filter(pseudonym=pseudonym).first() if pseudonym else None)
        if person is None:
            return
        self.fields["person"].queryset = self.fields["person"].queryset.filter(pk=person.pk)
        self.initial["person"] = person.pk
        if assessment is not None:
            self.initial.setdefault("area", assessment.request.area)
            service = assessment.decision_service
            self.initial.setdefault("title", _("PAI — %(service)s") % {"service": service.name} if service
                                    else _("Individual care plan (PAI)"))


class CarePlanEditForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": MISSING_VERSION})
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)
    next_review_on = forms.DateField(label=_("Next review"), widget=DATE, required=False)
    summary = forms.CharField(label=_("Needs and resources"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class GoalForm(StyledFormMixin, forms.Form):
    description = forms.CharField(label=_("Goal"), max_length=300)
    indicator = forms.CharField(label=_("How it is measured"), max_length=200)
    baseline = forms.CharField(label=_("Starting value"), max_length=60, required=False)
    target = forms.CharField(label=_("Target"), max_length=60)
    review_on = forms.DateField(label=_("Review date"), widget=DATE)


class PlannedInterventionForm(StyledFormMixin, forms.Form):
    """What an intervention delivers, when, and who pays: planned, or corrected with a reason."""

    description = forms.CharField(label=_("What to deliver"), max_length=300)
    intensity = forms.DecimalField(label=_("Intensity"), max_digits=7, decimal_places=2, min_value=0)
    intensity_unit = forms.ChoiceField(label=_("Unit"), choices=IntensityUnit.choices)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)
    payer = forms.ChoiceField(label=_("Paid by"), choices=Payer.choices)
    person_share = forms.DecimalField(label=_("Person's share (EUR/month)"), max_digits=9, decimal_places=2,
                                      required=False)


class InterventionForm(PlannedInterventionForm):
    field_order = ["service"]  # then the planned fields, then SIUSS's
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none())
    # What SIUSS (PS-PSA) asks of the benefit, recorded when it is planned (#17).
    request_protocol = forms.CharField(label=_("request protocol"), max_length=32, required=False)
    means_test = forms.ChoiceField(label=_("means test"), required=False,
                                   choices=[("", _("From the service"))] + list(MeansTest.choices))
    dsu_protocol = forms.CharField(label=_("DSU protocol"), max_length=30, required=False,
                                   help_text=_("e.g. INPS-ISEE-2026-00012345A-00"))
    dsu_date = forms.DateField(label=_("DSU date"), widget=DATE, required=False)
    character = forms.ChoiceField(label=_("character of the benefit"), required=False,
                                  choices=[("", _("Periodic (default)"))] + list(BenefitCharacter.choices))
    monthly_amount = forms.DecimalField(label=_("monthly amount (EUR)"), max_digits=11, decimal_places=2,
                                        min_value=0, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(ambito_id=plan.ambito_id, active=True).exclude(
            service_type__in=["pua", "info_point"]).select_related("provider")
        self.fields["service"].label_from_instance = lambda s: f"{s.name} — {s.provider.name}"


class SignForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    signed_by = forms.CharField(label=_("Signed by"), max_length=120)


class ReferralSendForm(StyledFormMixin, forms.Form):
    response_days = forms.IntegerField(label=_("Days to answer"), min_value=1, max_value=60, initial=5)
    contact_email = forms.EmailField(
        label=_("E-mail for an answer link (providers without accounts)"), required=False)


class DeclineForm(StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DeclineReason.choices)
    note = forms.CharField(label=_("Details"), max_length=300, required=False)


class DeliveryForm(StyledFormMixin, forms.Form):
    delivered_on = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("From"), widget=TIME, required=False)
    end_time = forms.TimeField(label=_("To"), widget=TIME, required=False)
    hours = forms.DecimalField(label=_("Hours"), max_digits=6, decimal_places=2, required=False)
    delivery_type = forms.ChoiceField(label=_("Type"), choices=DeliveryType.choices)
    amount = forms.DecimalField(label=_("Amount (EUR)"), max_digits=11, decimal_places=2, required=False)
    operator_name = forms.CharField(label=_("Operator"), max_length=120)
    operator_ref = forms.CharField(label=_("Operator code"), max_length=40, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)


class WeekForm(StyledFormMixin, forms.Form):
    """One week of deliveries for one operator: a start and end time per day; empty days are skipped."""

    week_start = forms.DateField(label=_("Week starting on"), widget=DATE)
    delivery_type = forms.ChoiceField(label=_("Type"), choices=DeliveryType.choices)
    operator_name = forms.CharField(label=_("Operator"), max_length=120)
    operator_ref = forms.CharField(label=_("Operator code"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day in range(7):
            self.fields[f"start_{day}"] = forms.TimeField(required=False, widget=TIME)
            self.fields[f"end_{day}"] = forms.TimeField(required=False, widget=TIME)
        for name, field in self.fields.items():
            if name.startswith(("start_", "end_")):
                field.widget.attrs["class"] = "form-control"

    def days(self):
        start = self.initial.get("week_start") or (self.data and self.data.get("week_start")) or None
        rows = []
        for day in range(7):
            rows.append({"index": day, "start": self[f"start_{day}"], "end": self[f"end_{day}"],
                         "date": start})
        return rows

    def rows(self) -> list[dict]:
        data = self.cleaned_data
        result = []
        for day in range(7):
            start, end = data.get(f"start_{day}"), data.get(f"end_{day}")
            if start is None and end is None:
                continue
            result.append({"delivered_on": data["week_start"] + datetime.timedelta(days=day), "start_time": start,
                           "end_time": end, "delivery_type": data["delivery_type"],
                           "operator_name": data["operator_name"], "operator_ref": data.get("operator_ref", "")})
        return result


class CsvImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("CSV file"), validators=[UploadValidator(CSV)])


class NoteForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(label=_("Visible to"), choices=NoteVisibility.choices)
    referral = forms.IntegerField(label=_("Referral (for notes shared with the provider)"), required=False)
    attachment = forms.FileField(label=_("Attachment (PDF, JPEG, PNG, text; up to 10 MB)"), required=False,
                                 validators=[UploadValidator(*ATTACHMENT_KINDS)])


def week_start_default():
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


GOAL_OUTCOMES = [(v, label) for v, label in GoalStatus.choices if v != GoalStatus.OPEN] + [
    (GoalStatus.OPEN, _("Still open"))]


class ReviewForm(StyledFormMixin, forms.Form):
    """The plan's review: one outcome per open goal, a summary, the next review date (or closure)."""

    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DATE)
    summary = forms.CharField(label=_("What the review found"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False)
    next_review_on = forms.DateField(label=_("Next review"), widget=DATE, required=False)
    close = forms.BooleanField(label=_("Close the plan"), required=False)

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = [g for g in goals if g.status in ACTIVE_GOAL_STATUSES]
        for goal in self.goals:
            # No answer chosen in advance: the reviewer says what happened to each goal.
            self.fields[f"outcome_{goal.pk}"] = forms.ChoiceField(label=goal.description,
                                                                  choices=[("", "—"), *GOAL_OUTCOMES])
            self.fields[f"value_{goal.pk}"] = forms.CharField(label=_("Measured value"), max_length=60,
                                                              required=False)
        for name, field in self.fields.items():
            if name.startswith(("outcome_", "value_")):
                css = "form-select" if name.startswith("outcome_") else "form-control"
                field.widget.attrs["class"] = css

    def goal_rows(self):
        return [{"goal": g, "outcome": self[f"outcome_{g.pk}"], "value": self[f"value_{g.pk}"]} for g in self.goals]

    def outcomes(self) -> dict:
        return {g.pk: {"outcome": self.cleaned_data[f"outcome_{g.pk}"], "value": self.cleaned_data[f"value_{g.pk}"]}
                for g in self.goals}


class DischargeForm(CaseTeamPersonForm):
    setting = forms.ChoiceField(label=_("From"), choices=DischargeSetting.choices)
    facility = forms.CharField(label=_("Facility and ward"), max_length=200)
    planned_on = forms.DateField(label=_("Planned discharge date"), widget=DATE)


class DischargeServiceForm(StyledFormMixin, forms.Form):
    service = forms.ModelChoiceField(label=_("Service that must be active on the day"),
                                     queryset=Service.objects.none())

    def __init__(self, *args, discharge, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(ambito_id=discharge.ambito_id, active=True).exclude(
            service_type__in=["pua", "info_point"])


class DischargeTaskForm(StyledFormMixin, forms.Form):
    label = forms.CharField(label=_("Task"), max_length=200)
    owner_organisation = forms.ModelChoiceField(label=_("Owner"), queryset=Organisation.objects.none())
    owner_name = forms.CharField(label=_("Person in charge"), max_length=120, required=False)
    due_on = forms.DateField(label=_("Due by"), widget=DATE)

    def __init__(self, *args, discharge, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(ambito_id=discharge.ambito_id,
                                                                                 active=True)


class HealthBudgetForm(CaseTeamPersonForm):
    title = forms.CharField(label=_("Project"), max_length=200)
    area = forms.ChoiceField(label=_("Area"), choices=[(Area.MENTAL_HEALTH, Area.MENTAL_HEALTH.label),
                                                       (Area.DISABILITY, Area.DISABILITY.label)])
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)


class BudgetLineForm(StyledFormMixin, forms.Form):
    axis = forms.ChoiceField(label=_("Axis"), choices=BudgetAxis.choices)
    funder = forms.ChoiceField(label=_("Funder"), choices=Funder.choices)
    description = forms.CharField(label=_("What it pays for"), max_length=200)
    planned_amount = forms.DecimalField(label=_("Planned (EUR)"), max_digits=11, decimal_places=2)


class BudgetExpenseForm(StyledFormMixin, forms.Form):
    line = forms.ModelChoiceField(label=_("Budget line"), queryset=HealthBudgetLine.objects.none())
    spent_on = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount (EUR)"), max_digits=11, decimal_places=2)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args, budget, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = budget.lines.all()
        self.fields["line"].label_from_instance = lambda line: f"{line.get_axis_display()} · {line.description}"


class BudgetMemberForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=TeamRole.choices)
    name = forms.CharField(label=_("Name"), max_length=150)


# --- Corrections and cancellations (with their reason) -------------------------------------------------------


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Reason"))
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("help_text", _("Kept with the record and shown in its change history."))
        super().__init__(**kwargs)


class CancelForm(StyledFormMixin, forms.Form):
    reason = ReasonField()


class InterventionCorrectForm(PlannedInterventionForm):
    reason = ReasonField()


class CaseManagerForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    case_manager = forms.ModelChoiceField(label=_("Case manager"), queryset=None)
    reason = ReasonField()

    def __init__(self, *args, plan, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True, memberships__active=True,
                                                memberships__role__in=rules.TEAM_ROLES).distinct()
        self.fields["case_manager"].queryset = users.filter(
            pk__in=[u.pk for u in users if rules.can_edit_care_plan(u, plan)]).order_by("last_name", "first_name")
        self.fields["case_manager"].label_from_instance = lambda u: u.get_full_name() or u.username


class DeliveryCorrectForm(DeliveryForm):
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=8, decimal_places=2, required=False)
    reason = ReasonField()


class BudgetExpenseCorrectForm(StyledFormMixin, forms.Form):
    spent_on = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount (EUR)"), max_digits=11, decimal_places=2)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    reason = ReasonField()
