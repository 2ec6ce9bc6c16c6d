"""Reads of the PUA, scoped by ``access.rules`` to what the actor may see before any filter applies."""

import datetime

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from ambito.access import rules as access_rules
from ambito.access.models import (
    AccessRequest,
    Assessment,
    AssessmentStatus,
    EntryStatus,
    Person,
    PersonShareRequest,
    RequestAssignment,
    RequestStatus,
    RequestStatusChange,
    ScaleScore,
    WaitingList,
    WaitingListEntry,
    WaitingListSlotChange,
)
from ambito.core.selectors import count_of

WORK_QUEUE_LIMIT = 25
WAIT_WARNING_DAYS = 7  # an entry shows in the work queue this many days before its service's target wait


def person_list(*, actor, filters: dict | None = None) -> QuerySet:
    """Persons the actor may see (``filters``: ``q`` on names/pseudonym, ``comune``)."""
    filters = filters or {}
    qs = Person.objects.filter(access_rules.person_q(actor)).select_related("residence_comune")
    if filters.get("q"):
        term = filters["q"].strip()
        qs = qs.filter(Q(last_name__icontains=term) | Q(first_name__icontains=term) | Q(pseudonym__iexact=term)
                       | Q(fiscal_code__iexact=term))
    if filters.get("comune"):
        qs = qs.filter(residence_comune_id=filters["comune"])
    return qs


def person_get(*, actor, pk=None, pseudonym=None) -> Person | None:
    """One person the actor may see, by id or pseudonym (never by codice fiscale or name: those stay out of
    URLs)."""
    lookup = {"pk": pk} if pk is not None else {"pseudonym": pseudonym}
    return person_list(actor=actor).filter(**lookup).first()


