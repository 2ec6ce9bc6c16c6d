"""Pages of care: the social worker's case (plan, goals, interventions, referrals, deliveries, notes), the
provider's referral inbox and delivery logging, the public answer link, private attachments. Every page works
without JavaScript; HTMX swaps the referral card after an answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambito.accounts.models import AccessAction
from ambito.accounts.selectors import scope_for
from ambito.accounts.services import access_log_record
from ambito.care import forms, rules, selectors, services
from ambito.care.models import (
    CarePlanStatus,
    CaseAttachment,
    Delivery,
    DeliveryType,
    HealthBudgetExpense,
    PlannedIntervention,
    Referral,
    ReferralStatus,
)
from ambito.core.charts import chart
from ambito.core.concurrency import StaleEditError
from ambito.core.forms import add_service_errors, add_stale_error, call_service, form_error_texts
from ambito.core.imports import ImportRejected
from ambito.core.pagination import paginate
from ambito.core.tabular import download_response
from ambito.core.templatetags.ambito import euro, pct
from ambito.core.text import plain_int

# --- The social worker's side ------------------------------------------------------------------------------


@login_required
def care_plan_list(request):
    """The cases (PAI) of the social worker's territory."""
    if not scope_for(request.user).is_case_role:
        raise PermissionDenied
    status = request.GET.get("stato", "")
    page = paginate(request, selectors.care_plan_list(actor=request.user, status=status))
    plans = page.object_list
    selectors.log_list(actor=request.user, records=plans, purpose="care plan list")
    return render(request, "care/plan_list.html", {"plans": plans, "page": page, "status": status,
                                                    "statuses": CarePlanStatus.choices,
                                                    "can_start": rules.can_start_case(request.user)})


@login_required
def care_plan_create(request):
    if not rules.can_start_case(request.user):
        raise PermissionDenied
    initial = {"start_date": timezone.localdate(), "end_date": timezone.localdate().replace(
        year=timezone.localdate().year + 1)}
    if (uvm := plain_int(request.GET.get("uvm"))) is not None:
        initial["assessment"] = uvm
    form = forms.CarePlanForm(request.POST or None, actor=request.user, initial=initial)
    form.preselect(uvm=uvm, pseudonym=request.GET.get("persona"))  # coming from a UVM or a person: no list of everyone
    if request.method == "POST" and form.is_valid():
        plan = call_service(request, lambda: services.care_plan_create(actor=request.user, **form.cleaned_data),
                            form=form,
                            success=_("Care plan opened: add goals and interventions, then record the agreement."))
        if plan is not None:
            return redirect("care-plan-detail", pk=plan.pk)
    return render(request, "care/plan_form.html", {"form": form})


def _plan_context(request, plan, **forms_):
    today = timezone.localdate()
    referrals = list(selectors.care_plan_referrals(plan=plan))
    open_by_intervention = {r.intervention_id for r in referrals if r.is_open}
    deliveries = paginate(request, selectors.care_plan_deliveries(plan=plan))
    totals = selectors.delivery_totals(queryset=Delivery.objects.filter(referral__care_plan=plan))
    notes = list(selectors.case_notes_for(actor=request.user, person=plan.person, care_plan=plan))
    return {
        "plan": plan,
        "person": plan.person,
        "can_edit": rules.can_edit_care_plan(request.user, plan),
        "goals": list(plan.goals.all()),
        "interventions": list(plan.interventions.all()),
        "referrals": referrals,
        "open_by_intervention": open_by_intervention,
        "deliveries": deliveries,
        "totals": totals,
        "notes": notes,
        "revisions": list(plan.revisions.all()),
        "goal_form": forms_.get("goal_form") or forms.GoalForm(initial={"review_on": plan.next_review_on}),
        "intervention_form": forms_.get("intervention_form") or forms.InterventionForm(
            plan=plan, initial={"start_date": max(plan.start_date, today), "end_date": plan.end_date}),
        "sign_form": forms_.get("sign_form") or forms.SignForm(initial={"signed_on": today, "version": plan.version}),
        "referral_form": forms_.get("referral_form") or forms.ReferralSendForm(),
        "review_form": forms_.get("review_form") or forms.ReviewForm(goals=plan.goals.all(),
                                                                     initial={"reviewed_on": today}),
        "note_form": forms_.get("note_form") or forms.NoteForm(),
    }


