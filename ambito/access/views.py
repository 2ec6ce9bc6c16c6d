"""PUA pages: the social worker's work queue, waiting lists with admission, a person's record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambito.access import rules as access_rules
from ambito.access import selectors, services
from ambito.accounts.models import AccessAction
from ambito.accounts.selectors import comune_list
from ambito.accounts.services import access_log_record, access_log_records


def _case_worker_only(user):
    if not access_rules.scope_for(user).has(*access_rules.PERSON_ROLES):
        raise PermissionDenied


@login_required
def work_queue(request):
    """A social worker's day (*coda di lavoro*), filtered by Comune; the filter swaps the lists with HTMX."""
    _case_worker_only(request.user)
    comuni = list(comune_list(actor=request.user).filter(
        id__in=access_rules._territorial(request.user)[0]).order_by("name"))
    try:
        comune_id = int(request.GET.get("comune") or 0) or None
    except ValueError:
        comune_id = None
    if comune_id and comune_id not in {c.id for c in comuni}:
        comune_id = None
    queue = selectors.work_queue(actor=request.user, comune_id=comune_id)
    persons = [r.person for r in queue["requests"]] + [a.person for a in queue["assessments"]] + [
        e.person for e in queue["entries"]]
    access_log_records(actor=request.user, records=persons, action=AccessAction.LIST, purpose="work queue")
    context = {"queue": queue, "comuni": comuni, "comune_id": comune_id}
    template = "access/work_queue.html#queue" if request.htmx else "access/work_queue.html"
    return render(request, template, context)


@login_required
def waiting_lists(request):
    lists = list(selectors.waiting_list_list(actor=request.user))
    if not lists and not access_rules.scope_for(request.user).has(*access_rules.LIST_ROLES):
        raise PermissionDenied
    return render(request, "access/waiting_lists.html", {"lists": lists})


@login_required
def waiting_list_detail(request, pk):
    waiting_list = selectors.waiting_list_get(actor=request.user, pk=pk)
    if waiting_list is None:
        raise Http404
    entries = list(selectors.waiting_list_entries(actor=request.user, waiting_list=waiting_list)[:200])
    access_log_records(actor=request.user, records=entries, action=AccessAction.LIST, purpose="waiting list")
    rows = [{"entry": e, "waited": selectors.entry_waited(e)} for e in entries]
    return render(request, "access/waiting_list.html", {
        "waiting_list": waiting_list, "rows": rows,
        "can_manage": access_rules.can_manage_waiting_list(request.user, waiting_list)})


@login_required
@require_POST
def waiting_list_admit(request, pk):
    waiting_list = selectors.waiting_list_get(actor=request.user, pk=pk)
    if waiting_list is None:
        raise Http404
    entry = None
    if request.POST.get("entry"):
        entry = selectors.waiting_list_entries(actor=request.user, waiting_list=waiting_list).filter(
            pk=request.POST["entry"]).first()
    try:
        admitted = services.waiting_list_admit(actor=request.user, waiting_list=waiting_list, entry=entry,
                                               skip_reason=request.POST.get("skip_reason", ""))
        messages.success(request, _("%(pseudonym)s admitted to the service.") % {
            "pseudonym": admitted.person.pseudonym})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("access-waiting-list", pk=waiting_list.pk)


@login_required
@require_POST
def waiting_list_entry_remove(request, pk):
    entry = selectors.waiting_list_entries(actor=request.user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    try:
        services.waiting_list_entry_remove(actor=request.user, entry=entry, reason=request.POST.get("reason", ""))
        messages.success(request, _("Entry removed from the list."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("access-waiting-list", pk=entry.waiting_list_id)


@login_required
def person_detail(request, pseudonym):
    """A person's record, addressed by pseudonym (never by codice fiscale or name)."""
    person = selectors.person_get(actor=request.user, pseudonym=pseudonym)
    if person is None:
        raise Http404
    access_log_record(actor=request.user, record=person, action=AccessAction.READ, purpose="person record")
    requests = list(selectors.request_list(actor=request.user, filters={"person": person.pk}))
    rows = [{"request": r, "times": selectors.request_waiting_times(request=r)} for r in requests]
    return render(request, "access/person_detail.html", {
        "person": person, "rows": rows,
        "entries": selectors.waiting_list_entries(actor=request.user, status=None).filter(person=person),
        "assessments": selectors.assessment_list(actor=request.user).filter(person=person),
        "consents": person.consents.all() if access_rules.can_edit_person(request.user, person) else []})
