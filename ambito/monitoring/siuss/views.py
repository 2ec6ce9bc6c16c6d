"""SIUSS pages: the pre-flight report and the files of each Comune, and the small pages its links lead to,
where the missing datum is entered; the Ambito's SINA mapping."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ambito.access.models import Assessment, Person
from ambito.accounts.models import AccessAction
from ambito.accounts.selectors import scope_for
from ambito.accounts.services import access_log_record, access_log_records
from ambito.care.models import PlannedIntervention
from ambito.core.forms import call_service
from ambito.core.text import plain_int
from ambito.monitoring.siuss import flows, rules, services
from ambito.monitoring.siuss.forms import (
    EnteForm,
    InterventionSiussForm,
    PersonSiussForm,
    SinaForm,
    SinaRuleForm,
    SinbaForm,
)
from ambito.monitoring.siuss.models import SinaRule, SinbaRecord
from ambito.territory.models import Ambito, Comune


def _year(request):
    year = plain_int(request.POST.get("year") or request.GET.get("anno"))
    today = timezone.localdate()
    return year if year and 2000 <= year <= today.year + 1 else today.year


def _back(request):
    target = request.GET.get("next") or request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("monitoring-siuss")


@login_required
def siuss(request):
    """Pre-flight report per Comune and flow: the officer sees every record that cannot be sent, why, and a
    link to where the datum is entered, and downloads the files; the planning office and the Region see
    counts and completeness only."""
    if not rules.can_see_siuss(request.user):
        raise PermissionDenied
    year = _year(request)
    officer_ids = rules.officer_comune_ids(request.user)
    if request.method == "POST":
        comune = get_object_or_404(Comune, pk=plain_int(request.POST.get("comune")) or 0)
        job = call_service(request, lambda: services.export_start(
            actor=request.user, comune=comune, year=year, flow=request.POST.get("flow", ""),
            partial=request.POST.get("partial") == "1"), show_denied=True)
        if job:
            return redirect("job-detail", job.pk)
    here = f"{reverse('monitoring-siuss')}?anno={year}"
    comuni = Comune.objects.filter(pk__in=rules.counts_comune_ids(request.user)).select_related("ambito") \
        .order_by("name")
    report = flows.preflight(comuni, year, back=here)
    listed = set()
    for entry in report:
        entry["officer"] = entry["comune"].pk in officer_ids
        if entry["officer"]:
            for flow in entry["flows"].values():
                listed.update(row.person_id for row in flow["incomplete"])
        else:  # counts only
            for flow in entry["flows"].values():
                flow["incomplete_count"] = len(flow["incomplete"])
                flow["incomplete"] = []
            entry["ente"] = [problem for problem in entry["ente"]] if rules.can_edit_ente(
                request.user, entry["comune"]) else []
        for flow in entry["flows"].values():
            flow.setdefault("incomplete_count", len(flow["incomplete"]))
    if listed:
        access_log_records(actor=request.user, records=Person.objects.filter(pk__in=listed),
                           action=AccessAction.LIST, purpose="SIUSS pre-flight report")
    can_map = bool(scope_for(request.user).ambito_ids(*rules.MAPPING_ROLES))
    return render(request, "monitoring/siuss/page.html", {"report": report, "year": year, "can_map": can_map})


def _form_page(request, *, title, intro, form, record_label, back):
    return render(request, "monitoring/siuss/form.html", {"title": title, "intro": intro, "form": form,
                                                          "record_label": record_label, "back": back})


@login_required
def person_data(request, pk):
    person = get_object_or_404(Person.objects.select_related("residence_comune"), pk=pk)
    if not rules.can_complete(request.user, "person", person):
        raise PermissionDenied
    back = _back(request)
    form = PersonSiussForm(request.POST or None, initial={
        "fiscal_code": person.fiscal_code, "citizenship": person.citizenship,
        "birthplace_code": person.birthplace_code})
    if request.method == "POST" and form.is_valid() and call_service(
            request, lambda: services.person_siuss_update(actor=request.user, person=person, **form.cleaned_data),
            form=form, success=_("Saved.")):
        return redirect(back)
    access_log_record(actor=request.user, record=person, action=AccessAction.READ, purpose="SIUSS person data")
    return _form_page(request, title=_("SIUSS data of the person"), record_label=person.pseudonym, back=back,
                      intro=_("Citizenship and birthplace are asked by every SIUSS flow."), form=form)


@login_required
def intervention_data(request, pk):
    intervention = get_object_or_404(PlannedIntervention.objects.select_related("care_plan__person", "service"),
                                     pk=pk)
    if not rules.can_complete(request.user, "care_plan", intervention.care_plan):
        raise PermissionDenied
    back = _back(request)
    form = InterventionSiussForm(request.POST or None, initial={
        name: getattr(intervention, name) for name in services.INTERVENTION_SIUSS_FIELDS})
    if request.method == "POST" and form.is_valid() and call_service(
            request, lambda: services.intervention_siuss_update(actor=request.user, intervention=intervention,
                                                                **form.cleaned_data),
            form=form, success=_("Saved.")):
        return redirect(back)
    access_log_record(actor=request.user, record=intervention.care_plan, action=AccessAction.READ,
                      purpose="SIUSS benefit data")
    return _form_page(request, title=_("SIUSS data of the benefit"), back=back, form=form,
                      record_label=f"{intervention.care_plan.person.pseudonym} · {intervention.service.name}",
                      intro=_("What the PS-PSA record asks of the benefit: the application's protocol, the means "
                              "test with the DSU, periodic or one-off, the monthly amount."))


@login_required
def sina_data(request, pk):
    assessment = get_object_or_404(Assessment.objects.select_related("person", "request__comune").prefetch_related(
        "scores"), pk=pk)
    if not rules.can_complete(request.user, "assessment", assessment):
        raise PermissionDenied
    back = _back(request)
    record = getattr(assessment, "sina", None)
    mapped = flows.sina_values(assessment, flows.rules_by_domain(assessment.request.comune.ambito_id))
    initial = dict(record.values) if record else {}
    initial.update(invalidity=record.invalidity if record else [],
                   invalidity_source=record.invalidity_source if record else "")
    form = SinaForm(request.POST or None, initial=initial, mapped=mapped)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        invalidity, source = data.pop("invalidity"), data.pop("invalidity_source")
        if call_service(request, lambda: services.sina_record_save(
                actor=request.user, assessment=assessment, values=data, invalidity=invalidity,
                invalidity_source=source), form=form, success=_("Saved.")):
            return redirect(back)
    access_log_record(actor=request.user, record=assessment, action=AccessAction.READ, purpose="SIUSS SINA answers")
    return _form_page(request, title=_("SINA domains of the assessment"), back=back, form=form,
                      record_label=assessment.person.pseudonym,
                      intro=_("Each domain left on the mapping is read from the assessment's scales with the "
                              "Ambito's rules; choose a value to record what the UVM decided."))


@login_required
def sinba_data(request, pk):
    person = get_object_or_404(Person, pk=pk)
    if not rules.can_complete(request.user, "person", person):
        raise PermissionDenied
    back = _back(request)
    record = SinbaRecord.objects.filter(person=person).first()
    form = SinbaForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid() and call_service(
            request, lambda: services.sinba_record_save(actor=request.user, person=person, **form.cleaned_data),
            form=form, success=_("Saved.")):
        return redirect(back)
    access_log_record(actor=request.user, record=person, action=AccessAction.READ, purpose="SIUSS SINBA card")
    return _form_page(request, title=_("SINBA card of the minor"), back=back, form=form,
                      record_label=person.pseudonym,
                      intro=_("The child, the family and why the service took the child in charge."))


@login_required
def ente_data(request, pk):
    comune = get_object_or_404(Comune, pk=pk)
    if not rules.can_edit_ente(request.user, comune):
        raise PermissionDenied
    back = _back(request)
    form = EnteForm(request.POST or None, initial={"fiscal_code": comune.fiscal_code})
    if request.method == "POST" and form.is_valid() and call_service(
            request, lambda: services.comune_fiscal_code_set(actor=request.user, comune=comune,
                                                             fiscal_code=form.cleaned_data["fiscal_code"]),
            form=form, success=_("Saved.")):
        return redirect(back)
    return _form_page(request, title=_("Codice fiscale of the Comune"), back=back, form=form,
                      record_label=comune.name, intro=_("The paying body names itself by it in every SIUSS file."))


@login_required
def service_code(request, pk):
    """The Nomenclatore code is set on the service's page (planning office)."""
    return redirect(reverse("network-service-edit", args=[pk]))


