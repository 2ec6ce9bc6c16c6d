"""Pages of the Piano di Zona. Each view parses the form, calls one service or selector and renders;
rules live in services.py. Service errors are shown next to the form, in Italian, and nothing is saved."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for
from ambito.core.charts import chart
from ambito.core.concurrency import MISSING_VERSION, StaleEditError
from ambito.core.forms import add_service_errors, add_stale_error, call_service, form_error_texts
from ambito.core.imports import ImportRejected
from ambito.core.text import plain_int
from ambito.planning import forms, rules, services
from ambito.planning.api import start_document
from ambito.planning.models import (
    AgreementParty,
    ConsultationComment,
    Contribution,
    CoprogrammingTable,
    Intervention,
    Plan,
    PlanFileKind,
    PlanState,
)
from ambito.planning.selectors import (
    budget_checks,
    budget_columns,
    budget_matrix,
    budget_totals,
    budget_totals_by_year,
    carry_over_totals,
    comments_for_office,
    consultation_list,
    contribution_summary,
    intervention_queryset,
    leps_checks,
    needs_analysis,
    pending_comment_count,
    plan_detail_queryset,
    plan_list,
    plan_list_with_counts,
    published_comments,
    social_worker_ratio,
    staffing_by_profile,
    supervision_hours,
    training_by_employer,
    version_diff,
)
from ambito.planning.selectors_files import plan_files
from ambito.territory.models import Ambito


def _plan(request, pk, *, edit=False) -> Plan:
    plan = get_object_or_404(plan_list(actor=request.user), pk=pk)
    if edit and not rules.can_edit_plan(request.user, plan):
        raise PermissionDenied
    return plan


def _intervention(request, pk) -> Intervention:
    return get_object_or_404(
        Intervention.objects.select_related("plan__ambito").filter(plan__in=plan_list(actor=request.user)), pk=pk)


def _submit(request, form, call, *, success="", invalid=""):
    """A small form posted from one of the plan's pages, which go back to the page afterwards: run the service
    on the cleaned data, showing ``success`` or the refusal as a message (a rule the plan's state or the user's
    role breaks, too); or, if the form is not valid, say what was typed and refused (a date outside the sane
    range...) or else ``invalid``. The service's result, None if nothing ran."""
    if form.is_valid():
        return call_service(request, lambda: call(form.cleaned_data), success=success, show_denied=True)
    for text in form_error_texts(form, typed_only=True) or ([invalid] if invalid else []):
        messages.error(request, text)
    return None


def login_post(view):
    @wraps(view)
    @login_required
    @require_POST
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapper


# --- Plans ---------------------------------------------------------------------------------------------------


