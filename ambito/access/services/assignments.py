"""Cases assigned to a case worker (*presa in carico*): assignment, reassignment and release, with history."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.access import rules as access_rules
from ambito.access.models import AccessRequest, RequestAssignment
from ambito.accounts.models import AccessAction
from ambito.accounts.selectors import scope_for
from ambito.accounts.services import access_deny, access_log_record, atomic_service


def assignable_workers(*, actor) -> QuerySet:
    """The colleagues a case can be handed to: active case workers of the actor's own case-team organisations
    (the service checks, for the chosen one, that they may work on the request)."""
    organisations = scope_for(actor).organisation_ids(*access_rules.PERSON_ROLES)
    return (get_user_model().objects.filter(
        is_active=True, memberships__active=True, memberships__organisation_id__in=organisations,
        memberships__role__in=list(access_rules.PERSON_ROLES)).distinct().order_by("last_name", "first_name",
                                                                                    "username"))


@atomic_service
def request_assign(*, actor, request: AccessRequest, assignee=None, note: str = "", at=None) -> AccessRequest:
    """Assign a request to a case worker (``assignee``), hand it over to another one, or release it (None).
    Every change is kept (``RequestAssignment``: to whom, from whom, by whom, when, why); a case taken from a
    colleague needs a note saying why."""
    if not access_rules.can_work_on_request(actor, request):
        access_deny(actor=actor, record=request, purpose="assign a request outside the actor's scope")
    locked = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if locked.is_closed:
        raise ValidationError(_("The request is closed: it cannot be assigned."), code="closed")
    if assignee is not None and not access_rules.can_work_on_request(assignee, locked):
        raise ValidationError({"assignee": _("This worker cannot work on this request (another Comune or "
                                             "organisation).")}, code="assignee_out_of_scope")
    previous_id = locked.assigned_to_id
    new_id = assignee.pk if assignee is not None else None
    if previous_id == new_id:
        raise ValidationError(_("The request is already assigned this way."), code="unchanged")
    note = (note or "").strip()
    if previous_id is not None and previous_id not in (actor.pk, new_id) and not note:
        raise ValidationError({"note": _("The case is followed by a colleague: write why it is handed over.")},
                              code="note_required")
    AccessRequest.objects.filter(pk=locked.pk).update(assigned_to=assignee)
    RequestAssignment.objects.create(request=locked, assigned_to=assignee, previous_id=previous_id,
                                     assigned_by=actor, at=at or timezone.now(), note=note[:300])
    request.assigned_to = assignee
    access_log_record(actor=actor, record=request, action=AccessAction.UPDATE, purpose="case assignment")
    return request