@login_required
def sina_rules(request):
    """The Ambito's SINA mapping: which scale (total or item) gives which SINA code, domain by domain."""
    ambito_ids = scope_for(request.user).ambito_ids(*rules.MAPPING_ROLES)
    ambito = Ambito.objects.filter(pk__in=ambito_ids).order_by("name").first()
    if ambito is None:
        raise PermissionDenied
    services.sina_rules_ensure_defaults(ambito=ambito)
    form = SinaRuleForm(request.POST or None)
    if request.method == "POST":
        delete = plain_int(request.POST.get("delete"))
        if delete:
            rule = get_object_or_404(SinaRule, pk=delete, ambito=ambito)
            call_service(request, lambda: services.sina_rule_delete(actor=request.user, rule=rule),
                         success=_("Rule removed."))
            return redirect("monitoring-siuss-sina-rules")
        if form.is_valid() and call_service(request, lambda: services.sina_rule_save(
                actor=request.user, ambito=ambito, **form.cleaned_data), form=form, success=_("Rule added.")):
            return redirect("monitoring-siuss-sina-rules")
    items = SinaRule.objects.filter(ambito=ambito).select_related("scale").order_by("domain", "order", "id")
    messages_needed = not items
    return render(request, "monitoring/siuss/sina_rules.html", {"ambito": ambito, "rules": items, "form": form,
                                                               "empty": messages_needed})
