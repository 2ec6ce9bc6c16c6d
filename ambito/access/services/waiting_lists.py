"""Waiting lists (*liste d'attesa*): priority, entries, admission, published availability."""

import statistics
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.access import rules as access_rules
from ambito.access.models import (
    CaregiverBurden,
    EntryStatus,
    IseeBand,
    Person,
    PriorityCriterion,
    PriorityFactor,
    RemovalReason,
    SlotChangeKind,
    SlotChangeReason,
    Urgency,
    WaitingList,
    WaitingListEntry,
    WaitingListSlotChange,
)
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny, access_log_record, atomic_service
from ambito.network.services import service_update_availability

# --- Waiting lists -------------------------------------------------------------------------------------------

DEFAULT_POINTS = {
    PriorityFactor.UVM_INTENSITY: {"1": 0, "2": 10, "3": 20, "4": 30},
    PriorityFactor.LIVES_ALONE: {"true": 10, "false": 0},
    PriorityFactor.CAREGIVER_BURDEN: {CaregiverBurden.NONE: 0, CaregiverBurden.LOW: 3, CaregiverBurden.MEDIUM: 6,
                                      CaregiverBurden.HIGH: 10},
    PriorityFactor.ISEE_BAND: {IseeBand.UNDER_6K: 10, IseeBand.FROM_6K_TO_15K: 6, IseeBand.FROM_15K_TO_30K: 3,
                               IseeBand.OVER_30K: 0, IseeBand.NOT_GIVEN: 0},
    PriorityFactor.URGENCY: {"1": 0, "2": 5, "3": 10, "4": 20},
}


def priority_criteria(*, waiting_list: WaitingList) -> dict:
    """Points by factor for a list: the list's own criteria override the Ambito's, which override nothing
    (a factor without any criterion scores 0)."""
    criteria = {}
    for criterion in PriorityCriterion.objects.filter(
            Q(waiting_list=waiting_list) | Q(waiting_list__isnull=True, ambito_id=waiting_list.service.ambito_id),
            active=True).order_by(F("waiting_list_id").asc(nulls_first=True)):
        criteria[criterion.factor] = criterion.points
    return criteria


def priority_compute(*, criteria: dict, factors: dict) -> tuple[Decimal, dict]:
    """The priority score of an entry: the sum, over the configured factors, of the points of its value."""
    breakdown = {}
    total = Decimal(0)
    for factor, points in criteria.items():
        value = factors.get(factor)
        if value is None:
            continue
        key = str(value).lower() if isinstance(value, bool) else str(value)
        earned = Decimal(str(points.get(key, 0)))
        breakdown[factor] = {"value": key, "points": str(earned)}
        total += earned
    return total, breakdown


@atomic_service
def priority_criteria_ensure_defaults(*, ambito) -> None:
    """Give an Ambito the default criteria (editable afterwards in the admin)."""
    for factor, points in DEFAULT_POINTS.items():
        PriorityCriterion.objects.get_or_create(ambito=ambito, waiting_list=None, factor=factor,
                                                defaults={"points": {str(k): v for k, v in points.items()}})


@atomic_service
def waiting_list_ensure(*, service, open_slots: int | None = None) -> WaitingList:
    waiting_list, created = WaitingList.objects.get_or_create(service=service,
                                                              defaults={"open_slots": open_slots or 0})
    if not created and open_slots is not None and open_slots != waiting_list.open_slots:
        WaitingListSlotChange.objects.create(
            waiting_list=waiting_list, kind=SlotChangeKind.RECORDED, slots_before=waiting_list.open_slots,
            slots_after=open_slots, reason=SlotChangeReason.CORRECTION, changed_at=timezone.now())
        WaitingList.objects.filter(pk=waiting_list.pk).update(open_slots=open_slots)
        waiting_list.open_slots = open_slots
    return waiting_list


@atomic_service
def waiting_list_set_slots(*, actor, waiting_list: WaitingList, open_slots: int,
                           reason: str = SlotChangeReason.PACKAGE_ENDED, note: str = "", at=None) -> WaitingList:
    """Record the places the service has free for the list (e.g. a SAD package ended), with why; every change
    is kept (``WaitingListSlotChange``: who, when, from how many to how many)."""
    if not access_rules.can_manage_waiting_list(actor, waiting_list):
        raise PermissionDenied(_("You cannot manage this waiting list."))
    if open_slots is None or open_slots < 0:
        raise ValidationError({"open_slots": _("Open slots cannot be negative.")}, code="negative_slots")
    if open_slots > 10_000:
        raise ValidationError({"open_slots": _("At most 10,000 free places.")}, code="too_many_slots")
    if reason not in SlotChangeReason.values:
        raise ValidationError({"reason": _("Choose why the free places change.")}, code="reason_required")
    note = (note or "").strip()
    if reason == SlotChangeReason.OTHER and not note:
        raise ValidationError({"note": _("Write why the free places change.")}, code="note_required")
    locked = WaitingList.objects.select_for_update().get(pk=waiting_list.pk)
    WaitingListSlotChange.objects.create(
        waiting_list=locked, kind=SlotChangeKind.RECORDED, slots_before=locked.open_slots, slots_after=open_slots,
        reason=reason, note=note[:300], changed_by=actor, changed_at=at or timezone.now())
    WaitingList.objects.filter(pk=locked.pk).update(open_slots=open_slots)
    waiting_list.open_slots = open_slots
    _availability_publish(waiting_list=waiting_list)
    return waiting_list


