"""The sections of the PUA work queue (*coda di lavoro*) that other apps add: the access app owns the page, but
PAI reviews, referrals and discharges live in ``care``, which sits above it. So care registers its sections at
start-up (``CareConfig.ready``), as it registers other facts elsewhere, and the page asks each one for its rows.

A section gives a queryset already filtered to what the actor may see (and, when asked, to one Comune), and a
function turning one record into a row. The page reads ``LIMIT`` rows and the count of each section (two queries
a section, whatever the data); the section's own page (``/pua/coda/<key>/``) is paginated."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambito.access import rules as access_rules
from ambito.access.models import AccessRequest, RequestStatus

LIMIT = 10


@dataclass(frozen=True)
class Row:
    """One line of a section: whose, what (with a link), the date that matters and, when late, by how much."""

    person: object
    what: str
    url: str
    due: datetime.date | None = None
    late_days: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    empty: str
    due_label: str
    queryset: Callable[..., QuerySet]  # (actor, comune_id, today) -> QuerySet
    row: Callable[..., Row]  # (record, today) -> Row
    order: int = 100

    def read(self, *, actor, comune_id=None, today=None, limit=LIMIT) -> dict:
        today = today or timezone.localdate()
        qs = self.queryset(actor, comune_id, today)
        rows = [self.row(record, today) for record in qs[:limit]]
        return {"section": self, "rows": rows, "count": qs.count()}


SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    SECTIONS[section.key] = section


def sections() -> list[Section]:
    return sorted(SECTIONS.values(), key=lambda s: (s.order, s.key))


def late_days(due: datetime.date | None, today: datetime.date) -> int | None:
    return (today - due).days if due is not None and due < today else None


# --- The access app's own: the cases assigned to the worker -----------------------------------------------------


def _my_cases(actor, comune_id, today) -> QuerySet:
    qs = AccessRequest.objects.filter(access_rules.request_workable_q(actor), assigned_to=actor).exclude(
        status=RequestStatus.CLOSED).select_related("person", "comune")
    if comune_id:
        qs = qs.filter(Q(comune_id=comune_id))
    return qs.order_by("-urgency", "received_at", "id")


def _my_case_row(request: AccessRequest, today) -> Row:
    return Row(person=request.person, what=f"#{request.pk} · {request.get_area_display()} — "
                                          f"{request.get_status_display()}",
               url=reverse("access-request", args=[request.pk]), due=timezone.localdate(request.received_at),
               detail=request.get_urgency_display())


register_section(Section(
    key="my-cases", title=_("My cases"), order=10,
    intro=_("Requests assigned to you and not yet closed; a colleague may hand one over to you."),
    empty=_("No case is assigned to you."), due_label=_("Received on"),
    queryset=_my_cases, row=_my_case_row))