@login_required
def care_plan_detail(request, pk):
    """The case page: plan, goals, interventions, referrals and their loop, deliveries, notes, history."""
    plan = selectors.care_plan_get(actor=request.user, pk=pk)
    return render(request, "care/plan_detail.html", _plan_context(request, plan))


EDITABLE_PLAN_FIELDS = ("title", "summary", "start_date", "end_date", "next_review_on")


@login_required
def care_plan_edit(request, pk):
    """Edit the PAI's header on the version read; a stale save shows both versions and saves nothing."""
    plan = selectors.care_plan_get(actor=request.user, pk=pk)
    if not rules.can_edit_care_plan(request.user, plan) or plan.status == CarePlanStatus.CLOSED:
        raise PermissionDenied
    initial = {name: getattr(plan, name) for name in EDITABLE_PLAN_FIELDS} | {"version": plan.version}
    form = forms.CarePlanEditForm(request.POST or None, initial=initial)
    status = 200 if request.method == "GET" else 400
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.care_plan_update(actor=request.user, plan=plan, expected_version=data.pop("version"), **data)
        except StaleEditError:
            plan.refresh_from_db()  # the page shows the plan as saved, not the values refused
            add_stale_error(form, version=plan.version,
                            saved={name: getattr(plan, name) for name in EDITABLE_PLAN_FIELDS})
            status = 409
        except ValidationError as exc:
            plan.refresh_from_db()
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Care plan saved."))
            return redirect("care-plan-detail", pk=plan.pk)
    return render(request, "care/plan_edit.html", {"form": form, "plan": plan, "person": plan.person},
                  status=status)


def _plan_post(request, pk, form_name, form, action, success):
    plan = selectors.care_plan_get(actor=request.user, pk=pk)
    if not rules.can_edit_care_plan(request.user, plan):  # a GP reads the plan, never changes it
        raise PermissionDenied
    if form.is_valid():
        if call_service(request, lambda: action(plan, form.cleaned_data), form=form, success=success) is not None:
            return redirect("care-plan-detail", pk=plan.pk)
        plan.refresh_from_db()  # the service may have set values that were rolled back
    return render(request, "care/plan_detail.html", _plan_context(request, plan, **{form_name: form}), status=400)


@login_required
@require_POST
def goal_add(request, pk):
    return _plan_post(request, pk, "goal_form", forms.GoalForm(request.POST),
                      lambda plan, d: services.goal_add(actor=request.user, plan=plan, **d), _("Goal added."))


@login_required
@require_POST
def intervention_add(request, pk):
    plan = selectors.care_plan_get(actor=request.user, pk=pk)
    return _plan_post(request, pk, "intervention_form", forms.InterventionForm(request.POST, plan=plan),
                      lambda plan, d: services.intervention_add(actor=request.user, plan=plan, **d),
                      _("Intervention planned."))


@login_required
@require_POST
def care_plan_sign(request, pk):
    return _plan_post(request, pk, "sign_form", forms.SignForm(request.POST),
                      lambda plan, d: services.care_plan_sign(actor=request.user, plan=plan, signed_on=d["signed_on"],
                                                              signed_by=d["signed_by"],
                                                              expected_version=d["version"]),
                      _("Agreement recorded: the plan is active."))


@login_required
@require_POST
def care_plan_review(request, pk):
    plan = selectors.care_plan_get(actor=request.user, pk=pk)
    form = forms.ReviewForm(request.POST, goals=plan.goals.all())

    def review(plan, data):
        services.care_plan_review(actor=request.user, plan=plan, reviewed_on=data["reviewed_on"],
                                  outcomes=form.outcomes(), summary=data["summary"],
                                  next_review_on=data["next_review_on"], close=data["close"])

    return _plan_post(request, pk, "review_form", form, review, _("Review recorded: a new version of the plan."))


@login_required
@require_POST
def referral_send(request, pk, intervention_pk):
    intervention = get_object_or_404(PlannedIntervention, pk=intervention_pk, care_plan_id=pk)

    def send(plan, data):
        services.referral_send(actor=request.user, intervention=intervention, **data)

    return _plan_post(request, pk, "referral_form", forms.ReferralSendForm(request.POST), send,
                      _("Referral sent to the provider."))


