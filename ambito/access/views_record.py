"""Pages of the person's record kept right: edit with versioning, contacts and guardian, transfer to another
Comune. Each page reads the person through the selector (access-logged) and writes through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambito.access import rules as access_rules
from ambito.access import selectors, services
from ambito.access.forms_record import ContactEndForm, ContactForm, PersonEditForm, TransferForm
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_log_record
from ambito.core.concurrency import StaleEditError
from ambito.core.forms import add_service_errors, add_stale_error, call_service

EDITABLE = [name for name in PersonEditForm.base_fields if name not in ("version", "confirm_birthplace")]


def _person_for_change(request, pseudonym):
    person = selectors.person_get(actor=request.user, pseudonym=pseudonym)
    if person is None:
        raise Http404
    if not access_rules.can_edit_person(request.user, person):
        access_log_record(actor=request.user, record=person, action=AccessAction.DENIED,
                          purpose="person record change refused")
        raise PermissionDenied
    if request.method == "GET":  # the form shows the record: a read like the person page's
        access_log_record(actor=request.user, record=person, action=AccessAction.READ, purpose="person record edit")
    return person


@login_required
def person_edit(request, pseudonym):
    """Edit the record on the version read: a stale save shows what was saved meanwhile and saves nothing."""
    person = _person_for_change(request, pseudonym)
    initial = {name: getattr(person, name) for name in EDITABLE} | {"version": person.version}
    form = PersonEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.person_update(actor=request.user, person=person, expected_version=version, **data)
            except StaleEditError:
                person.refresh_from_db()
                add_stale_error(form, version=person.version, saved={n: getattr(person, n) for n in EDITABLE})
                status = 409
            except ValidationError as exc:
                person.refresh_from_db()
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Record saved: the change history keeps the previous values."))
                return redirect("access-person", pseudonym=person.pseudonym)
    return render(request, "access/person_edit.html", {"form": form, "person": person}, status=status)


@login_required
def person_contact_add(request, pseudonym):
    person = _person_for_change(request, pseudonym)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(request, lambda: services.person_contact_add(actor=request.user, person=person,
                                                                     **form.cleaned_data),
                        form=form, success=_("Contact recorded.")) is not None:
            return redirect("access-person", pseudonym=person.pseudonym)
    return render(request, "access/person_record_form.html", {
        "form": form, "person": person, "title": _("Add a contact, household member or guardian")},
        status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def person_contact_end(request, pseudonym, contact_pk):
    person = _person_for_change(request, pseudonym)
    contact = get_object_or_404(person.contacts.all(), pk=contact_pk)
    form = ContactEndForm(request.POST)
    if form.is_valid():
        call_service(request, lambda: services.person_contact_end(actor=request.user, contact=contact,
                                                                  **form.cleaned_data),
                     success=_("The contact is no longer in force: kept with the reason."))
    else:
        messages.error(request, _("Say why: a correction or cancellation needs its reason."))
    return redirect("access-person", pseudonym=person.pseudonym)


@login_required
def person_transfer(request, pseudonym):
    """Hand the person over to another Comune's social service, with the reason."""
    person = _person_for_change(request, pseudonym)
    form = TransferForm(request.POST or None, person=person, initial={"moved_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        transfer = call_service(request, lambda: services.person_transfer(actor=request.user, person=person,
                                                                          **form.cleaned_data), form=form,
                                success=_("Transfer recorded: the receiving Comune's social service now sees "
                                          "the person."))
        if transfer is not None:
            if access_rules.can_view_person(request.user, person):
                return redirect("access-person", pseudonym=person.pseudonym)
            return redirect("access-work-queue")
    return render(request, "access/person_record_form.html", {
        "form": form, "person": person, "title": _("Transfer to another Comune")},
        status=400 if request.method == "POST" else 200)
