"""Pages of the access log (*registro degli accessi*): who accessed a person's record, for the DPO and the
person's case team, and the whole log of their Ambiti for the DPO. Reading the log is itself logged (purpose
``audit``)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from ambito.access.models import Person
from ambito.accounts.models import AccessAction, AccessPurpose
from ambito.accounts.services import access_log_record, access_log_records
from ambito.core.pagination import paginate
from ambito.core.tabular import csv_stream, download_response
from ambito.privacy import rules, selectors
from ambito.privacy.forms import AccessLogFilterForm, AccessLogListFilterForm

PAGE_SIZE = 50


def person_or_403(user, pk):
    """The person whose trail is asked for, or 403 for anyone not allowed, whether or not the id exists (no
    existence oracle)."""
    person = Person.objects.filter(pk=pk).select_related("residence_comune").first()
    if person is None or not rules.can_view_person_access_log(user, person):
        raise PermissionDenied
    return person


@login_required
def person_access_log(request, pk):
    """Who accessed a person's record (for the DPO and the person's case manager). Viewing is logged too."""
    person = person_or_403(request.user, pk)
    access_log_record(actor=request.user, record=person, action=AccessAction.READ, purpose=AccessPurpose.AUDIT,
                      detail="access log of the person")
    form = AccessLogFilterForm(request.GET or None)
    entries = selectors.person_access_log(person=person, filters=form.filters() if form.is_bound else {})
    page = paginate(request, entries, PAGE_SIZE)
    return render(request, "privacy/access_log_person.html", {"person": person, "form": form, "page": page})


def access_log_csv_rows(entries):
    yield [gettext("When"), gettext("User"), gettext("Name"), gettext("Organisation"), gettext("Role"),
           gettext("Action"), gettext("Purpose"), gettext("Detail"), gettext("Record type"), gettext("Record id"),
           gettext("Person")]
    for entry in entries.iterator(chunk_size=2000):
        yield [timezone.localtime(entry.at).isoformat(timespec="seconds"),
               entry.user.username if entry.user else "", entry.user.get_full_name() if entry.user else "",
               entry.organisation.name if entry.organisation else "", entry.get_role_display(),
               entry.get_action_display(), entry.get_purpose_code_display(), entry.purpose,
               entry.content_type.name, entry.object_id, entry.person_ref]


@login_required
def person_access_log_csv(request, pk):
    """The same trail as CSV, streamed row by row (a long trail never sits in memory)."""
    person = person_or_403(request.user, pk)
    form = AccessLogFilterForm(request.GET or None)
    entries = selectors.person_access_log(person=person, filters=form.filters() if form.is_bound else {})
    access_log_record(actor=request.user, record=person, action=AccessAction.EXPORT, purpose=AccessPurpose.AUDIT,
                      detail="access log of the person (CSV)")
    # Names typed by users (organisations, persons) go through the writer's formula neutralisation.
    return download_response(csv_stream(access_log_csv_rows(entries), delimiter=","),
                             filename=f"registro-accessi-{person.pseudonym}.csv")


@login_required
def access_log_list(request):
    """The DPO's page: the latest entries of the access log of their Ambiti, filtered by user, action, date."""
    if not rules.can_read_access_log(request.user):
        raise PermissionDenied
    form = AccessLogListFilterForm(request.GET or None, users=selectors.access_log_users(actor=request.user))
    filters = {"exclude_own_audit": True, **(form.filters() if form.is_bound else {})}
    page = paginate(request, selectors.access_log_list(actor=request.user, filters=filters), PAGE_SIZE)
    access_log_records(actor=request.user, records=page.object_list, action=AccessAction.LIST,
                       purpose=AccessPurpose.AUDIT, detail="access log of the Ambito")
    return render(request, "privacy/access_log_list.html", {"form": form, "page": page})