@login_required
def plan_list_view(request):
    plans = list(plan_list_with_counts(actor=request.user))
    planner_ambiti = scope_for(request.user).ambito_ids(Role.PLANNER)
    form = forms.PlanCreateForm(request.POST or None)
    if request.method == "POST":
        if not planner_ambiti:
            raise PermissionDenied
        if form.is_valid():
            ambito = Ambito.objects.filter(pk__in=planner_ambiti).order_by("pk").first()
            try:
                plan = services.plan_create(actor=request.user, ambito=ambito, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Plan created. Start with the needs analysis and the objectives."))
                return redirect("planning-plan-detail", plan.pk)
    return render(request, "planning/plan_list.html", {"plans": plans, "form": form,
                                                       "can_create": bool(planner_ambiti)})


@login_required
def plan_detail(request, pk):
    return _plan_detail_page(request, pk)


def _plan_detail_page(request, pk, text_form=None, status=200):
    plan = get_object_or_404(plan_detail_queryset(actor=request.user), pk=pk)
    can_edit = rules.can_edit_plan(request.user, plan)
    text_form = text_form or forms.PlanTextForm(initial={"version": plan.version, "title": plan.title,
                                                         "needs_narrative": plan.needs_narrative})
    totals = budget_totals_by_year(plan=plan)
    context = {
        "plan": plan,
        "can_edit": can_edit and plan.is_editable,
        "can_manage": can_edit,
        "can_contribute": rules.can_contribute(request.user, plan),
        "transitions": [(a, services.transition_label(a)) for a in services.available_transitions(plan)]
        if can_edit else [],
        "needs": needs_analysis(plan=plan),
        "text_form": text_form,
        "objective_form": forms.ObjectiveForm(),
        "year_totals": totals,
        "year_chart": chart(kind="bar", labels=[str(r["year"]) for r in totals],
                            series={_("Budget"): [r["amount"] for r in totals]}, unit="EUR"),
        "checks": budget_checks(plan=plan),
        "leps": leps_checks(plan=plan),
        "contributions": contribution_summary(plan=plan),
        "pending_comments": pending_comment_count(plan=plan) if can_edit else 0,
        "versions": list(plan.versions.all()),
    }
    return render(request, "planning/plan_detail.html", context, status=status)


@login_post
def plan_text_update(request, pk):
    plan = _plan(request, pk, edit=True)
    form = forms.PlanTextForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_update(actor=request.user, plan=plan, expected_version=data["version"],
                                 title=data["title"], needs_narrative=data["needs_narrative"])
        except StaleEditError:
            # Show the form again with the user's text and what the other person saved: nothing is lost.
            saved = Plan.objects.get(pk=plan.pk)
            add_stale_error(form, version=saved.version,
                            saved={"title": saved.title, "needs_narrative": saved.needs_narrative})
            return _plan_detail_page(request, plan.pk, text_form=form, status=409)
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(request, exc)
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Check the title of the plan."))
    return redirect("planning-plan-detail", plan.pk)


@login_post
def plan_transition(request, pk):
    plan = _plan(request, pk, edit=True)
    if _submit(request, forms.TransitionForm(request.POST), lambda data: services.plan_transition(
            actor=request.user, plan=plan, action=data["action"], reason=data["reason"])):
        plan.refresh_from_db()
        messages.success(request, _("The plan is now “%(state)s”.") % {"state": plan.get_state_display()})
    return redirect("planning-plan-detail", plan.pk)


@login_post
def objective_create(request, pk):
    plan = _plan(request, pk, edit=True)
    _submit(request, forms.ObjectiveForm(request.POST),
            lambda data: services.objective_save(actor=request.user, plan=plan, **data),
            success=_("Objective added."), invalid=_("Give the objective a code and a title."))
    return redirect(reverse("planning-plan-detail", args=[plan.pk]) + "#obiettivi")


@login_required
def plan_versions(request, pk):
    plan = _plan(request, pk)
    versions = list(plan.versions.all())
    numbers = [v.number for v in versions]
    try:
        old = int(request.GET.get("da") or (numbers[-2] if len(numbers) > 1 else numbers[0]))
        new = int(request.GET.get("a") or numbers[-1])
    except ValueError:
        raise Http404 from None
    if old not in numbers or new not in numbers:
        raise Http404
    return render(request, "planning/versions.html", {
        "plan": plan, "versions": versions, "old": old, "new": new,
        "changes": version_diff(plan=plan, old=old, new=new),
    })


@login_post
def plan_document(request, pk, kind):
    plan = _plan(request, pk)
    job = start_document(actor=request.user, plan=plan, kind=kind)
    return redirect("job-detail", job.pk)


# --- Interventions -------------------------------------------------------------------------------------------


def _intervention_data(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    return data


@login_required
def intervention_create(request, pk):
    plan = _plan(request, pk, edit=True)
    form = forms.InterventionForm(request.POST or None, plan=plan,
                                  initial={"comuni": list(plan.ambito.comuni.all())})
    if request.method == "POST" and form.is_valid():
        try:
            intervention = services.intervention_create(actor=request.user, plan=plan, **_intervention_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Intervention %(code)s added.") % {"code": intervention.code})
            return redirect("planning-intervention-detail", intervention.pk)
    return render(request, "planning/intervention_form.html", {"plan": plan, "form": form, "intervention": None})


@login_required
def intervention_edit(request, pk):
    intervention = _intervention(request, pk)
    plan = intervention.plan
    if not rules.can_edit_plan(request.user, plan):
        raise PermissionDenied
    initial = {name: getattr(intervention, name) for name in services.INTERVENTION_FIELDS}
    initial.update(version=intervention.version, comuni=list(intervention.comuni.all()),
                   partners=list(intervention.partners.all()))
    form = forms.InterventionForm(request.POST or None, plan=plan, initial=initial)
    form.fields["version"].required = True  # an edit carries the version it was based on
    form.fields["version"].error_messages["required"] = MISSING_VERSION
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_update(actor=request.user, intervention=intervention,
                                         expected_version=form.cleaned_data["version"], **_intervention_data(form))
        except StaleEditError:
            intervention.refresh_from_db()  # the page shows the intervention as saved, not the values refused
            add_stale_error(form, version=intervention.version, saved={
                **{name: getattr(intervention, name) for name in services.INTERVENTION_FIELDS},
                "comuni": list(intervention.comuni.all()), "partners": list(intervention.partners.all())})
            status = 409
        except ValidationError as exc:
            intervention.refresh_from_db()
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Intervention %(code)s saved.") % {"code": intervention.code})
            return redirect("planning-intervention-detail", intervention.pk)
    return render(request, "planning/intervention_form.html", {"plan": plan, "form": form,
                                                               "intervention": intervention}, status=status)


@login_required
def intervention_detail(request, pk):
    return _intervention_detail_page(request, pk)


def _intervention_detail_page(request, pk, progress_form=None, status=200):
    intervention = get_object_or_404(intervention_queryset().filter(plan__in=plan_list(actor=request.user)), pk=pk)
    plan = intervention.plan
    can_manage = rules.can_edit_plan(request.user, plan)
    context = {
        "plan": plan, "intervention": intervention, "can_edit": can_manage and plan.is_editable,
        "can_progress": can_manage and plan.state in (PlanState.APPROVED, PlanState.IN_FORCE),
        "indicator_form": forms.IndicatorForm(years=plan.years),
        "staff_form": forms.StaffForm(plan=plan),
        "progress_form": progress_form or forms.ProgressForm(initial={"version": intervention.version,
                                                                      "progress": intervention.progress,
                                                                      "progress_note": intervention.progress_note}),
        "years": plan.years,
    }
    return render(request, "planning/intervention_detail.html", context, status=status)


@login_post
def indicator_create(request, pk):
    intervention = _intervention(request, pk)
    form = forms.IndicatorForm(request.POST, years=intervention.plan.years)
    _submit(request, form, lambda data: services.indicator_save(
        actor=request.user, intervention=intervention, targets=form.targets(),
        **{k: v for k, v in data.items() if not k.startswith("target_")}),
        success=_("Indicator added."), invalid=_("Check the indicator: name and numbers."))
    return redirect("planning-intervention-detail", intervention.pk)


@login_post
def staff_create(request, pk):
    intervention = _intervention(request, pk)
    _submit(request, forms.StaffForm(request.POST, plan=intervention.plan),
            lambda data: services.staff_position_add(actor=request.user, intervention=intervention, **data),
            success=_("Staff added."), invalid=_("Check the staff position."))
    return redirect("planning-intervention-detail", intervention.pk)


@login_post
def intervention_progress(request, pk):
    intervention = _intervention(request, pk)
    form = forms.ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.intervention_progress_update(
                actor=request.user, intervention=intervention, expected_version=form.cleaned_data["version"],
                progress=form.cleaned_data["progress"], note=form.cleaned_data["progress_note"])
        except StaleEditError:
            saved = Intervention.objects.get(pk=intervention.pk)
            add_stale_error(form, version=saved.version,
                            saved={"progress": saved.progress, "progress_note": saved.progress_note})
            return _intervention_detail_page(request, intervention.pk, progress_form=form, status=409)
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(request, exc)
        else:
            messages.success(request, _("Progress saved."))
    else:
        messages.error(request, _("Progress is a percentage between 0 and 100."))
    return redirect("planning-intervention-detail", intervention.pk)


# --- Budget --------------------------------------------------------------------------------------------------


def _year(request, plan) -> int:
    year = plain_int(request.GET.get("anno"))
    return year if year in plan.years else plan.start_year


@login_required
def budget(request, pk):
    plan = _plan(request, pk)
    year = _year(request, plan)
    totals = budget_totals(plan=plan, year=year)
    columns = budget_columns(plan)
    import_form = forms.BudgetImportForm(request.POST or None, request.FILES or None)
    import_errors = []
    if request.method == "POST":
        if not rules.can_edit_plan(request.user, plan):
            raise PermissionDenied
        if import_form.is_valid():
            try:
                result = services.budget_import(actor=request.user, plan=plan,
                                                data=import_form.cleaned_data["file"].read())
            except ImportRejected as exc:
                import_errors = exc.errors
                messages.error(request, _("The spreadsheet was not imported: nothing has changed. Correct the "
                                          "rows listed below and upload it again."))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("Budget imported: %(lines)s amounts for %(years)s.")
                                 % {"lines": result["lines"], "years": ", ".join(map(str, result["years"]))})
                return redirect(reverse("planning-budget", args=[plan.pk]) + f"?anno={year}")
    context = {
        "plan": plan, "year": year, "totals": totals, "columns": columns,
        "matrix": budget_matrix(plan=plan, year=year, columns=columns),
        "year_totals": budget_totals_by_year(plan=plan),
        "carry_over": carry_over_totals(plan=plan),
        "checks": budget_checks(plan=plan),
        "can_edit": rules.can_edit_plan(request.user, plan) and plan.is_editable,
        "import_form": import_form, "import_errors": import_errors,
        "source_chart": chart(kind="bar", labels=[r["label"] for r in totals.by_source],
                              series={_("Amount"): [r["amount"] for r in totals.by_source]}, unit="EUR"),
        "area_chart": chart(kind="bar", labels=[r["label"] for r in totals.by_area],
                            series={_("Amount"): [r["amount"] for r in totals.by_area]}, unit="EUR"),
    }
    template = "planning/budget.html#budget-year" if request.htmx else "planning/budget.html"
    return render(request, template, context)


@login_required
def budget_row(request, pk, year):
    intervention = _intervention(request, pk)
    plan = intervention.plan
    if not rules.can_edit_plan(request.user, plan):
        raise PermissionDenied
    if year not in plan.years:
        raise Http404
    columns = budget_columns(plan)
    row = next(r for r in budget_matrix(plan=plan, year=year, columns=columns) if r["intervention"].pk == intervention.pk)
    values = {c.key: ("" if v is None else v) for c, v in zip(columns, row["cells"], strict=True)}
    errors = {}
    if request.method == "POST":
        values = {c.key: request.POST.get(c.key, "") for c in columns}
        try:
            services.budget_row_set(actor=request.user, intervention=intervention, year=year, amounts=values)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            for message in errors.get("__all__", []):
                messages.error(request, message)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Budget of %(code)s for %(year)s saved.") % {"code": intervention.code,
                                                                                   "year": year})
            return redirect(reverse("planning-budget", args=[plan.pk]) + f"?anno={year}")
    cells = [{"column": c, "value": values.get(c.key, ""), "errors": errors.get(c.key, [])} for c in columns]
    return render(request, "planning/budget_row.html", {"plan": plan, "intervention": intervention, "year": year,
                                                        "cells": cells})