@login_required
@require_POST
def note_add(request, pk):
    form = forms.NoteForm(request.POST, request.FILES)

    def add(plan, data):
        referral = None
        if data.get("referral"):
            referral = get_object_or_404(Referral, pk=data["referral"], care_plan=plan)
        files = [data["attachment"]] if data.get("attachment") else []
        services.case_note_add(actor=request.user, person=plan.person, care_plan=plan, referral=referral,
                               text=data["text"], visibility=data["visibility"], files=files)

    return _plan_post(request, pk, "note_form", form, add, _("Note saved."))


@login_required
def attachment_download(request, pk):
    """Attachments are served only here, after the permission check, never from a public URL."""
    attachment = get_object_or_404(CaseAttachment.objects.select_related("note__person", "note__referral"), pk=pk)
    if not rules.can_view_case_attachment(request.user, attachment):
        access_log_record(actor=request.user, record=attachment, action=AccessAction.DENIED,
                          purpose="attachment download refused")
        raise PermissionDenied
    access_log_record(actor=request.user, record=attachment, action=AccessAction.READ, purpose="attachment download")
    return download_response(attachment.file.open("rb"), filename=attachment.original_name,
                             content_type=attachment.content_type)


@login_required
def health_budget_list(request):
    if not scope_for(request.user).is_case_role:
        raise PermissionDenied
    page = paginate(request, selectors.health_budget_list(actor=request.user))
    budgets = page.object_list
    selectors.log_list(actor=request.user, records=budgets, purpose="Budget di salute list")
    return render(request, "care/budget_list.html", {"budgets": budgets, "page": page,
                                                      "can_start": rules.can_start_case(request.user)})


