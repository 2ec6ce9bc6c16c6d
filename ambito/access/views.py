"""PUA pages: the social worker's work queue, waiting lists with admission, a person's record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambito.access import forms, selectors, services
from ambito.access import rules as access_rules
from ambito.access import work_queue as work_queue_sections
from ambito.access.forms_doors import ConsentsForm
from ambito.access.models import TRANSITIONS, ConsentKind, Person, RequestStatus, Scale, TriageRule
from ambito.accounts.models import AccessAction
from ambito.accounts.selectors import comune_list
from ambito.accounts.services import access_log_record, access_log_records
from ambito.core.concurrency import CONFLICT_MESSAGE
from ambito.core.forms import add_service_errors, call_service, form_error_texts
from ambito.core.pagination import paginate
from ambito.core.text import plain_int
from ambito.network.models import Service
from ambito.territory.models import Ambito


def _number(value) -> str:
    """A score for a message, in the user's language: 50 → "50", 42.5 → "42,5" (never "5E+1", which is what
    ``Decimal.normalize()`` makes of 50)."""
    return number_format(value, decimal_pos=0 if value == value.to_integral_value() else 1, use_l10n=True)


def _or_404(found):
    """What a selector found for the user, or 404: a record they may not see is one that does not exist."""
    if found is None:
        raise Http404
    return found


def _case_worker_only(user):
    if not access_rules.scope_for(user).has(*access_rules.PERSON_ROLES):
        raise PermissionDenied


@login_required
def work_queue(request):
    """A social worker's day (*coda di lavoro*), filtered by Comune; the filter swaps the lists with HTMX."""
    _case_worker_only(request.user)
    comuni = list(comune_list(actor=request.user).filter(
        id__in=access_rules.territorial_comune_ids(request.user)).order_by("name"))
    try:
        comune_id = int(request.GET.get("comune") or 0) or None
    except ValueError:
        comune_id = None
    if comune_id and comune_id not in {c.id for c in comuni}:
        comune_id = None
    queue = selectors.work_queue(actor=request.user, comune_id=comune_id)
    queue["sections"] = [section.read(actor=request.user, comune_id=comune_id)
                         for section in work_queue_sections.sections()]
    persons = [r.person for r in queue["requests"]] + [a.person for a in queue["assessments"]] + [
        e.person for e in queue["entries"]] + [s.person for s in queue["share_requests"]] + [
        row.person for read in queue["sections"] for row in read["rows"]]
    access_log_records(actor=request.user, records=persons, action=AccessAction.LIST, purpose="work queue")
    context = {"queue": queue, "comuni": comuni, "comune_id": comune_id}
    template = "access/work_queue.html#queue" if request.htmx else "access/work_queue.html"
    return render(request, template, context)


@login_required
def work_queue_section(request, key):
    """One section of the work queue in full, page by page (the queue shows its first rows)."""
    _case_worker_only(request.user)
    section = work_queue_sections.SECTIONS.get(key)
    if section is None:
        raise Http404
    today = timezone.localdate()
    page = paginate(request, section.queryset(request.user, None, today))
    rows = [section.row(record, today) for record in page.object_list]
    access_log_records(actor=request.user, records=[row.person for row in rows], action=AccessAction.LIST,
                       purpose="work queue")
    return render(request, "access/work_queue_section.html", {"section": section, "rows": rows, "page": page})


@login_required
def waiting_lists(request):
    lists = list(selectors.waiting_list_list(actor=request.user))
    if not lists and not access_rules.scope_for(request.user).has(*access_rules.LIST_ROLES):
        raise PermissionDenied
    overdue = selectors.overdue_counts(lists)
    for waiting_list in lists:
        waiting_list.overdue = overdue.get(waiting_list.pk, 0)
    return render(request, "access/waiting_lists.html", {"lists": lists})


