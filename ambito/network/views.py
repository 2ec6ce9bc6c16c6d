from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.accounts.models import Organisation
from ambito.core.forms import add_service_errors
from ambito.network import services as network_services
from ambito.network.forms import ContactForm, ProviderProfileForm, ServiceForm
from ambito.network.models import ContactChannel, ContactTopic, ProviderProfile, Service
from ambito.network.rules import (
    can_accredit_provider,
    can_edit_provider,
    can_edit_service,
    can_log_info_point_contact,
)
from ambito.network.selectors import (
    info_point_contact_summary,
    info_point_loggable_list,
    provider_editable_list,
    service_editable_list,
)


@login_required
def catalogue(request):
    """The services and organisations the user may edit (*gestione del catalogo*)."""
    context = {
        "services": service_editable_list(actor=request.user),
        "providers": provider_editable_list(actor=request.user),
        "info_points": info_point_loggable_list(actor=request.user),
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