@login_required
def health_budget_create(request):
    if not rules.can_start_case(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    form = forms.HealthBudgetForm(request.POST or None, actor=request.user,
                                  initial={"start_date": today, "end_date": today.replace(year=today.year + 1)})
    if request.method == "POST" and form.is_valid():
        budget = call_service(request, lambda: services.health_budget_create(actor=request.user, **form.cleaned_data),
                              form=form, success=_("Project opened: add the co-design team and the budget lines."))
        if budget is not None:
            return redirect("care-budget-detail", pk=budget.pk)
    return render(request, "care/budget_form.html", {"form": form}, status=400 if form.errors else 200)


def _warn_over_budget(request, report) -> None:
    """Say so when spending exceeds what was planned, by axis and in total: allowed (a project changes), but
    never silently."""
    for row in [*report["axes"], report["total"]]:
        if row["over"]:
            messages.warning(request, _("%(axis)s: spent %(spent)s of %(planned)s planned (%(share)s).") % {
                "axis": row["label"], "spent": euro(row["spent"]), "planned": euro(row["planned"]),
                "share": pct(row["share_spent"]) if row["share_spent"] is not None else "—"})


@login_required
def health_budget_detail(request, pk):
    """The *Budget di salute*: co-design team, planned and spent by axis and funder, new lines and expenses."""
    budget = selectors.health_budget_get(actor=request.user, pk=pk)
    action = request.POST.get("form")
    forms_ = {
        "line_form": forms.BudgetLineForm(request.POST if action == "line" else None),
        "expense_form": forms.BudgetExpenseForm(request.POST if action == "expense" else None, budget=budget,
                                                initial={"spent_on": timezone.localdate()}),
        "member_form": forms.BudgetMemberForm(request.POST if action == "member" else None),
    }
    if request.method == "POST":
        form = forms_.get(f"{action}_form")
        if form is not None and form.is_valid():
            try:
                if action == "line":
                    services.health_budget_line_add(actor=request.user, budget=budget, **form.cleaned_data)
                elif action == "expense":
                    services.health_budget_expense_add(actor=request.user, **form.cleaned_data)
                else:
                    services.health_budget_member_add(actor=request.user, budget=budget, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Budget di salute updated."))
                if action == "expense":
                    _warn_over_budget(request, selectors.health_budget_report(budget=budget))
                return redirect("care-budget-detail", pk=budget.pk)
    report = selectors.health_budget_report(budget=budget)
    spec = chart(kind="bar", labels=[str(a["label"]) for a in report["axes"]], unit="EUR",
                 series={_("Planned"): [float(a["planned"]) for a in report["axes"]],
                         _("Spent"): [float(a["spent"]) for a in report["axes"]]})
    return render(request, "care/budget_detail.html", {
        "budget": budget, "report": report, "spec": spec, **forms_,
        "can_edit": rules.can_edit_health_budget(request.user, budget)},
        status=400 if request.method == "POST" else 200)


# --- The provider's side -----------------------------------------------------------------------------------


@login_required
def referral_inbox(request):
    """Referrals sent to the operator's organisation (*richieste di presa in carico*), minimum data only."""
    if not rules.provider_organisation_ids(request.user):
        raise PermissionDenied
    status = request.GET.get("stato", "")
    page = paginate(request, selectors.referral_list(actor=request.user, status=status, provider_side=True))
    referrals = page.object_list
    selectors.log_list(actor=request.user, records=referrals, purpose="provider referral inbox")
    rows = [{"referral": r, "data": selectors.provider_view(r)} for r in referrals]
    return render(request, "care/inbox.html", {"rows": rows, "page": page, "status": status,
                                                "statuses": ReferralStatus.choices,
                                                "decline_form": forms.DeclineForm()})


def _referral_context(request, referral, **forms_):
    deliveries = paginate(request, selectors.delivery_list(actor=request.user, referral_id=referral.pk))
    return {
        "referral": referral,
        "data": selectors.provider_view(referral),
        "full": rules.can_view_referral_case(request.user, referral),
        "can_answer": rules.can_answer_referral(request.user, referral),
        "can_correct": rules.can_log_delivery(request.user, referral) or rules.can_manage_referral(request.user,
                                                                                                   referral),
        "can_log": rules.can_log_delivery(request.user, referral) and referral.status in (
            ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS),
        "changes": list(referral.status_changes.all()),
        "deliveries": deliveries,
        "totals": selectors.delivery_totals(queryset=Delivery.objects.filter(referral=referral)),
        "notes": [n for n in selectors.case_notes_for(actor=request.user, person=referral.person)
                  if n.referral_id == referral.pk],
        "decline_form": forms_.get("decline_form") or forms.DeclineForm(),
        "delivery_form": forms_.get("delivery_form") or forms.DeliveryForm(
            initial={"delivered_on": timezone.localdate()}),
        "week_form": forms_.get("week_form") or forms.WeekForm(initial={"week_start": forms.week_start_default()}),
        "import_errors": forms_.get("import_errors"),
    }


@login_required
def referral_detail(request, pk):
    referral = selectors.referral_get(actor=request.user, pk=pk)
    return render(request, "care/referral_detail.html", _referral_context(request, referral))


def _referral_for_post(request, pk):
    referral = get_object_or_404(Referral.objects.select_related("person", "intervention", "care_plan", "provider",
                                                                 "service", "person__residence_comune"), pk=pk)
    if not rules.can_view_referral(request.user, referral):
        access_log_record(actor=request.user, record=referral, action=AccessAction.DENIED,
                          purpose="referral action refused")
        raise PermissionDenied
    return referral


def _referral_for_delivery(request, pk):
    """Only the referred provider (or the case team for an ETS without accounts) logs deliveries; a GP who
    reads the referral is refused before the form is looked at."""
    referral = _referral_for_post(request, pk)
    if not rules.can_log_delivery(request.user, referral):
        raise PermissionDenied
    return referral


def _answered(request, referral, message):
    messages.success(request, message)
    if request.htmx:
        return render(request, "care/inbox.html#referral-card", {
            "row": {"referral": referral, "data": selectors.provider_view(referral)},
            "decline_form": forms.DeclineForm()})
    return redirect("care-referral-detail", pk=referral.pk)


@login_required
@require_POST
def referral_accept(request, pk):
    referral = _referral_for_post(request, pk)
    if call_service(request, lambda: services.referral_accept(actor=request.user, referral=referral)) is None:
        return redirect("care-referral-detail", pk=pk)
    return _answered(request, referral, _("Referral accepted."))


@login_required
@require_POST
def referral_decline(request, pk):
    referral = _referral_for_post(request, pk)
    form = forms.DeclineForm(request.POST)
    if form.is_valid() and call_service(request, lambda: services.referral_decline(
            actor=request.user, referral=referral, **form.cleaned_data), form=form) is not None:
        return _answered(request, referral, _("Referral declined."))
    return render(request, "care/referral_detail.html", _referral_context(request, referral, decline_form=form),
                  status=400)


@login_required
@require_POST
def referral_move(request, pk, action):
    referral = _referral_for_post(request, pk)
    try:
        if action == "start":
            services.referral_start(actor=request.user, referral=referral)
        elif action == "complete":
            services.referral_complete(actor=request.user, referral=referral,
                                       outcome_note=request.POST.get("outcome_note", ""))
        elif action == "cancel":
            services.referral_cancel(actor=request.user, referral=referral, reason=request.POST.get("reason", ""))
        else:
            raise PermissionDenied
    except ValidationError as exc:
        add_service_errors(request, exc)
    else:
        messages.success(request, _("Referral updated."))
    return redirect("care-referral-detail", pk=pk)


@login_required
@require_POST
def delivery_add(request, pk):
    referral = _referral_for_delivery(request, pk)
    form = forms.DeliveryForm(request.POST)
    if form.is_valid() and call_service(request, lambda: services.delivery_create(
            actor=request.user, referral=referral, **form.cleaned_data),
            form=form, success=_("Delivery logged.")) is not None:
        return redirect("care-referral-detail", pk=pk)
    return render(request, "care/referral_detail.html", _referral_context(request, referral, delivery_form=form),
                  status=400)


@login_required
@require_POST
def delivery_week(request, pk):
    referral = _referral_for_delivery(request, pk)
    form = forms.WeekForm(request.POST)
    errors = None
    if form.is_valid():
        try:
            created = services.delivery_bulk_create(actor=request.user, referral=referral, rows=form.rows())
        except ImportRejected as exc:
            errors = exc.errors
        else:
            messages.success(request, _("%(count)s deliveries logged for the week.") % {"count": len(created)})
            return redirect("care-referral-detail", pk=pk)
    return render(request, "care/referral_detail.html",
                  _referral_context(request, referral, week_form=form, import_errors=errors), status=400)


@login_required
def delivery_import(request):
    """CSV import from a provider's own system: all rows or none, with every bad row named."""
    if not rules.provider_organisation_ids(request.user) and not scope_for(request.user).is_case_role:
        raise PermissionDenied
    form = forms.CsvImportForm(request.POST or None, request.FILES or None)
    errors = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.delivery_import_csv(actor=request.user, data=form.cleaned_data["file"].read())
        except ImportRejected as exc:
            errors = exc.errors
        else:
            messages.success(request, _("%(count)s deliveries imported.") % {"count": len(created)})
            return redirect("care-referral-inbox")
    return render(request, "care/delivery_import.html", {"form": form, "errors": errors,
                                                         "columns": services.CSV_COLUMNS,
                                                         "delivery_types": DeliveryType.choices},
                  status=400 if errors else 200)


# --- The public answer link --------------------------------------------------------------------------------


def referral_link(request, token):
    """A provider without an account answers here. Nothing is shown unless the link is valid, unused and not
    expired; opening it is logged as a read by the provider organisation."""
    error = None
    referral = None
    form = forms.DeclineForm(request.POST or None)
    try:
        if request.method == "POST":
            accept = request.POST.get("answer") == "accept"
            if accept or form.is_valid():
                data = form.cleaned_data if not accept else {}
                referral = services.referral_link_answer(token=token, accept=accept, reason=data.get("reason", ""),
                                                         note=data.get("note", ""))
                return render(request, "care/link_done.html", {"accepted": accept})
            referral = services.referral_link_resolve(token=token).referral
        else:
            referral = services.referral_link_open(token=token)
    except ValidationError as exc:
        error = " ".join(exc.messages)
        referral = None
    context = {"error": error, "form": form, "data": selectors.provider_view(referral) if referral else None}
    return render(request, "care/link.html", context, status=410 if error else 200)


# --- Protected discharges ----------------------------------------------------------------------------------


@login_required
def discharge_list(request):
    """Protected discharges of the territory, the ones at risk first: services not confirmed two days before."""
    if not rules.can_start_case(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    page = paginate(request, selectors.discharge_list(actor=request.user).order_by("status", "planned_on", "id"))
    discharges = page.object_list
    flagged = {d.pk for d in selectors.discharges_flagged(actor=request.user, today=today)}
    selectors.log_list(actor=request.user, records=discharges, purpose="protected discharge list")
    form = forms.DischargeForm(request.POST or None, actor=request.user, initial={"planned_on": today})
    if request.method == "POST" and form.is_valid():
        discharge = call_service(request, lambda: services.discharge_create(actor=request.user, **form.cleaned_data),
                                 form=form,
                                 success=_("Discharge planned: add the services that must be active on the day."))
        if discharge is not None:
            return redirect("care-discharge-detail", pk=discharge.pk)
    return render(request, "care/discharge_list.html", {"discharges": discharges, "page": page, "flagged": flagged,
                                                         "form": form}, status=400 if form.errors else 200)


@login_required
def discharge_detail(request, pk):
    discharge = selectors.discharge_get(actor=request.user, pk=pk)
    service_form = forms.DischargeServiceForm(
        request.POST if request.POST.get("form") == "service" else None, discharge=discharge)
    task_form = forms.DischargeTaskForm(request.POST if request.POST.get("form") == "task" else None,
                                        discharge=discharge, initial={"due_on": discharge.planned_on})
    if request.method == "POST":
        try:
            action = request.POST.get("form")
            if action == "service" and service_form.is_valid():
                services.discharge_service_require(actor=request.user, discharge=discharge,
                                                   service=service_form.cleaned_data["service"])
            elif action == "task" and task_form.is_valid():
                services.discharge_task_add(actor=request.user, discharge=discharge, **task_form.cleaned_data)
            elif action == "confirm":
                item = get_object_or_404(discharge.services.all(), pk=request.POST.get("item"))
                services.discharge_service_confirm(actor=request.user, item=item)
            elif action == "done":
                task = get_object_or_404(discharge.tasks.all(), pk=request.POST.get("task"))
                services.discharge_task_done(actor=request.user, task=task)
            elif action == "complete":
                services.discharge_complete(actor=request.user, discharge=discharge,
                                            completed_on=timezone.localdate(),
                                            confirm_incomplete=request.POST.get("confirm_incomplete") == "1")
            else:
                form = {"service": service_form, "task": task_form}.get(action)
                raise ValidationError(form_error_texts(form) if form is not None and form.errors
                                      else _("Check the data entered."))
        except ValidationError as exc:
            add_service_errors(request, exc)
        else:
            messages.success(request, _("Discharge updated."))
        return redirect("care-discharge-detail", pk=discharge.pk)
    flagged = selectors.discharges_flagged(today=timezone.localdate()).filter(pk=discharge.pk).exists()
    return render(request, "care/discharge_detail.html", {
        "discharge": discharge, "flagged": flagged, "service_form": service_form, "task_form": task_form,
        "loose_ends": services.discharge_loose_ends(discharge),
        "can_edit": rules.can_edit_discharge(request.user, discharge)})


# --- Corrections and cancellations, with their reason ----------------------------------------------------------


def _correction_page(request, *, form, record, title, action, back, cancel=False, initial_note=""):
    """One page for every correction or cancellation: the record, the form with its reason, the service's
    refusal in the form. Nothing is deleted: the change history keeps the old values and the reason."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            if call_service(request, lambda: action(data), form=form,
                            success=_("Cancelled: the record is kept with the reason.") if cancel
                            else _("Corrected: the change history keeps the previous values.")) is not None:
                return redirect(back)
    return render(request, "care/correction_form.html", {"form": form, "record": record, "title": title,
                                                         "back": back, "cancel": cancel, "note": initial_note},
                  status=status)


def _intervention_for_change(request, pk, intervention_pk):
    plan = selectors.care_plan_get(actor=request.user, pk=pk)
    if not rules.can_edit_care_plan(request.user, plan):
        raise PermissionDenied
    return plan, get_object_or_404(PlannedIntervention.objects.select_related("service", "provider"),
                                   pk=intervention_pk, care_plan=plan)


INTERVENTION_FIELDS = ("description", "intensity", "intensity_unit", "start_date", "end_date", "payer",
                       "person_share")


@login_required
def intervention_correct(request, pk, intervention_pk):
    plan, intervention = _intervention_for_change(request, pk, intervention_pk)
    form = forms.InterventionCorrectForm(request.POST or None,
                                         initial={name: getattr(intervention, name) for name in INTERVENTION_FIELDS})
    return _correction_page(
        request, form=form, record=intervention, title=_("Correct the intervention"),
        back=reverse("care-plan-detail", args=[plan.pk]),
        action=lambda d: services.intervention_correct(actor=request.user, intervention=intervention, **d))


@login_required
def intervention_cancel(request, pk, intervention_pk):
    plan, intervention = _intervention_for_change(request, pk, intervention_pk)
    return _correction_page(
        request, form=forms.CancelForm(request.POST or None), record=intervention, cancel=True,
        title=_("Cancel the intervention"), back=reverse("care-plan-detail", args=[plan.pk]),
        action=lambda d: services.intervention_cancel(actor=request.user, intervention=intervention, **d))


@login_required
def care_plan_case_manager(request, pk):
    plan = selectors.care_plan_get(actor=request.user, pk=pk)
    if not rules.can_edit_care_plan(request.user, plan):
        raise PermissionDenied
    form = forms.CaseManagerForm(request.POST or None, plan=plan,
                                 initial={"version": plan.version, "case_manager": plan.case_manager_id})

    def change(data):
        return services.care_plan_case_manager_set(actor=request.user, plan=plan, case_manager=data["case_manager"],
                                                   reason=data["reason"], expected_version=data["version"])

    return _correction_page(request, form=form, record=plan, title=_("Change the case manager"), action=change,
                            back=reverse("care-plan-detail", args=[plan.pk]))


DELIVERY_FIELDS = ("delivered_on", "start_time", "end_time", "hours", "quantity", "delivery_type", "amount",
                   "operator_name", "operator_ref", "notes")


def _delivery_for_change(request, pk):
    delivery = get_object_or_404(Delivery.all_objects.select_related("referral"), pk=pk)
    referral = _referral_for_post(request, delivery.referral_id)
    if not (rules.can_log_delivery(request.user, referral) or rules.can_manage_referral(request.user, referral)):
        raise PermissionDenied
    if request.method == "GET":
        access_log_record(actor=request.user, record=delivery, action=AccessAction.READ, purpose="delivery correction")
    return delivery


@login_required
def delivery_correct(request, pk):
    delivery = _delivery_for_change(request, pk)
    form = forms.DeliveryCorrectForm(request.POST or None,
                                     initial={name: getattr(delivery, name) for name in DELIVERY_FIELDS})
    return _correction_page(
        request, form=form, record=delivery, title=_("Correct the delivery"),
        back=reverse("care-referral-detail", args=[delivery.referral_id]),
        action=lambda d: services.delivery_correct(actor=request.user, delivery=delivery, **d))


@login_required
def delivery_cancel(request, pk):
    delivery = _delivery_for_change(request, pk)
    return _correction_page(
        request, form=forms.CancelForm(request.POST or None), record=delivery, cancel=True,
        title=_("Cancel the delivery"), back=reverse("care-referral-detail", args=[delivery.referral_id]),
        action=lambda d: services.delivery_cancel(actor=request.user, delivery=delivery, **d))


def _expense_for_change(request, pk, expense_pk):
    budget = selectors.health_budget_get(actor=request.user, pk=pk)
    if not rules.can_edit_health_budget(request.user, budget):
        raise PermissionDenied
    return budget, get_object_or_404(HealthBudgetExpense.all_objects.select_related("line"), pk=expense_pk,
                                     line__budget=budget)


@login_required
def expense_correct(request, pk, expense_pk):
    budget, expense = _expense_for_change(request, pk, expense_pk)
    form = forms.BudgetExpenseCorrectForm(request.POST or None, initial={
        "spent_on": expense.spent_on, "amount": expense.amount, "description": expense.description})
    return _correction_page(
        request, form=form, record=expense, title=_("Correct the expense"),
        back=reverse("care-budget-detail", args=[budget.pk]),
        action=lambda d: services.health_budget_expense_correct(actor=request.user, expense=expense, **d))


@login_required
def expense_cancel(request, pk, expense_pk):
    budget, expense = _expense_for_change(request, pk, expense_pk)
    return _correction_page(
        request, form=forms.CancelForm(request.POST or None), record=expense, cancel=True,
        title=_("Cancel the expense"), back=reverse("care-budget-detail", args=[budget.pk]),
        action=lambda d: services.health_budget_expense_cancel(actor=request.user, expense=expense, **d))