def _waiting_list_page(request, waiting_list, *, slots_form=None, status=200, admitted=None):
    page = paginate(request, selectors.waiting_list_entries(actor=request.user, waiting_list=waiting_list))
    entries = selectors.mark_waits(page.object_list)
    access_log_records(actor=request.user, records=entries, action=AccessAction.LIST, purpose="waiting list")
    rows = [{"entry": e, "waited": selectors.entry_waited(e)} for e in entries]
    can_manage = access_rules.can_manage_waiting_list(request.user, waiting_list)
    # One figure, one number: the count the index shows (the list's, not only the entries this user may open)
    waiting = selectors.waiting_list_get(actor=request.user, pk=waiting_list.pk).waiting
    return render(request, "access/waiting_list.html", {
        "waiting_list": waiting_list, "rows": rows, "page": page, "can_manage": can_manage,
        "waiting": waiting, "shown": page.paginator.count,
        "slots_form": slots_form or (forms.SlotsForm(initial={"open_slots": waiting_list.open_slots})
                                     if can_manage else None),
        "remove_form": forms.EntryRemoveForm() if can_manage else None,
        "slot_changes": selectors.slot_changes(waiting_list=waiting_list)[:10],
        "overdue_count": selectors.overdue_counts([waiting_list]).get(waiting_list.pk, 0),
        "admitted": admitted}, status=status)


@login_required
def waiting_list_detail(request, pk):
    waiting_list = _or_404(selectors.waiting_list_get(actor=request.user, pk=pk))
    admitted = None  # the next step after an admission: the PAI of the person just admitted
    if (admitted_id := plain_int(request.GET.get("ammessa"))) is not None:
        admitted = selectors.waiting_list_entries(actor=request.user, waiting_list=waiting_list, status=None).filter(
            pk=admitted_id, status="admitted").select_related("person").first()
    return _waiting_list_page(request, waiting_list, admitted=admitted)


@login_required
@require_POST
def waiting_list_admit(request, pk):
    """Admit the entry the form names. A form sent again for an entry already admitted or removed (a double
    click, the browser's back button, a replay) is refused with a 400 and the reason: nobody else is admitted."""
    waiting_list = _or_404(selectors.waiting_list_get(actor=request.user, pk=pk))
    if not access_rules.can_manage_waiting_list(request.user, waiting_list):
        raise PermissionDenied  # the refusal comes first, whatever the form says
    entry_id = plain_int(request.POST.get("entry"))
    entry = selectors.waiting_list_entries(actor=request.user, waiting_list=waiting_list, status=None).filter(
        pk=entry_id).first() if entry_id else None
    if entry is None and services.waiting_list_top(waiting_list=waiting_list) is not None:
        messages.error(request, _("The admission form does not name an entry of this list: nobody was admitted. "
                                  "Reload the list and choose again."))
        return _waiting_list_page(request, waiting_list, status=400)
    admitted = call_service(request, lambda: services.waiting_list_admit(
        actor=request.user, waiting_list=waiting_list, entry=entry, skip_reason=request.POST.get("skip_reason", "")))
    if admitted is None:
        waiting_list.refresh_from_db()
        return _waiting_list_page(request, waiting_list, status=400)
    messages.success(request, _("%(pseudonym)s admitted to the service.") % {"pseudonym": admitted.person.pseudonym})
    return redirect(f"{reverse('access-waiting-list', args=[waiting_list.pk])}?ammessa={admitted.pk}")


@login_required
@require_POST
def waiting_list_slots(request, pk):
    """Record the free places of the list's service, with why they change (kept in the history)."""
    waiting_list = _or_404(selectors.waiting_list_get(actor=request.user, pk=pk))
    if not access_rules.can_manage_waiting_list(request.user, waiting_list):
        raise PermissionDenied
    form = forms.SlotsForm(request.POST)
    if form.is_valid():
        done = call_service(request, lambda: services.waiting_list_set_slots(actor=request.user,
                                                                             waiting_list=waiting_list,
                                                                             **form.cleaned_data), form=form)
        if done is not None:
            messages.success(request, _("Free places recorded: %(slots)s.") % {
                "slots": number_format(form.cleaned_data["open_slots"])})
            return redirect("access-waiting-list", pk=waiting_list.pk)
    return _waiting_list_page(request, waiting_list, slots_form=form, status=400)


