"""Forms of the PUA pages. They parse input only; the rules live in ``access.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ambito.access.models import (
    AssessmentDecision,
    CaregiverBurden,
    Channel,
    ConsentKind,
    Intensity,
    IseeBand,
    NeedProfile,
    RemovalReason,
    ScoreOperator,
    Sex,
    SlotChangeReason,
    TriageKind,
    TriageOutcome,
    Urgency,
)
from ambito.access.services.persons import (
    BIRTHPLACE_INVALID,
    BIRTHPLACE_PATTERN,
    CITIZENSHIP_INVALID,
    CITIZENSHIP_PATTERN,
)
from ambito.core.forms import StyledFormMixin
from ambito.network.taxonomy import Area


class PersonForm(StyledFormMixin, forms.Form):
    fiscal_code = forms.CharField(label=_("Codice fiscale"), max_length=16, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"}))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    residence_comune = forms.ModelChoiceField(label=_("Comune of residence"), queryset=None)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    lives_alone = forms.BooleanField(label=_("Lives alone"), required=False)
    household_notes = forms.CharField(label=_("Household notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    citizenship = forms.RegexField(label=_("citizenship"), regex=CITIZENSHIP_PATTERN, max_length=3,
                                   required=False, error_messages={"invalid": CITIZENSHIP_INVALID},
                                   help_text=_("ISTAT code of the State of citizenship (three digits; Italy is 100)."))
    birthplace_code = forms.RegexField(
        label=_("birthplace (cadastral code)"), regex=BIRTHPLACE_PATTERN, max_length=4, required=False,
        error_messages={"invalid": BIRTHPLACE_INVALID},
        help_text=_("Belfiore code of the Comune of birth, or Z followed by three digits for a foreign State; read "
                    "from the codice fiscale when empty."))
    information_notice = forms.BooleanField(label=_("The information notice on data processing was given"),
                                            required=False)
    confirm_birthplace = forms.BooleanField(label=_("I checked the document: the birthplace code is correct"),
                                            required=False)
    confirm_homonym = forms.BooleanField(label=_("It is a different person from the one already registered"),
                                         required=False)

    def __init__(self, *args, comuni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residence_comune"].queryset = comuni


class RequestForm(StyledFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices)
    urgency = forms.TypedChoiceField(label=_("Urgency"), choices=Urgency.choices, coerce=int,
                                     initial=Urgency.NORMAL)
    need = forms.CharField(label=_("Need"), widget=forms.Textarea(attrs={"rows": 3}))


class TriageForm(StyledFormMixin, forms.Form):
    barthel = forms.IntegerField(label=_("Barthel Index in the discharge letter (if known)"), min_value=0,
                                 max_value=100, required=False)
    triage_kind = forms.ChoiceField(label=_("Triage (only to decide otherwise than the rules)"),
                                    choices=[("", "—"), *TriageKind.choices], required=False)
    outcome = forms.ChoiceField(label=_("Outcome (only to decide otherwise than the rules)"),
                                choices=[("", "—"), *TriageOutcome.choices], required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ScheduleForm(StyledFormMixin, forms.Form):
    scheduled_for = forms.DateField(label=_("UVM date"), widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.CharField(label=_("Team"), required=False,
                           help_text=_("Professions present, separated by commas."))


class CompleteForm(StyledFormMixin, forms.Form):
    """The UVM's outcome: nothing is chosen in advance (a first option pre-selected would be recorded unread)."""

    need_profile = forms.ChoiceField(label=_("Need profile"), choices=[("", "—"), *NeedProfile.choices])
    intensity = forms.TypedChoiceField(label=_("Intensity"), choices=[("", "—"), *Intensity.choices], coerce=int,
                                       empty_value=None)
    decision = forms.ChoiceField(label=_("Decision"), choices=[("", "—"), *AssessmentDecision.choices])
    decision_service = forms.ModelChoiceField(label=_("Service"), queryset=None, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision_service"].queryset = services


class EntryForm(StyledFormMixin, forms.Form):
    waiting_list = forms.ModelChoiceField(label=_("Waiting list"), queryset=None)
    caregiver_burden = forms.ChoiceField(label=_("Caregiver burden"), choices=CaregiverBurden.choices)
    isee_band = forms.ChoiceField(label=_("ISEE band"), choices=IseeBand.choices, initial=IseeBand.NOT_GIVEN)

    def __init__(self, *args, waiting_lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["waiting_list"].queryset = waiting_lists


def scale_form_fields(scale, answers=None):
    """Rows for rendering a scale as radio groups: one per item, the options with their points."""
    answers = answers or {}
    return [{"item": item, "name": f"{scale.code}-{item.code}", "value": str(answers.get(item.code, "")),
             "options": item.options} for item in scale.items.all()]


class ConsentForm(StyledFormMixin, forms.Form):
    """An information notice given, or a consent given or refused, for one processing (GDPR art. 7, 13)."""

    kind = forms.ChoiceField(label=_("Processing"), choices=ConsentKind.choices)
    given = forms.BooleanField(label=_("Given (untick for a refusal or a withdrawal)"), required=False, initial=True)
    notice_version = forms.CharField(label=_("Notice version"), max_length=40, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SlotsForm(StyledFormMixin, forms.Form):
    """The free places of a waiting list's service, recorded on the list's page, with why they change."""

    open_slots = forms.IntegerField(label=_("Free places now"), min_value=0, max_value=10_000)
    reason = forms.ChoiceField(label=_("Why"), choices=SlotChangeReason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class EntryRemoveForm(StyledFormMixin, forms.Form):
    """Why an entry leaves the list: a reason from the list, a note (required for "other")."""

    reason = forms.ChoiceField(label=_("Removal reason"), choices=[("", "—"), *RemovalReason.choices])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AssignForm(StyledFormMixin, forms.Form):
    """Assign a request to a case worker of the office, hand it over, or release it (no worker)."""

    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None, required=False,
                                      empty_label=_("— nobody (release the case) —"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           help_text=_("Required when taking over a colleague's case."))

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = workers
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username


class TriageRuleForm(StyledFormMixin, forms.Form):
    """A triage rule of the Ambito: the conditions (all those filled must hold) and the answer it proposes."""

    name = forms.CharField(label=_("Name"), max_length=200)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=10_000, initial=100,
                               help_text=_("Rules are tried from the lowest number; the first that applies wins."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("any")), *Channel.choices], required=False)
    area = forms.ChoiceField(label=_("Area"), choices=[("", _("any")), *Area.choices], required=False)
    min_urgency = forms.TypedChoiceField(label=_("Urgency at least"), choices=[("", _("any")), *Urgency.choices],
                                         coerce=int, empty_value=None, required=False)
    scale = forms.ModelChoiceField(label=_("Screening scale"), queryset=None, required=False,
                                   empty_label=_("none"))
    score_operator = forms.ChoiceField(label=_("Comparison"), choices=[("", "—"), *ScoreOperator.choices],
                                       required=False)
    score_threshold = forms.DecimalField(label=_("Threshold"), max_digits=6, decimal_places=1, required=False)
    triage_kind = forms.ChoiceField(label=_("Triage"), choices=[("", "—"), *TriageKind.choices])
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *TriageOutcome.choices])
    explanation = forms.CharField(label=_("Explanation shown to the operator"), max_length=300, required=False)

    def __init__(self, *args, scales, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scale"].queryset = scales


class ScaleForm(StyledFormMixin, forms.Form):
    """A scale's name, description, bands ("min–max: label" a line) and, per item, its label and its answers
    ("value | points | label" a line)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(label=_("In use"), required=False)
    bands = forms.CharField(label=_("Cut-off bands"), widget=forms.Textarea(attrs={"rows": 5}),
                            help_text=_("One a line: “min–max: label”."))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"label_{item.code}"] = forms.CharField(label=_("Item"), max_length=200)
            self.fields[f"item_{item.code}"] = forms.CharField(
                label=_("Answers"), widget=forms.Textarea(attrs={"rows": max(len(item.options), 2)}),
                help_text=_("One a line: “value | points | label”."))
            for name in (f"label_{item.code}", f"item_{item.code}"):
                widget = self.fields[name].widget
                widget.attrs["class"] = (widget.attrs.get("class", "") + " form-control").strip()

    def item_rows(self):
        return [{"item": item, "label": self[f"label_{item.code}"], "answers": self[f"item_{item.code}"]}
                for item in self.items]
