from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for
from ambito.core.client_ip import client_ip
from ambito.core.pagination import paginate
from ambito.core.tabular import download_response, write_csv
from ambito.monitoring import indicators, materialise, selectors, services
from ambito.monitoring.forms import (
    DashboardFilterForm,
    PaperResponseForm,
    ReportForm,
    SurveyAnswerForm,
    SurveyCreateForm,
)
from ambito.monitoring.models import ReportNarrative, ResponseChannel, Survey, SurveyAnswer
from ambito.monitoring.rules import can_manage_survey, can_manage_surveys, can_run_reports, can_view_dashboard
from ambito.network.models import Service
from ambito.territory.models import Ambito


def _member(request):
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    return scope_for(request.user)


def _filters(request):
    form = DashboardFilterForm(request.GET or None, default_period=selectors.default_period())
    if form.is_valid():
        return form, form.cleaned_data["period"], form.cleaned_data.get("area") or None
    return form, selectors.default_period(), None


def _dashboard(request, *, comune=None):
    _member(request)
    form, period, area = _filters(request)
    comune_ids = {comune.pk} if comune else None
    tiles = selectors.dashboard_tiles(actor=request.user, period=period, comune_ids=comune_ids, area=area)
    charts = selectors.dashboard_charts(actor=request.user, period=period, comune_ids=comune_ids, area=area)
    computed_at, computed_now = selectors.computed_at([*tiles, *charts])
    context = {
        "form": form,
        "period": period,
        "area": area,
        "comune": comune,
        "comuni": selectors.comuni_in_scope(actor=request.user),
        "tiles": tiles,
        "charts": charts,
        "computed_at": computed_at,
        "computed_now": computed_now,
        "can_refresh": can_manage_surveys(request.user),
        "comments": selectors.published_comments(actor=request.user, period=period, comune_ids=comune_ids),
        "is_case_role": scope_for(request.user).is_case_role,
        "query": request.GET.urlencode(),
    }
    template = "monitoring/dashboard.html#figures" if request.htmx else "monitoring/dashboard.html"
    return render(request, template, context)


@login_required
def dashboard(request):
    """*Cruscotto dell'Ambito*: headline indicators, trends and charts for the Comuni the user works for."""
    return _dashboard(request)


@login_required
def comune_dashboard(request, istat_code):
    """The same dashboard for one Comune."""
    comune = selectors.comuni_in_scope(actor=request.user).filter(istat_code=istat_code).first()
    if comune is None:
        raise Http404
    return _dashboard(request, comune=comune)


@login_required
@require_POST
def indicators_refresh(request):
    """The planning office recomputes its Ambito's stored indicator values now (a job with its progress)."""
    if not can_manage_surveys(request.user):
        raise PermissionDenied
    ambito = _ambito_of(request.user)
    if ambito is None:
        raise PermissionDenied
    job = materialise.refresh_start(actor=request.user, ambito=ambito)
    return redirect("job-detail", job.pk)


@login_required
def indicator_list(request):
    _member(request)
    return render(request, "monitoring/indicators.html", {"definitions": indicators.definitions(),
                                                          "labels": indicators.Breakdown.LABELS})


@login_required
def indicator_csv(request, code):
    """One indicator's values as a CSV table (the data behind a chart or tile)."""
    _member(request)
    try:
        indicators.definition(code)
    except LookupError:
        raise Http404 from None
    form, period, area = _filters(request)
    comune_ids = None
    if request.GET.get("comune"):
        comune = selectors.comuni_in_scope(actor=request.user).filter(istat_code=request.GET["comune"]).first()
        if comune is None:
            raise Http404
        comune_ids = {comune.pk}
    try:
        result = selectors.indicator_values(actor=request.user, code=code, period=period,
                                            by=request.GET.get("by") or None, comune_ids=comune_ids, area=area)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    rows = []
    for cell in result.cells:
        note = (_("left out so that a figure of fewer than 5 persons cannot be worked out") if cell.complementary
                else _("fewer than 5 persons") if cell.suppressed else ("" if cell.value is not None else _("no data")))
        rows.append([code, period.start, period.end, cell.key, cell.label or cell.key,
                     "" if cell.value is None else cell.value, "" if cell.target is None else cell.target, note])
    columns = ["indicator", "period_from", "period_to", "key", "label", "value", "target", "note"]
    return download_response(write_csv(rows, columns, delimiter=","), filename=f"{code}_{period.start}_{period.end}.csv")


# --- surveys (planning office) ------------------------------------------------------------------------------


@login_required
def survey_list(request):
    if not can_manage_surveys(request.user):
        raise PermissionDenied
    return render(request, "monitoring/survey_list.html", {
        "surveys": selectors.survey_list(actor=request.user),
        "pending": paginate(request, selectors.pending_answers(actor=request.user)),
    })