@login_required
@require_POST
def waiting_list_entry_remove(request, pk):
    entry = _or_404(selectors.waiting_list_entries(actor=request.user).filter(pk=pk).first())
    form = forms.EntryRemoveForm(request.POST)
    if form.is_valid():
        call_service(request, lambda: services.waiting_list_entry_remove(
            actor=request.user, entry=entry, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]),
            success=_("Entry removed from the list."))
    else:
        messages.error(request, _("Choose why the entry is removed."))
    return redirect("access-waiting-list", pk=entry.waiting_list_id)


PERSON_REQUESTS_PER_PAGE = 20


@login_required
def person_detail(request, pseudonym):
    """A person's record, addressed by pseudonym (never by codice fiscale or name)."""
    person = _or_404(selectors.person_get(actor=request.user, pseudonym=pseudonym))
    access_log_record(actor=request.user, record=person, action=AccessAction.READ, purpose="person record")
    # newest first, a page at a time: a person followed for years can have hundreds of requests
    page = paginate(request, selectors.request_list(actor=request.user, filters={"person": person.pk}),
                    per_page=PERSON_REQUESTS_PER_PAGE)
    rows = [{"request": r, "times": selectors.request_waiting_times(request=r)} for r in page.object_list]
    return render(request, "access/person_detail.html", {
        "person": person, "rows": rows, "page": page,
        "entries": selectors.mark_waits(selectors.waiting_list_entries(actor=request.user, status=None).filter(
            person=person)),
        "assessments": selectors.assessment_list(actor=request.user).filter(person=person),
        "can_edit": access_rules.can_edit_person(request.user, person),
        "consents": person.consents.all() if access_rules.can_edit_person(request.user, person) else [],
        "consent_form": ConsentsForm(in_force=_consents_in_force(person))
        if access_rules.can_edit_person(request.user, person) else None})


def _consents_in_force(person) -> dict:
    """kind → given, for the latest consent of each kind (withdrawn counts as refused)."""
    in_force = {}
    for consent in person.consents.order_by("kind", "-recorded_at", "-id"):
        in_force.setdefault(consent.kind, consent.given and consent.withdrawn_at is None)
    return in_force


@login_required
@require_POST
def person_consent(request, pseudonym):
    """Record the information notice and the consents from the person's record, all on one form."""
    person = _or_404(selectors.person_get(actor=request.user, pseudonym=pseudonym))
    form = ConsentsForm(request.POST)
    if form.is_valid():
        call_service(request, lambda: services.consents_record(
            actor=request.user, person=person, answers=form.answers(), notice_version=form.cleaned_data[
                "notice_version"], note=form.cleaned_data["note"]), success=_("Recorded."))
    else:
        messages.error(request, _("The consent was not recorded: check the fields."))
    return redirect("access-person", pseudonym=person.pseudonym)


# --- The intake journey: register, request, triage, UVM, waiting list ----------------------------------------


DUPLICATE_CODES = {"duplicate_fiscal_code", "possible_duplicate"}


def _error_codes(error: ValidationError) -> set:
    errors = [e for field in error.error_dict.values() for e in field] if hasattr(error, "error_dict") \
        else error.error_list
    return {e.code for e in errors}


def _visible_duplicates(actor, data) -> list:
    """The already registered persons the actor may open, for links under a duplicate warning."""
    duplicates = services.person_duplicates(fiscal_code=data.get("fiscal_code") or "", first_name=data["first_name"],
                                            last_name=data["last_name"], birth_date=data["birth_date"])
    return list(Person.objects.filter(access_rules.person_q(actor), pk__in=duplicates.values("pk")).order_by("id")[:3])


def _registration_received(request):
    """What a registrant who will not see the record (a GP) is told, whether the person was new or already
    held by another office: the same message on the same empty form, so registering reveals nobody."""
    messages.success(request, services.REGISTRATION_RECEIVED)
    return redirect("access-person-create")


