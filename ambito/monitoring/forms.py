from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ambito.core.forms import StyledFormMixin
from ambito.monitoring.indicators import Period
from ambito.monitoring.models import QuestionKind, ReportNarrative
from ambito.network.taxonomy import Area


class DashboardFilterForm(StyledFormMixin, forms.Form):
    """Period and area of the dashboards, read from the query string (``dal``, ``al``, ``area``)."""

    dal = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    al = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    area = forms.ChoiceField(label=_("Area"), required=False, choices=[("", _("All areas")), *Area.choices])

    def __init__(self, *args, default_period: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_period = default_period

    def clean(self):
        data = super().clean()
        start, end = data.get("dal"), data.get("al")
        if start or end:
            try:
                data["period"] = Period.of(start or self.default_period.start, end or self.default_period.end)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
        else:
            data["period"] = self.default_period
        return data


class SurveyAnswerForm(StyledFormMixin, forms.Form):
    """The questionnaire as a form: a 1–5 choice per scale question, a text box per free-text question."""

    SCALE = [("1", _("1 — very poor")), ("2", "2"), ("3", "3"), ("4", "4"), ("5", _("5 — excellent"))]

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        for question in survey.questions.all():
            name = f"q{question.pk}"
            if question.kind == QuestionKind.SCALE:
                self.fields[name] = forms.ChoiceField(label=question.text, required=question.required,
                                                      choices=self.SCALE, widget=forms.RadioSelect)
            else:
                self.fields[name] = forms.CharField(label=question.text, required=question.required,
                                                    max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
        # the question fields are added after StyledFormMixin ran: style them the same way
        for field in self.fields.values():
            widget = field.widget
            css = "form-check-input" if isinstance(widget, forms.RadioSelect) else "form-control"
            widget.attrs["class"] = css

    def answers(self) -> dict:
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if name.startswith("q")}


class PaperResponseForm(SurveyAnswerForm):
    submitted_on = forms.DateField(label=_("Date on the questionnaire"), widget=forms.DateInput(attrs={"type": "date"}))


class ReportForm(StyledFormMixin, forms.ModelForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    class Meta:
        model = ReportNarrative
        fields = ["introduction", "achievements", "critical_issues", "next_steps"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}


class SurveyCreateForm(StyledFormMixin, forms.Form):
    """A new questionnaire: one question per line; a line starting with "?" is a free-text question, the
    others are 1–5 scales."""

    service = forms.ModelChoiceField(label=_("Service"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    introduction = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    questions = forms.CharField(
        label=_("Questions"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One question per line. Lines starting with “?” are free-text questions; the others are "
                    "answered on a scale from 1 to 5."))

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services

    def clean_questions(self):
        lines = [line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()]
        parsed = [(line[1:].strip(), QuestionKind.TEXT) if line.startswith("?") else (line, QuestionKind.SCALE)
                  for line in lines]
        parsed = [(text, kind) for text, kind in parsed if text]
        if not parsed:
            raise ValidationError(_("Write at least one question."))
        if any(len(text) > 300 for text, _kind in parsed):
            raise ValidationError(_("A question can be at most 300 characters long."))
        return parsed