# --- Staffing ------------------------------------------------------------------------------------------------


@login_required
def staffing(request, pk):
    plan = _plan(request, pk)
    year = _year(request, plan)
    form = forms.SessionForm(request.POST or None, plan=plan)
    if request.method == "POST":
        if not rules.can_edit_plan(request.user, plan):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            names = [line for line in data["participants"].splitlines() if line.strip()]
            done = call_service(request, lambda: services.training_session_record(
                actor=request.user, plan=plan, kind=data["kind"], title=data["title"], on=data["date"],
                hours=data["hours"], participants=[(n, data["organisation"]) for n in names]),
                success=_("Session recorded."), show_denied=True)
            if done:
                return redirect(reverse("planning-staffing", args=[plan.pk]) + f"?anno={data['date'].year}")
    context = {
        "plan": plan, "year": year, "ratio": social_worker_ratio(plan=plan, year=year),
        "staffing": staffing_by_profile(plan=plan), "supervision": supervision_hours(plan=plan, year=year),
        "training": training_by_employer(plan=plan, year=year),
        "leps": leps_checks(plan=plan, year=year), "form": form,
        "sessions": plan.training_sessions.filter(date__year=year).prefetch_related("participants"),
        "can_manage": rules.can_edit_plan(request.user, plan),
    }
    return render(request, "planning/staffing.html", context)


