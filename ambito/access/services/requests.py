"""Access requests (*domande*) and their lifecycle."""


from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.access import rules as access_rules
from ambito.access.models import (
    OUTCOME_STATUSES,
    TRANSITIONS,
    AccessRequest,
    Person,
    RequestStatus,
    RequestStatusChange,
    Urgency,
)
from ambito.accounts.models import AccessAction
from ambito.accounts.selectors import scope_for
from ambito.accounts.services import access_deny, access_log_record, atomic_service

# --- Requests ------------------------------------------------------------------------------------------------

TIMESTAMP_FIELD = {
    RequestStatus.TRIAGED: "triaged_at",
    RequestStatus.ASSESSMENT: "assessment_at",
    RequestStatus.CARE_PLAN: "outcome_at",
    RequestStatus.REFERRED: "outcome_at",
    RequestStatus.INFORMATION: "outcome_at",
    RequestStatus.CLOSED: "closed_at",
}


@atomic_service
def request_create(*, actor, person: Person, channel: str, need: str, area: str, urgency: int = Urgency.NORMAL,
                   brought_by_organisation=None, at=None) -> AccessRequest:
    """Record a request for help (*domanda di accesso*) from any door. The responsible Comune is the person's
    Comune of residence; ``at`` backdates only imports and demo data, never user input."""
    if not access_rules.can_send_request(actor) or not (
            access_rules.can_edit_person(actor, person) or access_rules.scope_for(actor).has(access_rules.Role.GP)):
        access_deny(actor=actor, record=person, purpose="send a request for a person outside the actor's scope")
    if not (need or "").strip():
        raise ValidationError({"need": _("Describe the need.")})
    if brought_by_organisation is None:
        organisation_ids = sorted(scope_for(actor).organisation_ids())
        brought_by_organisation_id = organisation_ids[0] if organisation_ids else None
    else:
        brought_by_organisation_id = brought_by_organisation.pk
    return request_record(actor=actor, person=person, channel=channel, need=need, area=area, urgency=urgency,
                          brought_by_organisation_id=brought_by_organisation_id, at=at)


def request_record(*, actor, person: Person, channel: str, need: str, area: str, urgency: int,
                   brought_by_organisation_id, at=None) -> AccessRequest:
    """Write a request received and its first status change; the caller checked who may (``request_create``,
    ``doors.request_bring``) and runs it in its transaction."""
    at = at or timezone.now()
    request = AccessRequest.objects.create(
        ambito_id=person.ambito_id, person=person, comune_id=person.residence_comune_id, channel=channel,
        brought_by=actor, brought_by_organisation_id=brought_by_organisation_id, need=need.strip(), area=area,
        urgency=urgency, received_at=at, status=RequestStatus.RECEIVED)
    RequestStatusChange.objects.create(request=request, from_status="", to_status=RequestStatus.RECEIVED, at=at,
                                       actor=actor)
    access_log_record(actor=actor, record=request, action=AccessAction.CREATE, purpose="access request")
    return request


def _transition(*, actor, request: AccessRequest, to_status: str, note: str = "", at=None,
                extra_fields=()) -> AccessRequest:
    locked = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status == RequestStatus.CLOSED:
        raise ValidationError(_("This request is closed: its status can no longer change."), code="closed")
    if to_status not in TRANSITIONS[RequestStatus(locked.status)]:
        raise ValidationError(
            _("A request cannot go from “%(from)s” to “%(to)s”.") % {
                "from": RequestStatus(locked.status).label, "to": RequestStatus(to_status).label},
            code="bad_transition")
    at = at or timezone.now()
    previous = locked.status
    request.status = to_status
    setattr(request, TIMESTAMP_FIELD[to_status], at)
    fields = ["status", TIMESTAMP_FIELD[to_status], *extra_fields]
    if to_status in OUTCOME_STATUSES and note:
        request.outcome_note = note
        fields.append("outcome_note")
    AccessRequest.objects.filter(pk=request.pk).update(
        **{name: getattr(request, name) for name in fields}, version=F("version") + 1)
    request.version = locked.version + 1
    RequestStatusChange.objects.create(request=request, from_status=previous, to_status=to_status, at=at,
                                       actor=actor, note=note[:300])
    access_log_record(actor=actor, record=request, action=AccessAction.UPDATE, purpose=f"status {to_status}")
    return request


@atomic_service
def request_transition(*, actor, request: AccessRequest, to_status: str, note: str = "", at=None) -> AccessRequest:
    """Move a request along its lifecycle (received → triaged → assessment → care plan / referred /
    information → closed). Every move is timestamped in ``RequestStatusChange``; a closed request never moves."""
    if not access_rules.can_work_on_request(actor, request):
        access_deny(actor=actor, record=request, purpose="change a request outside the actor's scope")
    if to_status not in RequestStatus.values:
        raise ValidationError(_("Unknown status."), code="bad_transition")
    return _transition(actor=actor, request=request, to_status=to_status, note=note, at=at)