@login_required
def survey_create(request):
    if not can_manage_surveys(request.user):
        raise PermissionDenied
    services_qs = Service.objects.filter(
        ambito_id__in=scope_for(request.user).ambito_ids(Role.PLANNER, Role.ADMINISTRATOR), active=True
    ).order_by("name")
    form = SurveyCreateForm(request.POST or None, services=services_qs)
    if request.method == "POST" and form.is_valid():
        survey = services.survey_create(actor=request.user, service=form.cleaned_data["service"],
                                        title=form.cleaned_data["title"],
                                        introduction=form.cleaned_data["introduction"],
                                        questions=form.cleaned_data["questions"])
        messages.success(request, _("Questionnaire created."))
        return redirect("monitoring-survey-detail", pk=survey.pk)
    return render(request, "monitoring/survey_form.html", {"form": form})


@login_required
def survey_detail(request, pk):
    survey = get_object_or_404(Survey.objects.select_related("service"), pk=pk)
    if not can_manage_survey(request.user, survey):
        raise PermissionDenied
    form = PaperResponseForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_response_submit(survey=survey, answers=form.answers(), actor=request.user,
                                            channel=ResponseChannel.PAPER,
                                            submitted_at=_noon(form.cleaned_data["submitted_on"]))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Paper questionnaire recorded."))
            return redirect("monitoring-survey-detail", pk=survey.pk)
    return render(request, "monitoring/survey_detail.html", {
        "survey": survey, "form": form,
        "results": selectors.survey_results(survey=survey, include_unmoderated=True),
    })


@login_required
@require_POST
def survey_count_flagged(request, pk):
    """Count the answers held back as a suspicious burst, once the office has looked at them."""
    survey = get_object_or_404(Survey.objects.select_related("service"), pk=pk)
    if not can_manage_survey(request.user, survey):
        raise PermissionDenied
    counted = services.survey_responses_count_flagged(actor=request.user, survey=survey)
    messages.success(request, ngettext("%(n)s held-back answer is now counted.",
                                       "%(n)s held-back answers are now counted.", counted) % {"n": counted})
    return redirect("monitoring-survey-detail", pk=survey.pk)


def _noon(day):
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@login_required
@require_POST
def answer_moderate(request, pk):
    answer = get_object_or_404(SurveyAnswer.objects.select_related("question__survey__service"), pk=pk)
    if not can_manage_survey(request.user, answer.question.survey):
        raise PermissionDenied
    try:
        services.survey_answer_moderate(actor=request.user, answer=answer, approve=request.POST.get("approve") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(request.POST.get("next") or "monitoring-surveys")


# --- public survey pages --------------------------------------------------------------------------------------


def public_survey_list(request):
    return render(request, "monitoring/public_survey_list.html", {"surveys": selectors.public_survey_list()})


def public_survey(request, public_id):
    survey = get_object_or_404(Survey.objects.select_related("service"), public_id=public_id, active=True)
    form = SurveyAnswerForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_response_submit(survey=survey, answers=form.answers(), client_ip=client_ip(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "monitoring/public_survey_thanks.html", {"survey": survey})
    return render(request, "monitoring/public_survey.html", {"survey": survey, "form": form})


# --- annual report and open data ---------------------------------------------------------------------------


@login_required
def report(request):
    """*Relazione annuale di monitoraggio*: the office writes the narrative, the job builds PDF or XLSX; the
    same page starts the open-data and SIUSS exports."""
    if not can_run_reports(request.user):
        raise PermissionDenied
    ambito = _ambito_of(request.user)
    can_write = can_manage_surveys(request.user)  # the planning office writes the narrative
    year = _int(request.POST.get("year") or request.GET.get("anno"), selectors.default_period().end.year)
    narrative = ReportNarrative.objects.filter(ambito=ambito, year=year).first() if ambito else None
    form = ReportForm(request.POST or None, instance=narrative, initial={"year": year})
    if request.method == "POST" and ambito is not None:
        action = request.POST.get("action")
        try:
            if action in ("pdf", "xlsx") and (not can_write or form.is_valid()):
                if can_write:
                    services.report_narrative_save(actor=request.user, ambito=ambito, year=year,
                                                   **{k: form.cleaned_data[k] for k in ReportForm.Meta.fields})
                job = services.report_start(actor=request.user, ambito=ambito, year=year, fmt=action)
                return redirect("job-detail", job.pk)
            if action in ("csv", "json"):
                job = services.open_data_export_start(actor=request.user, ambito=ambito, year=year, fmt=action)
                return redirect("job-detail", job.pk)
            if action in ("psa", "sina", "sinba"):
                job = services.siuss_export_start(actor=request.user, ambito=ambito, year=year, flow=action)
                return redirect("job-detail", job.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(request, "monitoring/report.html", {"form": form, "year": year, "ambito": ambito,
                                                      "can_write": can_write})


def _ambito_of(user):
    return Ambito.objects.filter(pk__in=scope_for(user).ambito_ids()).order_by("name").first()


def _int(raw, default):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return default