# --- Co-programming ------------------------------------------------------------------------------------------


@login_required
def coprogramming(request, pk):
    plan = _plan(request, pk)
    can_manage = rules.can_edit_plan(request.user, plan)
    can_contribute = rules.can_contribute(request.user, plan)
    contribution_form = forms.ContributionForm(request.POST or None, request.FILES or None, plan=plan)
    if request.method == "POST":
        if not (can_contribute or can_manage):
            raise PermissionDenied
        if contribution_form.is_valid():
            org_ids = scope_for(request.user).organisation_ids(Role.PROVIDER_OPERATOR) or \
                scope_for(request.user).organisation_ids()
            organisation = plan.ambito.organisations.filter(pk__in=org_ids).order_by("pk").first()
            data = contribution_form.cleaned_data
            if organisation is None:
                raise PermissionDenied
            done = call_service(request, lambda: services.contribution_submit(
                actor=request.user, plan=plan, organisation=organisation, title=data["title"], text=data["text"],
                table=data["table"], objective=data["objective"], intervention=data["intervention"],
                attachment=data["attachment"]),
                success=_("Thank you: your contribution was sent to the planning office."), show_denied=True)
            if done:
                return redirect("planning-coprogramming", plan.pk)
    contributions = Contribution.objects.filter(plan=plan).select_related(
        "organisation", "intervention", "objective", "table").order_by("status", "submitted_at")
    tables = CoprogrammingTable.objects.filter(plan=plan).prefetch_related("participants", "meetings__attendees",
                                                                          "meetings__files")
    return render(request, "planning/coprogramming.html", {
        "plan": plan, "tables": tables, "contributions": contributions, "can_manage": can_manage and plan.is_editable,
        "can_upload": can_manage,  # minutes are kept after the plan is approved too
        "can_contribute": can_contribute, "contribution_form": contribution_form,
        "table_form": forms.TableForm(plan=plan), "decision_form": forms.DecisionForm(plan=plan),
    })