@login_required
def person_create(request):
    """Register a person at the PUA (*anagrafica*); the codice fiscale is checked on save. A duplicate the user
    may open is named, with a link; one they may not see is not (the office holding it is asked to share it)."""
    if not access_rules.can_register_person(request.user):
        raise PermissionDenied
    comuni = comune_list(actor=request.user).order_by("name")
    form = forms.PersonForm(request.POST or None, comuni=comuni)
    duplicates, status = [], 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        notice = data.pop("information_notice")
        try:
            person = services.person_create(actor=request.user, **data)
        except services.PersonHeldElsewhere as refusal:
            if refusal.received:
                return _registration_received(request)
            add_service_errors(form, refusal)
        except ValidationError as error:
            add_service_errors(form, error)
            if _error_codes(error) & DUPLICATE_CODES:
                duplicates = _visible_duplicates(request.user, data)
        except IntegrityError:  # the database refused what the checks let through: a form error, not a 500
            form.add_error(None, CONFLICT_MESSAGE)
            status = 409
        else:
            if not services.registrant_sees(request.user, person.residence_comune):
                return _registration_received(request)
            if notice:
                services.consent_record(actor=request.user, person=person, kind=ConsentKind.INFORMATION_NOTICE)
            messages.success(request, _("Person registered: %(pseudonym)s.") % {"pseudonym": person.pseudonym})
            return redirect("access-person", pseudonym=person.pseudonym)
    return render(request, "access/person_form.html", {
        "form": form, "duplicates": duplicates,
        # A GP registers a patient by sending their request (the door): it then follows the outcome.
        "door": not access_rules.scope_for(request.user).has(*access_rules.PERSON_ROLES)}, status=status)


@login_required
@require_POST
def share_request_answer(request, pk):
    """The holder's answer to a request to share a person (from the work queue): share, or decline."""
    share_request = _or_404(selectors.share_requests_pending(actor=request.user).filter(pk=pk).first())
    accept = request.POST.get("answer") == "share"
    try:
        services.person_share_request_decide(actor=request.user, share_request=share_request, accept=accept)
    except ValidationError as error:
        add_service_errors(request, error)
    else:
        messages.success(request, _("Record shared with %(organisation)s.") % {
            "organisation": share_request.organisation.name} if accept else _("Request to share declined."))
    return redirect("access-work-queue")


@login_required
def request_create(request, pseudonym):
    person = _or_404(selectors.person_get(actor=request.user, pseudonym=pseudonym))
    form = forms.RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("access-request", pk=created.pk)
    return render(request, "access/request_form.html", {"form": form, "person": person})


@login_required
def request_detail(request, pk):
    """A request with its lifecycle, waiting times, triage (rules explained on screen) and UVM."""
    item = _or_404(selectors.request_get(actor=request.user, pk=pk))
    access_log_record(actor=request.user, record=item, action=AccessAction.READ, purpose="request record")
    workable = access_rules.can_work_on_request(request.user, item)
    context = {
        "item": item, "workable": workable, "times": selectors.request_waiting_times(request=item),
        "history": selectors.request_history(request=item),
        "assessments": selectors.assessment_list(actor=request.user, filters={"request": item.pk}),
        "proposal": services.triage_evaluate(request=item) if item.status == RequestStatus.RECEIVED else None,
        "triage_form": forms.TriageForm(), "schedule_form": forms.ScheduleForm(),
        "assign_form": forms.AssignForm(workers=services.assignable_workers(actor=request.user),
                                        initial={"assignee": item.assigned_to_id})
        if workable and not item.is_closed else None,
        "assignments": selectors.request_assignments(request=item),
        "next_statuses": sorted(TRANSITIONS[RequestStatus(item.status)], key=lambda s: list(RequestStatus).index(s)),
    }
    return render(request, "access/request_detail.html", context)


