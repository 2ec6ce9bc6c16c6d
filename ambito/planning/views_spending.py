"""Pages of the money loop: spending against the plan (planned → committed → paid, carry-over, the accounting
import and entry), fund reports, unit costs and reinvested savings. Each POST names its ``action``; the view
parses the form, calls one service and goes back to the page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ambito.core.forms import call_service
from ambito.core.imports import ImportRejected
from ambito.core.services import job_start
from ambito.core.text import plain_int
from ambito.planning import forms_spending as forms
from ambito.planning import rules, services, services_spending
from ambito.planning.models import Commitment, FundAllocation, FundReport, Plan, UnitCost
from ambito.planning.selectors import plan_list
from ambito.planning.selectors_spending import (
    CARRY_OVER_RULE,
    carry_over_proposal,
    grant_positions,
    reinvestment_overview,
    spending_by_intervention,
    spending_overview,
)


def _plan(request, pk) -> Plan:
    return get_object_or_404(plan_list(actor=request.user).select_related("ambito"), pk=pk)


def _year(request, plan):
    raw = request.GET.get("anno")
    if raw == "tutti":
        return None
    year = plain_int(raw)
    return year if year in plan.years else plan.years[min(1, len(plan.years) - 1)]


def _import(request, call, success):
    try:
        result = call()
    except ImportRejected as exc:
        messages.error(request, _("The file was not imported: nothing has changed. Correct the rows listed below "
                                  "and upload it again."))
        return None, exc.errors
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return None, []
    messages.success(request, success)
    return result, []


@login_required
def spending(request, pk):
    plan = _plan(request, pk)
    year = _year(request, plan)
    can_manage = rules.can_edit_plan(request.user, plan)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    post = request.POST if action else None
    files = request.FILES if action else None
    import_form = forms.SpendingImportForm(post if action == "import" else None,
                                           files if action == "import" else None, plan=plan)
    code_form = forms.AccountingCodeForm(post if action == "code" else None, plan=plan)
    commitment_form = forms.CommitmentForm(post if action == "commitment" else None, plan=plan)
    payment_form = forms.PaymentForm(post if action == "payment" else None)
    carry_form = forms.CarryOverForm(post if action == "carry_over" else None, plan=plan)
    import_errors = []
    if action:
        if not can_manage:
            raise PermissionDenied
        done = None
        if action == "import" and import_form.is_valid():
            upload = import_form.cleaned_data["file"]
            batch, import_errors = _import(request, lambda: services_spending.spending_import(
                actor=request.user, plan=plan, ente=import_form.cleaned_data["ente"], data=upload.read(),
                filename=upload.name), _("Accounting export imported."))
            done = batch
        elif action == "code" and code_form.is_valid():
            d = code_form.cleaned_data
            done = call_service(request, lambda: services_spending.accounting_code_set(
                actor=request.user, plan=plan, ente=d["ente"], code=d["code"], intervention=d["intervention"],
                source=d["source"], comune=d["comune"]), form=code_form, success=_("Accounting code mapped."))
        elif action == "commitment" and commitment_form.is_valid():
            d = commitment_form.cleaned_data
            done = call_service(request, lambda: services_spending.commitment_record(
                actor=request.user, intervention=d["intervention"], year=d["year"], source=d["source"],
                comune=d["comune"], amount=d["amount"], act_number=d["act_number"], act_date=d["act_date"],
                provider=d["provider"]), form=commitment_form, success=_("Commitment recorded."), show_denied=True)
        elif action == "payment" and payment_form.is_valid():
            d = payment_form.cleaned_data
            commitment = Commitment.objects.filter(intervention__plan=plan, act_number=d["act_number"].strip()).first()
            if commitment is None:
                payment_form.add_error("act_number", _("No commitment of this plan has that act number."))
            else:
                done = call_service(request, lambda: services_spending.payment_record(
                    actor=request.user, commitment=commitment, amount=d["amount"], paid_on=d["paid_on"],
                    payee=d["payee"], stage=d["stage"], reference=d["reference"]), form=payment_form,
                    success=_("Payment recorded."), show_denied=True)
        elif action == "carry_over" and carry_form.is_valid():
            d = carry_form.cleaned_data
            done = call_service(request, lambda: services.carry_over_set(
                actor=request.user, plan=plan, source=d["source"], amount=d["amount"], comune=d["comune"],
                note=d["note"]), form=carry_form, success=_("Carry-over saved."), show_denied=True)
        if done:
            return redirect(reverse("planning-spending", args=[plan.pk]) + f"?anno={year or 'tutti'}")
    overview = spending_overview(plan=plan, year=year)
    context = {
        "plan": plan, "year": year, "overview": overview, "can_manage": can_manage,
        "interventions": spending_by_intervention(plan=plan, year=year) if year else [],
        "carry_over_rule": CARRY_OVER_RULE, "carry_over": carry_over_proposal(plan=plan),
        "carry_over_received": plan.carry_overs.select_related("comune"),
        "codes": plan.accounting_codes.select_related("ente", "intervention", "comune"),
        "imports": plan.spending_imports.select_related("ente")[:10],
        "import_form": import_form, "import_errors": import_errors, "code_form": code_form,
        "commitment_form": commitment_form, "payment_form": payment_form, "carry_form": carry_form,
        "carry_editable": plan.is_editable,
        "dimensions": [(dim, title, overview.rows[dim]) for dim, title in (
            ("source", _("By funding source")), ("comune", _("By Comune (own funds)")), ("area", _("By area")),
            ("year", _("By year")))],
    }
    return render(request, "planning/spending.html", context)


@login_required
def fund_reports(request, pk):
    plan = _plan(request, pk)
    can_manage = rules.can_edit_plan(request.user, plan)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    allocation_form = forms.AllocationForm(request.POST if action == "allocation" else None)
    report_form = forms.FundReportForm(request.POST if action == "prepare" else None,
                                       initial={"year": plan.start_year + 1})
    reports = FundReport.objects.filter(ambito=plan.ambito, year__gte=plan.start_year, year__lte=plan.end_year)
    if action:
        if action in ("allocation", "prepare", "submit") and not can_manage:
            raise PermissionDenied
        done = None
        if action == "allocation" and allocation_form.is_valid():
            d = allocation_form.cleaned_data
            done = call_service(request, lambda: services_spending.fund_allocation_set(
                actor=request.user, ambito=plan.ambito, source=d["source"], year=d["year"], amount=d["amount"],
                act=d["act"]), form=allocation_form, success=_("Allocation saved."), show_denied=True)
        elif action == "prepare" and report_form.is_valid():
            d = report_form.cleaned_data
            done = call_service(request, lambda: services_spending.fund_report_prepare(
                actor=request.user, ambito=plan.ambito, source=d["source"], year=d["year"], reason=d["reason"]),
                form=report_form, success=_("Report prepared with today's figures."), show_denied=True)
        elif action == "submit":
            report = get_object_or_404(reports, pk=plain_int(request.POST.get("report")))
            done = call_service(request, lambda: services_spending.fund_report_submit(actor=request.user,
                                                                                         report=report),
                                success=_("Report submitted: this version is now locked."), show_denied=True)
        elif action in ("xlsx", "pdf"):
            report = get_object_or_404(reports, pk=plain_int(request.POST.get("report")))
            with transaction.atomic():
                job = job_start(kind="planning.fund_report", actor=request.user,
                                params={"report_id": report.pk, "format": action},
                                title=_("Fund report %(fund)s %(year)s v%(version)s (%(kind)s)") % {
                                    "fund": report.get_source_display(), "year": report.year,
                                    "version": report.version, "kind": action.upper()})
            return redirect("job-detail", job_id=job.pk)
        if done:
            return redirect("planning-fund-reports", plan.pk)
    context = {"plan": plan, "can_manage": can_manage, "reports": reports,
               "allocations": FundAllocation.objects.filter(ambito=plan.ambito, year__gte=plan.start_year,
                                                            year__lte=plan.end_year),
               "allocation_form": allocation_form, "report_form": report_form}
    return render(request, "planning/fund_reports.html", context)


@login_required
def costs_and_savings(request, pk):
    plan = _plan(request, pk)
    can_manage = rules.can_edit_plan(request.user, plan)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    unit_form = forms.UnitCostForm(request.POST if action == "unit_cost" else None, plan=plan)
    reinvestment = reinvestment_overview(plan=plan)
    initial = {}
    if reinvestment:
        a = reinvestment["agreement"]
        initial = {"baseline_start": a.baseline_start, "baseline_end": a.baseline_end,
                   "cost_per_bed_day": a.cost_per_bed_day, "share": a.share, "note": a.note}
    agreement_form = forms.ReinvestmentForm(request.POST if action == "agreement" else None, initial=initial)
    health_form = forms.HealthFiguresForm(request.POST if action == "health" else None,
                                          request.FILES if action == "health" else None)
    import_errors = []
    if action:
        if not can_manage:
            raise PermissionDenied
        done = None
        if action == "unit_cost" and unit_form.is_valid():
            d = unit_form.cleaned_data
            done = call_service(request, lambda: services_spending.unit_cost_set(
                actor=request.user, service=d["service"], provider=d["provider"], basis=d["basis"], rate=d["rate"],
                valid_from=d["valid_from"], valid_to=d["valid_to"]), form=unit_form, success=_("Unit cost saved."),
                show_denied=True)
        elif action == "agreement" and agreement_form.is_valid():
            d = agreement_form.cleaned_data
            done = call_service(request, lambda: services_spending.reinvestment_set(actor=request.user, plan=plan, **d),
                                form=agreement_form, success=_("Reinvestment agreement saved."), show_denied=True)
        elif action == "health" and health_form.is_valid():
            upload = health_form.cleaned_data["file"]
            done, import_errors = _import(request, lambda: services_spending.health_figures_import(
                actor=request.user, ambito=plan.ambito, data=upload.read(), filename=upload.name),
                _("ASL figures imported."))
        if done:
            return redirect("planning-costs", plan.pk)
    context = {"plan": plan, "can_manage": can_manage, "reinvestment": reinvestment,
               "unit_costs": UnitCost.objects.filter(service__ambito_id=plan.ambito_id).select_related(
                   "service", "provider"),
               "unit_form": unit_form, "agreement_form": agreement_form, "health_form": health_form,
               "import_errors": import_errors, "positions": grant_positions(plan=plan)}
    return render(request, "planning/costs_savings.html", context)