def request_list(*, actor, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = AccessRequest.objects.filter(access_rules.request_q(actor)).select_related(
        "person", "comune", "brought_by", "brought_by_organisation", "assigned_to")
    for key in ("status", "channel", "area"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("comune"):
        qs = qs.filter(comune_id=filters["comune"])
    if filters.get("person"):
        qs = qs.filter(person_id=filters["person"])
    return qs


def request_get(*, actor, pk) -> AccessRequest | None:
    return request_list(actor=actor).filter(pk=pk).first()


def request_waiting_times(*, request: AccessRequest, now=None) -> dict:
    """Waiting times of one request, computed from its lifecycle timestamps (never typed in)."""
    def since(value):
        return value - request.received_at if value else None

    to_outcome = since(request.outcome_at)
    return {
        "to_triage": since(request.triaged_at),
        "to_assessment": since(request.assessment_at),
        "to_outcome": to_outcome,
        "to_outcome_days": to_outcome.days if to_outcome is not None else None,
        "open_for": None if (request.outcome_at or request.closed_at) else (now or timezone.now())
        - request.received_at,
    }


def request_history(*, request: AccessRequest) -> QuerySet:
    return RequestStatusChange.objects.filter(request=request).select_related("actor")


def request_assignments(*, request: AccessRequest) -> QuerySet:
    """Who followed the request, newest first."""
    return RequestAssignment.objects.filter(request=request).select_related(
        "assigned_to", "previous", "assigned_by").order_by("-at", "-id")


def request_wait_summary(*, actor) -> list[dict]:
    """Requests and average days from receipt to outcome, by responsible Comune (an aggregate in SQL)."""
    rows = (AccessRequest.objects.filter(access_rules.request_workable_q(actor))
            .values("comune__name").annotate(requests=Count("id"),
                                             avg_to_outcome=Avg(F("outcome_at") - F("received_at")))
            .order_by("comune__name"))
    result = []
    for row in rows:
        average = row["avg_to_outcome"]
        if average is not None and not isinstance(average, datetime.timedelta):  # SQLite returns microseconds
            average = datetime.timedelta(microseconds=average)
        result.append({"comune": row["comune__name"], "requests": row["requests"],
                       "avg_days_to_outcome": round(average.total_seconds() / 86400, 1) if average else None})
    return result


def assessment_list(*, actor, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = Assessment.objects.filter(access_rules.assessment_q(actor)).select_related(
        "person", "request", "request__comune", "decision_service").prefetch_related(
        Prefetch("scores", queryset=ScaleScore.objects.select_related("scale")))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("request"):
        qs = qs.filter(request_id=filters["request"])
    return qs


def assessment_get(*, actor, pk) -> Assessment | None:
    return assessment_list(actor=actor).filter(pk=pk).first()


def waiting_list_list(*, actor) -> QuerySet:
    """Waiting lists with their counts (no person data): case workers and the planning office. ``waiting`` is
    the one count of people waiting on a list, shown by the index, the list's page and the API alike; the
    entries a user may open (``waiting_list_entries``) can be fewer."""
    return (WaitingList.objects.filter(access_rules.waiting_list_q(actor)).select_related("service")
            .annotate(waiting=count_of(WaitingListEntry.objects.filter(status=EntryStatus.WAITING), "waiting_list"))
            .order_by("service__name"))


def waiting_list_get(*, actor, pk) -> WaitingList | None:
    return waiting_list_list(actor=actor).filter(pk=pk).first()


def waiting_list_entries(*, actor, waiting_list: WaitingList | None = None, status=EntryStatus.WAITING) -> QuerySet:
    """Entries the actor may see, in priority order: score (highest first), then date of entry."""
    qs = WaitingListEntry.objects.filter(access_rules.waiting_list_entry_q(actor)).select_related(
        "person", "person__residence_comune", "waiting_list__service", "previous_entry")
    if waiting_list is not None:
        qs = qs.filter(waiting_list=waiting_list)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-priority_score", "entered_at", "id")


def entry_waited(entry: WaitingListEntry, now=None) -> datetime.timedelta:
    """Time waited since the first entry on the list (a person removed and put back keeps one clock)."""
    end = entry.admitted_at or entry.removed_at or now or timezone.now()
    return end - entry.entered_at


def entry_gap(entry: WaitingListEntry) -> datetime.timedelta | None:
    """Time off the list between a removal and the return (``previous_entry`` loaded), or None."""
    if entry.previous_entry_id is None or entry.rejoined_at is None or entry.previous_entry.removed_at is None:
        return None
    return max(entry.rejoined_at - entry.previous_entry.removed_at, datetime.timedelta(0))


def entry_overdue_days(entry: WaitingListEntry, now=None) -> int | None:
    """Days past the service's target wait (``waiting_list.service`` loaded), or None if within it (or none)."""
    target = entry.waiting_list.service.target_wait_days
    if target is None:
        return None
    waited = entry_waited(entry, now).days
    return waited - target if waited > target else None


def mark_waits(entries, now=None) -> list:
    """Entries with ``waited_days``, ``overdue_days`` and ``gap_days`` set, for the pages that list them."""
    now = now or timezone.now()
    entries = list(entries)
    for entry in entries:
        entry.waited_days = entry_waited(entry, now).days
        entry.overdue_days = entry_overdue_days(entry, now) if entry.status == EntryStatus.WAITING else None
        gap = entry_gap(entry) if entry.previous_entry_id else None
        entry.gap_days = gap.days if gap is not None else None
    return entries


def overdue_counts(lists, now=None) -> dict:
    """Entries waiting past their service's target wait, by list id: one query for all the lists."""
    now = now or timezone.now()
    late = Q(pk__in=[])
    for waiting_list in lists:
        target = waiting_list.service.target_wait_days
        if target is not None:
            late |= Q(waiting_list_id=waiting_list.pk, entered_at__lte=now - datetime.timedelta(days=target + 1))
    rows = (WaitingListEntry.objects.filter(late, status=EntryStatus.WAITING).order_by()
            .values("waiting_list_id").annotate(n=Count("id")))
    return {row["waiting_list_id"]: row["n"] for row in rows}


def slot_changes(*, waiting_list: WaitingList) -> QuerySet:
    """The history of a list's free places, newest first."""
    return WaitingListSlotChange.objects.filter(waiting_list=waiting_list).select_related(
        "changed_by", "entry__person")


def work_queue(*, actor, comune_id=None, now=None) -> dict:
    """A social worker's day (*coda di lavoro*): new requests to triage, UVMs due within a week, and waiting
    entries about to exceed their service's target wait. Each section is capped, with its full count, so
    the page costs the same few queries for 10 or 10,000 records."""
    now = now or timezone.now()
    requests = AccessRequest.objects.filter(access_rules.request_workable_q(actor), status=RequestStatus.RECEIVED)
    requests = requests.filter(Q(assigned_to__isnull=True) | Q(assigned_to=actor))
    assessments = Assessment.objects.filter(access_rules.request_workable_q(actor, prefix="request__"),
                                            status=AssessmentStatus.SCHEDULED,
                                            scheduled_for__lte=timezone.localdate(now) + datetime.timedelta(days=7))
    entries = WaitingListEntry.objects.filter(access_rules.waiting_list_entry_q(actor), status=EntryStatus.WAITING)
    if comune_id:
        requests = requests.filter(comune_id=comune_id)
        assessments = assessments.filter(request__comune_id=comune_id)
        entries = entries.filter(person__residence_comune_id=comune_id)
    # One Q per target wait in use (a handful of values), not per list: a region has hundreds of lists.
    targets = set(WaitingList.objects.filter(service__target_wait_days__isnull=False, active=True)
                  .order_by().values_list("service__target_wait_days", flat=True).distinct())
    late = Q(pk__in=[])
    for target in sorted(targets):
        late |= Q(waiting_list__active=True, waiting_list__service__target_wait_days=target,
                  entered_at__lte=now - datetime.timedelta(days=max(target - WAIT_WARNING_DAYS, 0)))
    entries = entries.filter(late)
    shares = share_requests_pending(actor=actor)
    if comune_id:
        shares = shares.filter(person__residence_comune_id=comune_id)
    return {
        "requests": list(requests.select_related("person", "comune").order_by("-urgency", "received_at")
                         [:WORK_QUEUE_LIMIT]),
        "requests_count": requests.count(),
        "assessments": list(assessments.select_related("person", "request").order_by("scheduled_for")
                            [:WORK_QUEUE_LIMIT]),
        "assessments_count": assessments.count(),
        "entries": mark_waits(entries.select_related("person", "waiting_list__service", "previous_entry")
                              .order_by("entered_at")[:WORK_QUEUE_LIMIT], now),
        "entries_count": entries.count(),
        "share_requests": (share_requests := list(shares[:WORK_QUEUE_LIMIT])),
        "share_requests_count": len(share_requests) if len(share_requests) < WORK_QUEUE_LIMIT else shares.count(),
        "now": now,
    }


def share_requests_pending(*, actor) -> QuerySet:
    """Requests to share a person the actor's case team holds (it may edit the person), oldest first."""
    return PersonShareRequest.objects.filter(access_rules.person_editable_q(actor, prefix="person__"),
                                             status="pending").select_related(
        "person", "requested_by", "organisation").order_by("created_at", "id")


def requests_brought(*, actor) -> QuerySet:
    """The requests ``actor`` brought through any door (*le mie domande*), newest first: what a GP, an ETS, a
    hospital team or a citizen follows — the status and the outcome of what they brought, nothing else."""
    if not getattr(actor, "is_authenticated", False):
        return AccessRequest.objects.none()
    return AccessRequest.objects.filter(brought_by=actor).select_related("person", "comune", "desk").order_by(
        "-received_at", "-id")


def desk_figures(*, actor, year: int) -> list:
    """The community access desks of the actor's Ambiti (*welfare di accesso di comunità*) with, for ``year``,
    the requests taken there and the joint GP + social-worker assessments (a GP present when the request was
    taken). Aggregates only: no person is named. Three queries whatever the number of desks."""
    from ambito.access.models import CommunityDesk

    in_year = Q(requests__received_at__year=year)
    desks = list(CommunityDesk.objects.filter(ambito_id__in=access_rules.scope_for(actor).ambito_ids())
                 .select_related("comune").prefetch_related("sessions")
                 .annotate(requests_count=Count("requests", filter=in_year),
                           joint_count=Count("requests", filter=in_year & Q(requests__desk_gp__isnull=False)),
                           persons_count=Count("requests__person", filter=in_year, distinct=True))
                 .order_by("comune__name", "name"))
    return desks
