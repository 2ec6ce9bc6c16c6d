"""Pages of the privacy app: the DPO's requests, a person's data-protection page (export, change history)
and the record of processing activities. Thin: parse, call one service or selector, render."""

from django.apps import apps as django_apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_log_record, access_log_records
from ambito.core.forms import add_service_errors
from ambito.core.pagination import paginate
from ambito.core.tabular import download_response
from ambito.privacy import rules, selectors, services
from ambito.privacy.documents import render_json, render_pdf
from ambito.privacy.forms import DecisionForm, ExportForm, LiftRestrictionForm, PrivacyRequestForm
from ambito.privacy.models import PrivacyRequestStatus


def _dpo_only(user):
    if not rules.is_dpo(user):
        raise PermissionDenied


@login_required
def request_list(request):
    """The DPO's requests, the closest deadline first, and the form to record a new one."""
    _dpo_only(request.user)
    form = PrivacyRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = selectors.dpo_person_get(actor=request.user, pseudonym=form.cleaned_data["pseudonym"].strip())
        if person is None:
            form.add_error("pseudonym", _("No person of your Ambito has this pseudonym."))
        else:
            try:
                created = services.privacy_request_create(
                    actor=request.user, person=person, kind=form.cleaned_data["kind"],
                    received_at=form.cleaned_data["received_at"], notes=form.cleaned_data["notes"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("privacy-request", created.pk)
    status = request.GET.get("status", "")
    status = status if status in PrivacyRequestStatus.values else ""
    page = paginate(request, selectors.privacy_request_list(actor=request.user, status=status))
    rows = page.object_list
    access_log_records(actor=request.user, records=rows, action=AccessAction.LIST,
                       purpose=f"{services.PURPOSE}: requests")
    return render(request, "privacy/request_list.html", {"rows": rows, "page": page, "form": form, "status": status,
                                                          "statuses": PrivacyRequestStatus.choices})


@login_required
def request_detail(request, pk):
    privacy_request = selectors.privacy_request_get(actor=request.user, pk=pk)
    if privacy_request is None:
        raise Http404
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = (services.privacy_request_complete if form.cleaned_data["decision"] == "complete"
                  else services.privacy_request_reject)
        try:
            decide(actor=request.user, request=privacy_request, outcome=form.cleaned_data["outcome"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The request is closed."))
            return redirect("privacy-request", privacy_request.pk)
    access_log_record(actor=request.user, record=privacy_request, action=AccessAction.READ,
                      purpose=f"{services.PURPOSE}: request")
    return render(request, "privacy/request_detail.html", {"r": privacy_request, "form": form,
                                                            "result_rows": _result_rows(privacy_request.result)})


RESULT_ACTIONS = {"deleted": gettext_lazy("Deleted"),
                  "retained": gettext_lazy("Kept (restricted), names replaced by the pseudonym"),
                  "pseudonymised": gettext_lazy("Pseudonymised")}


def _result_rows(result) -> list[dict]:
    """What an erasure did, source by source, in words: the kind of record (its name, not its code) and the
    action."""
    rows = []
    for key, row in ((result or {}).get("sources") or {}).items():
        try:
            name = capfirst(django_apps.get_model(key)._meta.verbose_name_plural)
        except (LookupError, ValueError):
            name = key
        rows.append({"source": name, "key": key, "action": RESULT_ACTIONS.get(row.get("action"), row.get("action")),
                     "rows": row.get("rows")})
    return rows


@login_required
def person_page(request, pseudonym):
    """A person's data protection page: state, export (art. 15), change history (art. 16)."""
    person = selectors.person_for_privacy(actor=request.user, pseudonym=pseudonym)
    if person is None:
        raise Http404
    page = paginate(request, selectors.person_history_entries(person=person))
    history = selectors.history_rows(page.object_list)
    access_log_record(actor=request.user, record=person, action=AccessAction.READ,
                      purpose=f"{services.PURPOSE}: change history")
    is_dpo = rules.is_dpo_of_person(request.user, person)
    requests = list(selectors.privacy_request_list(actor=request.user).filter(person=person)) if is_dpo else []
    return render(request, "privacy/person.html", {
        "person": person, "history": history, "page": page, "requests": requests, "is_dpo": is_dpo,
        "lift_form": LiftRestrictionForm() if is_dpo and person.restricted_at else None})


@login_required
@require_POST
def person_export(request, pseudonym):
    person = selectors.person_for_privacy(actor=request.user, pseudonym=pseudonym)
    form = ExportForm(request.POST)
    if person is None or not form.is_valid():
        raise Http404
    answered = None
    if form.cleaned_data.get("request"):
        answered = selectors.privacy_request_get(actor=request.user, pk=form.cleaned_data["request"])
    job = services.subject_access_export_start(actor=request.user, person=person, fmt=form.cleaned_data["format"],
                                               request=answered)
    return redirect("job-detail", job.pk)


@login_required
@require_POST
def person_lift_restriction(request, pseudonym):
    person = selectors.dpo_person_get(actor=request.user, pseudonym=pseudonym)
    form = LiftRestrictionForm(request.POST)
    if person is None:
        raise Http404
    if form.is_valid():
        try:
            services.person_restriction_lift(actor=request.user, person=person, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The limitation is lifted."))
    return redirect("privacy-person", pseudonym)


@login_required
def record_of_processing(request, fmt="html"):
    """The record of processing activities (art. 30), as a page, a PDF or JSON."""
    if not rules.can_view_record_of_processing(request.user):
        raise PermissionDenied
    record = selectors.record_of_processing(actor=request.user)
    if fmt == "json":
        return download_response(render_json(record), filename="registro-trattamenti.json")
    if fmt == "pdf":
        return download_response(render_pdf("privacy/ropa_pdf.html", {"r": record}), filename="registro-trattamenti.pdf")
    return render(request, "privacy/ropa.html", {"r": record})
