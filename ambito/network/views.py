from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.accounts.models import Organisation
from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for
from ambito.core.forms import add_service_errors
from ambito.core.imports import ImportRejected
from ambito.network import services as network_services
from ambito.network.forms import (
    ContactForm,
    HsdsApproveForm,
    HsdsUploadForm,
    ProviderProfileForm,
    ServiceForm,
    SynonymsForm,
)
from ambito.network.hsds.tabular import documents_from_bytes
from ambito.network.models import (
    ContactChannel,
    ContactTopic,
    HsdsImport,
    ImportStatus,
    ProviderProfile,
    Service,
)
from ambito.network.rules import (
    can_accredit_provider,
    can_edit_provider,
    can_edit_service,
    can_log_info_point_contact,
)
from ambito.network.selectors import (
    hsds_import_list,
    hsds_import_review,
    info_point_contact_summary,
    info_point_loggable_list,
    provider_editable_list,
    service_editable_list,
    synonym_list,
)


@login_required
def catalogue(request):
    """The services and organisations the user may edit (*gestione del catalogo*)."""
    context = {
        "services": service_editable_list(actor=request.user),
        "providers": provider_editable_list(actor=request.user),
        "info_points": info_point_loggable_list(actor=request.user),
        "planner": bool(scope_for(request.user).ambito_ids(Role.PLANNER)),
    }
    return render(request, "network/catalogue.html", context)


@login_required
def service_edit(request, pk):
    service = get_object_or_404(Service.objects.select_related("provider"), pk=pk)
    if not can_edit_service(request.user, service):
        network_services.deny(actor=request.user, record=service, purpose="edit a service of another organisation")
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            network_services.service_update(actor=request.user, service=Service.objects.get(pk=pk),
                                            expected_version=form.cleaned_data["version"], **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Service saved."))
            return redirect("network-catalogue")
    return render(request, "network/service_form.html", {"form": form, "service": service})


@login_required
def provider_edit(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    if not can_edit_provider(request.user, organisation):
        network_services.deny(actor=request.user, record=organisation,
                              purpose="edit the profile of another organisation")
    profile = ProviderProfile.objects.filter(organisation=organisation).first() or ProviderProfile(
        organisation=organisation)
    office = can_accredit_provider(request.user, organisation)
    form = ProviderProfileForm(request.POST or None, instance=profile, office=office)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            network_services.provider_profile_update(actor=request.user, organisation=organisation,
                                                     expected_version=form.cleaned_data["version"], **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Organisation profile saved."))
            return redirect("network-catalogue")
    return render(request, "network/provider_form.html", {"form": form, "organisation": organisation,
                                                          "profile": profile, "office": office})


@login_required
def info_point_contacts(request, pk):
    """The anonymous contact log of an info-point: record a contact, read the counts."""
    info_point = get_object_or_404(Service.objects.prefetch_related("staffed_by"), pk=pk, service_type="info_point")
    if not can_log_info_point_contact(request.user, info_point):
        network_services.deny(actor=request.user, record=info_point,
                              purpose="log a contact at another organisation's info-point")
    form = ContactForm(request.POST or None, info_point=info_point, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            network_services.info_point_contact_record(actor=request.user, info_point=info_point,
                                                       **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Contact recorded."))
            return redirect("network-info-point-contacts", pk=pk)
    summary = info_point_contact_summary(info_point=info_point)
    topics, channels = dict(ContactTopic.choices), dict(ContactChannel.choices)
    context = {
        "info_point": info_point,
        "form": form,
        "summary": summary,
        "by_topic": sorted(((topics.get(k, k), n) for k, n in summary["by_topic"].items()), key=lambda r: -r[1]),
        "by_channel": sorted(((channels.get(k, k), n) for k, n in summary["by_channel"].items()),
                             key=lambda r: -r[1]),
    }
    return render(request, "network/info_point_contacts.html", context)


def _planned_ambito(request):
    """The Ambito whose planning office the user works in (the first, for a rare planner of several)."""
    from ambito.territory.models import Ambito

    ids = sorted(scope_for(request.user).ambito_ids(Role.PLANNER))
    if not ids:
        raise PermissionDenied
    return Ambito.objects.get(pk=ids[0])


@login_required
def synonyms_edit(request):
    """The directory's synonym list (*badante = assistenza domiciliare*), one line per word."""
    ambito = _planned_ambito(request)
    synonyms = synonym_list(ambito=ambito)
    initial = "\n".join(f"{s.term} = {s.alternatives}" for s in synonyms)
    form = SynonymsForm(request.POST or None, initial={"text": initial})
    if request.method == "POST" and form.is_valid():
        try:
            count = network_services.synonyms_replace(actor=request.user, ambito=ambito, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(count)s synonyms saved.") % {"count": count})
            return redirect("network-synonyms")
    return render(request, "network/synonyms.html", {"form": form, "ambito": ambito, "synonyms": synonyms})


@login_required
def hsds_imports(request):
    """Files from other systems (Open Referral HSDS): upload one for review, see those waiting."""
    ambito = _planned_ambito(request)
    form = HsdsUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            documents = documents_from_bytes(upload.read(MAX_UPLOAD + 1))
            batch = network_services.hsds_import_stage(actor=request.user, ambito=ambito, documents=documents,
                                                       source_name=upload.name)
        except ImportRejected as rejected:
            report = rejected.report()
        else:
            return redirect("network-hsds-import", pk=batch.pk)
    return render(request, "network/hsds_imports.html",
                  {"form": form, "report": report, "imports": hsds_import_list(ambito=ambito), "ambito": ambito})


@login_required
def hsds_import_detail(request, pk):
    """What an import would add or change; approve it (naming the Comuni) or reject it."""
    ambito = _planned_ambito(request)
    batch = get_object_or_404(HsdsImport.objects.select_related("ambito"), pk=pk, ambito=ambito)
    rows = hsds_import_review(batch=batch)
    form = HsdsApproveForm(request.POST or None, ambito=ambito)
    if request.method == "POST" and batch.status == ImportStatus.PENDING:
        try:
            if "reject" in request.POST:
                network_services.hsds_import_reject(actor=request.user, batch=batch)
                messages.success(request, _("Import rejected: nothing was written to the catalogue."))
                return redirect("network-hsds-imports")
            if form.is_valid():
                result = network_services.hsds_import_approve(actor=request.user, batch=batch,
                                                              comuni=form.cleaned_data["comuni"])
                messages.success(request, _("Import approved: %(services)s services, %(organisations)s "
                                            "organisations, %(locations)s places written.") % result)
                return redirect("network-hsds-imports")
        except ImportRejected as rejected:
            form.add_error(None, rejected.report())
        except ValidationError as error:
            add_service_errors(form, error)
    counts = {action: sum(1 for r in rows if r.action == action) for action in ("add", "change", "same")}
    return render(request, "network/hsds_import.html",
                  {"batch": batch, "rows": rows, "form": form, "counts": counts})


MAX_UPLOAD = 10 * 1024 * 1024