def _last_removal(*, waiting_list: WaitingList, person: Person) -> WaitingListEntry | None:
    """The person's latest entry on the list that was removed (not admitted): a new entry continues its clock."""
    return (WaitingListEntry.objects.filter(waiting_list=waiting_list, person=person, status=EntryStatus.REMOVED)
            .order_by("-removed_at", "-id").first())


@atomic_service
def waiting_list_entry_add(*, actor, waiting_list: WaitingList, person: Person, request=None, assessment=None,
                           lives_alone: bool | None = None, caregiver_burden: str = CaregiverBurden.NONE,
                           isee_band: str = IseeBand.NOT_GIVEN, urgency: int | None = None,
                           uvm_intensity: int | None = None, at=None) -> WaitingListEntry:
    """Put a person on a service's waiting list with a priority score computed from the Ambito's criteria
    (UVM intensity, living alone, caregiver burden, ISEE band, urgency)."""
    if not access_rules.can_edit_person(actor, person) or not access_rules.can_manage_waiting_list(actor,
                                                                                                     waiting_list):
        access_deny(actor=actor, record=person, purpose="waiting list entry outside the actor's scope")
    if not waiting_list.active:
        raise ValidationError(_("This waiting list is closed."))
    # Lock the list row (as admissions do) so two enrolments of one person queue: the second one then sees the
    # first and is refused here, instead of hitting the one-waiting-entry constraint as a server error.
    WaitingList.objects.select_for_update().filter(pk=waiting_list.pk).first()
    if WaitingListEntry.objects.filter(waiting_list=waiting_list, person=person, status=EntryStatus.WAITING).exists():
        raise ValidationError(_("This person is already waiting on this list."), code="duplicate_entry")
    if assessment is not None and uvm_intensity is None:
        uvm_intensity = assessment.intensity
    if request is None and assessment is not None:
        request = assessment.request
    if urgency is None:
        urgency = request.urgency if request is not None else Urgency.NORMAL
    if lives_alone is None:
        lives_alone = person.lives_alone
    factors = {PriorityFactor.UVM_INTENSITY: uvm_intensity, PriorityFactor.LIVES_ALONE: lives_alone,
               PriorityFactor.CAREGIVER_BURDEN: caregiver_burden, PriorityFactor.ISEE_BAND: isee_band,
               PriorityFactor.URGENCY: urgency}
    score, breakdown = priority_compute(criteria=priority_criteria(waiting_list=waiting_list), factors=factors)
    at = at or timezone.now()
    # One clock per person and list: removed and put back, the person keeps the first entry's date (the gap
    # between removal and return is shown, never hidden), so a removal cannot reset a wait to zero.
    previous = _last_removal(waiting_list=waiting_list, person=person)
    entered_at = min(previous.entered_at, at) if previous is not None else at
    entry = WaitingListEntry.objects.create(
        waiting_list=waiting_list, person=person, request=request, assessment=assessment, entered_at=entered_at,
        uvm_intensity=uvm_intensity, lives_alone=lives_alone, caregiver_burden=caregiver_burden, isee_band=isee_band,
        urgency=urgency, priority_score=score, priority_breakdown=breakdown, added_by=actor,
        previous_entry=previous, rejoined_at=at if previous is not None else None)
    access_log_record(actor=actor, record=entry, action=AccessAction.CREATE, purpose="waiting list entry")
    _availability_publish(waiting_list=waiting_list)
    return entry


def waiting_list_top(*, waiting_list: WaitingList) -> WaitingListEntry | None:
    """The entry the next open slot goes to."""
    return _waiting(waiting_list.pk).first()


def _waiting(waiting_list_id):
    """Entries still waiting, best first; a person whose processing is restricted (GDPR art. 18) is never
    admitted while the restriction lasts."""
    return WaitingListEntry.objects.filter(waiting_list_id=waiting_list_id, status=EntryStatus.WAITING,
                                           person__restricted_at__isnull=True).order_by(
        "-priority_score", "entered_at", "id")