@login_post
def table_create(request, pk):
    plan = _plan(request, pk, edit=True)
    _submit(request, forms.TableForm(request.POST, plan=plan),
            lambda data: services.table_create(actor=request.user, plan=plan, **data),
            success=_("Thematic table created."))
    return redirect("planning-coprogramming", plan.pk)


@login_post
def meeting_create(request, pk):
    table = get_object_or_404(CoprogrammingTable.objects.filter(plan__in=plan_list(actor=request.user)), pk=pk)
    _submit(request, forms.MeetingForm(request.POST, table=table), lambda data: services.meeting_record(
        actor=request.user, table=table, on=data["date"], place=data["place"], attendees=data["attendees"],
        people_present=data["people_present"], minutes=data["minutes"]),
        success=_("Meeting recorded."), invalid=_("Give at least the date of the meeting."))
    return redirect("planning-coprogramming", table.plan_id)


@login_post
def contribution_decide(request, pk):
    contribution = get_object_or_404(Contribution.objects.filter(plan__in=plan_list(actor=request.user)), pk=pk)
    _submit(request, forms.DecisionForm(request.POST, plan=contribution.plan),
            lambda data: services.contribution_decide(actor=request.user, contribution=contribution, **data),
            success=_("Decision recorded."))
    return redirect("planning-coprogramming", contribution.plan_id)