@login_required
@require_POST
def request_assign(request, pk):
    """Assign the request to a case worker, hand it over to a colleague, or release it; kept in its history."""
    item = _workable_request(request, pk)
    form = forms.AssignForm(request.POST, workers=services.assignable_workers(actor=request.user))
    if form.is_valid():
        call_service(request, lambda: services.request_assign(actor=request.user, request=item,
                                                              assignee=form.cleaned_data["assignee"],
                                                              note=form.cleaned_data["note"]),
                     success=_("Case worker recorded."))
    else:
        for text in form_error_texts(form):
            messages.error(request, text)
    return redirect("access-request", pk=item.pk)


def _workable_request(request, pk):
    """The request, if the user may work on it: 404 when they cannot see it, 403 when they only read it
    (a GP following up), before any input is looked at."""
    item = _or_404(selectors.request_get(actor=request.user, pk=pk))
    if not access_rules.can_work_on_request(request.user, item):
        raise PermissionDenied
    return item


def _workable_assessment(request, pk):
    assessment = _or_404(selectors.assessment_get(actor=request.user, pk=pk))
    if not access_rules.can_work_on_assessment(request.user, assessment):
        raise PermissionDenied
    return assessment


@login_required
@require_POST
def request_triage_preview(request, pk):
    """HTMX: the rule that would apply with the screening values typed so far, and why."""
    item = _workable_request(request, pk)
    form = forms.TriageForm(request.POST)
    screening = {"barthel": form.cleaned_data["barthel"]} if form.is_valid() and form.cleaned_data["barthel"] \
        is not None else None
    proposal = services.triage_evaluate(request=item, screening=screening)
    return render(request, "access/request_detail.html#proposal", {"proposal": proposal})


@login_required
@require_POST
def request_triage(request, pk):
    item = _workable_request(request, pk)
    form = forms.TriageForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        screening = {"barthel": data["barthel"]} if data["barthel"] is not None else None
        call_service(request, lambda: services.request_triage(
            actor=request.user, request=item, screening=screening, triage_kind=data["triage_kind"],
            outcome=data["outcome"], note=data["note"]), success=_("Request triaged."))
    else:
        messages.error(request, _("Check the values typed."))
    return redirect("access-request", pk=item.pk)


@login_required
@require_POST
def request_transition(request, pk):
    item = _workable_request(request, pk)
    call_service(request, lambda: services.request_transition(
        actor=request.user, request=item, to_status=request.POST.get("to_status", ""),
        note=request.POST.get("note", "")))
    return redirect("access-request", pk=item.pk)


@login_required
@require_POST
def assessment_schedule(request, pk):
    item = _workable_request(request, pk)
    form = forms.ScheduleForm(request.POST)
    if not form.is_valid():
        for text in form_error_texts(form, typed_only=True) or [_("Choose the date of the UVM.")]:
            messages.error(request, text)
        return redirect("access-request", pk=item.pk)
    team = [t.strip() for t in form.cleaned_data["team"].split(",") if t.strip()]
    assessment = call_service(request, lambda: services.assessment_schedule(
        actor=request.user, request=item, scheduled_for=form.cleaned_data["scheduled_for"], team=team))
    if assessment is None:
        return redirect("access-request", pk=item.pk)
    return redirect("access-assessment", pk=assessment.pk)


def _assessment_context(request, assessment, *, complete_form=None, entry_form=None, scale_errors=None,
                        posted_scale=None):
    scores = {s.scale.code: s for s in assessment.scores.all()}
    scales = []
    for scale in Scale.objects.filter(active=True).prefetch_related("items").order_by("id"):
        answers = request.POST if posted_scale == scale.code else None
        values = {k.split("-", 1)[1]: v for k, v in answers.items() if k.startswith(scale.code + "-")} if answers \
            else (scores[scale.code].answers if scale.code in scores else {})
        scales.append({"scale": scale, "rows": forms.scale_form_fields(scale, values), "score": scores.get(scale.code),
                       "errors": (scale_errors or {}) if posted_scale == scale.code else {}})
    workable = access_rules.can_work_on_assessment(request.user, assessment)
    services_qs = selectors.waiting_list_list(actor=request.user)
    return {
        "assessment": assessment, "scales": scales, "workable": workable,
        "complete_form": complete_form or forms.CompleteForm(services=Service.objects.filter(
            ambito_id=assessment.request.ambito_id, active=True)),
        "entry_form": entry_form or forms.EntryForm(
            waiting_lists=services_qs, initial={"waiting_list": getattr(assessment.decision_service, "waiting_list",
                                                                        None)}),
        "entries": selectors.waiting_list_entries(actor=request.user, status=None).filter(assessment=assessment),
    }