@atomic_service
def waiting_list_admit(*, actor, waiting_list: WaitingList, entry: WaitingListEntry | None = None,
                       skip_reason: str = "", at=None) -> WaitingListEntry:
    """Give the next open slot of a service to the entry the operator names (the admission forms always name
    it), which must be the top of the list (*scorrimento della graduatoria*) unless the operator records why
    the ones above are skipped. Without an entry (the API's "admit the top"), the top entry is admitted.

    A named entry that is no longer waiting (admitted or removed meanwhile, e.g. a form sent twice) is
    refused: nobody else is admitted in its place. The list row is locked (SELECT … FOR UPDATE) before
    reading the slots and the top entry, so two operators admitting at the same moment queue one behind the
    other and never give one slot twice."""
    if not access_rules.can_manage_waiting_list(actor, waiting_list):
        raise PermissionDenied(_("You cannot manage this waiting list."))
    locked = WaitingList.objects.select_for_update().get(pk=waiting_list.pk)
    chosen = None
    if entry is not None:
        chosen = WaitingListEntry.objects.select_for_update().filter(pk=entry.pk, waiting_list=locked).first()
        if chosen is None or chosen.status != EntryStatus.WAITING:
            raise ValidationError(_("This entry is no longer waiting (admitted or removed meanwhile): nobody was "
                                    "admitted. Reload the list and choose again."), code="not_waiting")
        if chosen.person.restricted_at is not None:
            raise ValidationError(_("The processing of this person's data is restricted: they cannot be admitted "
                                    "while the restriction lasts."), code="restricted")
    top = _waiting(locked.pk).first()
    if top is None:
        raise ValidationError(_("The waiting list is empty: there is nobody to admit."), code="empty_list")
    if locked.open_slots < 1:
        raise ValidationError(_("The service has no open slot: record the freed places before admitting."),
                              code="no_slot")
    chosen = chosen or top
    if chosen.pk != top.pk and not skip_reason.strip():
        raise ValidationError(
            {"skip_reason": _("This person is not at the top of the list: write why the entries above are "
                              "skipped.")}, code="skip_reason_required")
    at = at or timezone.now()
    if at < chosen.entered_at:  # only a backdated import could do this; a wait is never negative
        raise ValidationError(_("The admission cannot precede the entry on the list."), code="before_entry")
    updated = WaitingListEntry.objects.filter(pk=chosen.pk, status=EntryStatus.WAITING).update(
        status=EntryStatus.ADMITTED, admitted_at=at, admitted_by=actor,
        skip_reason=skip_reason.strip()[:300] if chosen.pk != top.pk else "")
    if not updated:  # unreachable while the list row is locked; kept so a slot is never spent on nobody
        raise ValidationError(_("This entry is no longer waiting."), code="not_waiting")
    WaitingList.objects.filter(pk=locked.pk).update(open_slots=F("open_slots") - 1)
    WaitingListSlotChange.objects.create(
        waiting_list=locked, kind=SlotChangeKind.ADMISSION, slots_before=locked.open_slots,
        slots_after=locked.open_slots - 1, entry=chosen, changed_by=actor, changed_at=at)
    locked.open_slots -= 1
    chosen.refresh_from_db()
    access_log_record(actor=actor, record=chosen, action=AccessAction.UPDATE, purpose="admitted to service")
    _availability_publish(waiting_list=locked)
    return chosen


@atomic_service
def waiting_list_entry_remove(*, actor, entry: WaitingListEntry, reason: str, note: str = "",
                              at=None) -> WaitingListEntry:
    """Take an entry off the list with a reason from the list of ``RemovalReason`` (moved away, declined the
    service, deceased, no longer eligible…) and, for "other", a note saying why. Put back later, the person
    keeps this entry's clock (``waiting_list_entry_add``)."""
    if not access_rules.can_view_waiting_list_entry(actor, entry) or not access_rules.can_manage_waiting_list(
            actor, entry.waiting_list):
        access_deny(actor=actor, record=entry, purpose="remove a waiting list entry outside the actor's scope")
    if reason not in RemovalReason.values:
        raise ValidationError({"reason": _("Choose why the entry is removed.")}, code="reason_required")
    note = (note or "").strip()
    if reason == RemovalReason.OTHER and not note:
        raise ValidationError({"note": _("Write why the entry is removed.")}, code="note_required")
    locked = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status != EntryStatus.WAITING:
        raise ValidationError(_("This entry is no longer waiting."), code="not_waiting")
    entry.status, entry.removed_at, entry.removed_by = EntryStatus.REMOVED, at or timezone.now(), actor
    entry.removal_code, entry.removal_reason = reason, note[:300]
    entry.save(update_fields=["status", "removed_at", "removed_by", "removal_code", "removal_reason"])
    access_log_record(actor=actor, record=entry, action=AccessAction.UPDATE, purpose="removed from waiting list")
    _availability_publish(waiting_list=entry.waiting_list)
    return entry


def _estimated_wait_days(waiting_list_id) -> int | None:
    """Median days waited by the last 50 admissions of the list: the wait a new entry can expect."""
    waits = [(admitted - entered).days for entered, admitted in WaitingListEntry.objects.filter(
        waiting_list_id=waiting_list_id, status=EntryStatus.ADMITTED).order_by("-admitted_at").values_list(
        "entered_at", "admitted_at")[:50]]
    return max(int(statistics.median(waits)), 0) if waits else None


def _availability_publish(*, waiting_list: WaitingList) -> None:
    """Tell the network catalogue the service's vacancies and expected wait, so referrers see them."""
    open_slots = WaitingList.objects.filter(pk=waiting_list.pk).values_list("open_slots", flat=True).first() or 0
    estimated = _estimated_wait_days(waiting_list.pk)
    service_update_availability(service=waiting_list.service, vacancies=open_slots, estimated_wait_days=estimated)