# --- Accordo di Programma ------------------------------------------------------------------------------------


@login_required
def agreement(request, pk):
    plan = _plan(request, pk)
    parties = AgreementParty.objects.filter(plan=plan).select_related("organisation")
    can_manage = rules.can_edit_plan(request.user, plan)
    return render(request, "planning/agreement.html", {
        "plan": plan, "parties": parties, "can_edit": can_manage and plan.is_editable,
        "can_sign": can_manage and plan.state == PlanState.CONSULTATION,
        "party_form": forms.PartyForm(plan=plan), "signature_form": forms.SignatureForm(),
        "files": plan_files(actor=request.user, plan=plan).filter(kind=PlanFileKind.AGREEMENT),
        "can_upload": can_manage,  # the signed Accordo arrives once the plan is approved
    })


@login_post
def party_create(request, pk):
    plan = _plan(request, pk, edit=True)
    _submit(request, forms.PartyForm(request.POST, plan=plan),
            lambda data: services.party_add(actor=request.user, plan=plan, **data), success=_("Party added."))
    return redirect("planning-agreement", plan.pk)


@login_post
def party_sign(request, pk):
    party = get_object_or_404(AgreementParty.objects.filter(plan__in=plan_list(actor=request.user)), pk=pk)
    _submit(request, forms.SignatureForm(request.POST),
            lambda data: services.party_sign(actor=request.user, party=party, **data),
            success=_("Signature recorded."), invalid=_("Give the signatory and the date of signature."))
    return redirect("planning-agreement", party.plan_id)


# --- Public consultation -------------------------------------------------------------------------------------


def consultation_index(request):
    return render(request, "planning/consultation_list.html", {"plans": consultation_list()})


def consultation_detail(request, pk):
    """The plan published for consultation: readable by anyone, commented by signed-in people."""
    plan = get_object_or_404(consultation_list().prefetch_related(
        "objectives", "interventions__comuni"), pk=pk)
    form = forms.CommentForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        if form.is_valid():
            done = call_service(request, lambda: services.comment_submit(actor=request.user, plan=plan,
                                                                         **form.cleaned_data),
                                success=_("Thank you. Your comment will be published after moderation."),
                                show_denied=True)
            if done:
                return redirect("planning-consultation-detail", plan.pk)
    year = plan.start_year
    return render(request, "planning/consultation_detail.html", {
        "plan": plan, "form": form, "comments": published_comments(plan=plan),
        "totals": budget_totals(plan=plan, year=year), "needs": needs_analysis(plan=plan),
    })


@login_required
def moderation(request, pk):
    plan = _plan(request, pk, edit=True)
    return render(request, "planning/moderation.html", {
        "plan": plan, "comments": comments_for_office(plan=plan), "form": forms.ModerationForm(),
    })


@login_post
def comment_moderate(request, pk):
    comment = get_object_or_404(ConsultationComment.objects.filter(plan__in=plan_list(actor=request.user)), pk=pk)
    _submit(request, forms.ModerationForm(request.POST), lambda data: services.comment_moderate(
        actor=request.user, comment=comment, publish=data["publish"] == "1", answer=data["answer"]),
        success=_("Comment moderated."))
    return redirect("planning-moderation", comment.plan_id)