@login_required
def assessment_detail(request, pk):
    """A UVM: score the scales from the item answers, then record the outcome."""
    assessment = _or_404(selectors.assessment_get(actor=request.user, pk=pk))
    access_log_record(actor=request.user, record=assessment, action=AccessAction.READ, purpose="UVM record")
    return render(request, "access/assessment.html", _assessment_context(request, assessment))


@login_required
@require_POST
def assessment_score(request, pk, scale_code):
    assessment = _workable_assessment(request, pk)
    scale = _or_404(Scale.objects.filter(code=scale_code, active=True).first())
    answers = {k.split("-", 1)[1]: v for k, v in request.POST.items() if k.startswith(scale.code + "-")}
    try:
        result = services.assessment_score(actor=request.user, assessment=assessment, scale=scale, answers=answers)
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        context = _assessment_context(request, assessment, scale_errors=errors, posted_scale=scale.code)
        return render(request, "access/assessment.html", context, status=400)
    messages.success(request, _("%(scale)s: %(score)s — %(band)s") % {
        "scale": scale.name, "score": _number(result.score), "band": result.band})
    return redirect(f"{reverse('access-assessment', args=[assessment.pk])}#scale-{scale.code}")


@login_required
@require_POST
def assessment_complete(request, pk):
    assessment = _workable_assessment(request, pk)
    form = forms.CompleteForm(request.POST, services=Service.objects.filter(ambito_id=assessment.request.ambito_id))
    if form.is_valid():
        try:
            services.assessment_complete(actor=request.user, assessment=assessment, **form.cleaned_data)
            messages.success(request, _("Assessment completed."))
            return redirect("access-assessment", pk=assessment.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    return render(request, "access/assessment.html",
                  _assessment_context(request, assessment, complete_form=form), status=400)


@login_required
@require_POST
def assessment_enlist(request, pk):
    """Put the assessed person on a service's waiting list, with the UVM intensity in the priority."""
    assessment = _workable_assessment(request, pk)
    form = forms.EntryForm(request.POST, waiting_lists=selectors.waiting_list_list(actor=request.user))
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            entry = services.waiting_list_entry_add(actor=request.user, person=assessment.person,
                                                    assessment=assessment, **data)
            messages.success(request, _("On the waiting list with priority score %(score)s.") % {
                "score": _number(entry.priority_score)})
            return redirect("access-waiting-list", pk=entry.waiting_list_id)
        except (ValidationError, PermissionDenied) as error:
            add_service_errors(form, error)
        except IntegrityError:  # the database refused what the checks let through: a form error, not a 500
            form.add_error(None, CONFLICT_MESSAGE)
    return render(request, "access/assessment.html",
                  _assessment_context(request, assessment, entry_form=form), status=400)


@login_required
def person_search(request):
    """Find a person by name, codice fiscale or pseudonym. The search is POSTed so names and codici fiscali
    never end up in URLs, browser history or server logs."""
    _case_worker_only(request.user)
    term = request.POST.get("q", "").strip() if request.method == "POST" else ""
    results = []
    if len(term) >= 2:
        results = list(selectors.person_list(actor=request.user, filters={"q": term})[:20])
        access_log_records(actor=request.user, records=results, action=AccessAction.LIST, purpose="person search")
    context = {"term": term, "results": results, "searched": request.method == "POST"}
    template = "access/person_search.html#results" if request.htmx else "access/person_search.html"
    return render(request, template, context)


# --- The Ambito's triage rules, on their own pages (the planning office edits; case workers read) -------------


def _triage_ambito(request, ambito_id=None):
    """The Ambito whose rules the page shows: one the user edits, else (case workers) their own, read-only."""
    editable = access_rules.triage_rule_ambito_ids(request.user)
    readable = editable | access_rules.scope_for(request.user).ambito_ids(*access_rules.PERSON_ROLES)
    if ambito_id is not None:
        if ambito_id not in readable:
            raise Http404
        return Ambito.objects.get(pk=ambito_id), ambito_id in editable
    if not readable:
        raise PermissionDenied
    chosen = min(editable) if editable else min(readable)
    return Ambito.objects.get(pk=chosen), chosen in editable


@login_required
def triage_rules(request):
    ambito, editable = _triage_ambito(request)
    rules_ = TriageRule.objects.filter(ambito=ambito).select_related("scale").order_by("order", "id")
    return render(request, "access/triage_rules.html", {"ambito": ambito, "rules": rules_, "editable": editable})


@login_required
def triage_rule_edit(request, pk=None):
    """Create or change a rule; "Preview" shows what it would do to the last month's requests, unsaved."""
    rule = None
    if pk is not None:
        rule = _or_404(TriageRule.objects.filter(pk=pk).select_related("scale", "ambito").first())
        ambito, editable = _triage_ambito(request, rule.ambito_id)
    else:
        ambito, editable = _triage_ambito(request)
    if not editable:
        raise PermissionDenied
    scales = Scale.objects.filter(active=True).order_by("name")
    initial = {name: getattr(rule, name) for name in services.RULE_FIELDS} if rule else None
    form = forms.TriageRuleForm(request.POST or None, initial=initial, scales=scales)
    preview, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            fields = form.cleaned_data
            try:
                if "preview" in request.POST:
                    candidate = services.triage_rule_build(ambito=ambito, rule=rule, **fields)
                    preview = services.triage_rule_preview(ambito=ambito, candidate=candidate)
                else:
                    services.triage_rule_save(actor=request.user, ambito=ambito, rule=rule, **fields)
                    messages.success(request, _("Triage rule saved."))
                    return redirect("access-triage-rules")
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
        else:
            status = 400
    return render(request, "access/triage_rule_form.html", {"form": form, "rule": rule, "ambito": ambito,
                                                            "preview": preview}, status=status)


# --- Scales, on their own pages (the planning office edits; case workers read) ----------------------------------


@login_required
def scales(request):
    editable = bool(access_rules.triage_rule_ambito_ids(request.user))
    if not editable and not access_rules.scope_for(request.user).has(*access_rules.PERSON_ROLES):
        raise PermissionDenied
    rows = Scale.objects.prefetch_related("items").order_by("name")
    return render(request, "access/scales.html", {"scales": rows, "editable": editable})


@login_required
def scale_edit(request, code):
    """Edit a scale's bands and answers; the checks keep every possible score inside the scale's range."""
    if not access_rules.triage_rule_ambito_ids(request.user):
        raise PermissionDenied
    scale = _or_404(Scale.objects.filter(code=code).first())
    items = list(scale.items.order_by("order"))
    initial = {"name": scale.name, "description": scale.description, "active": scale.active,
               "bands": services.bands_text(scale.bands),
               **{f"label_{i.code}": i.label for i in items}, **{f"item_{i.code}": services.options_text(i.options)
                                                                for i in items}}
    form = forms.ScaleForm(request.POST or None, initial=initial, items=items)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                parsed = {i.code: {"label": data[f"label_{i.code}"],
                                   "options": services.options_parse(data[f"item_{i.code}"], item_code=i.code)}
                          for i in items}
                services.scale_update(actor=request.user, scale=scale, name=data["name"],
                                      description=data["description"], active=data["active"],
                                      bands=services.bands_parse(data["bands"]), items=parsed)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Scale saved."))
                return redirect("access-scales")
    return render(request, "access/scale_form.html", {"form": form, "scale": scale}, status=status)
