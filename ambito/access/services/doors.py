"""Every door of the PUA a real entry point (*porte di accesso*): the GP, a hospital discharge team (the ASL
district operator), a Third-Sector entity, the citizen online, an info-point and a community access desk bring
a request in one step — the person (found by codice fiscale, or registered), the consents they collected, the
need. Each door writes its channel, so the indicators count requests by door; each bringer sees what they
brought (``AccessRequest.brought_by``), the case team of the person's Comune works it.

Finding the person by codice fiscale is what a door needs: the GP holds the patient's health card, the hospital
its admission record, the citizen signs in with SPID/CIE (which gives the codice fiscale). A door never
searches the register by name, and its answer is the same whether the person was new or known: "request sent".
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.access.models import (
    AccessRequest,
    Channel,
    CommunityDesk,
    Consent,
    ConsentKind,
    Person,
    Urgency,
)
from ambito.access.services.fiscal_code import fiscal_code_check
from ambito.access.services.requests import request_record
from ambito.accounts.models import AccessAction
from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for
from ambito.accounts.services import access_log_record, atomic_service

# The door each role brings requests through by default (the case team chooses the channel itself).
ROLE_DOOR = {
    Role.GP: Channel.GP,
    Role.HEALTH_OPERATOR: Channel.HOSPITAL_DISCHARGE,
    Role.PROVIDER_OPERATOR: Channel.ETS,
}
DOOR_FIELDS = ["fiscal_code", "first_name", "last_name", "birth_date", "sex", "residence_comune", "address",
               "phone", "email", "lives_alone"]


def doors_for(actor) -> list[str]:
    """The channels ``actor`` may bring a request through from their own page, first the one of their role."""
    scope = scope_for(actor)
    doors = [door for role, door in ROLE_DOOR.items() if scope.has(role)]
    if scope.has(Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR):
        doors += [c for c in (Channel.PUA_DESK, Channel.PHONE, Channel.HOSPITAL_DISCHARGE) if c not in doors]
    if desks_staffed(actor):
        doors.append(Channel.COMMUNITY_DESK)
    return doors


def desks_staffed(actor):
    """The active community desks ``actor`` works at (as social worker or GP)."""
    if not getattr(actor, "is_authenticated", False):
        return CommunityDesk.objects.none()
    return CommunityDesk.objects.filter(active=True, staff=actor).select_related("comune").order_by("name")


def desk_gps(desk: CommunityDesk) -> list:
    """The GPs among a desk's staff (who may be recorded as present)."""
    from ambito.accounts.models import Membership

    gp_ids = Membership.objects.filter(role=Role.GP, active=True).values("user_id")
    return desk.staff.filter(pk__in=gp_ids).order_by("last_name", "first_name")


def _find_or_register(*, actor, fields: dict, confirm_birthplace: bool) -> tuple[Person, bool]:
    """The person with this codice fiscale, or a new one registered with the typed details. Runs inside the
    bringing transaction; an advisory lock serialises two doors bringing the same new person at once."""
    from ambito.core.concurrency import advisory_lock

    fields = {name: value for name, value in fields.items() if name in DOOR_FIELDS}
    code = (fields.get("fiscal_code") or "").strip().upper()
    if not code:
        raise ValidationError({"fiscal_code": _("The codice fiscale is needed to bring a request.")})
    for name in ("first_name", "last_name"):
        fields[name] = (fields.get(name) or "").strip()
        if not fields[name]:
            raise ValidationError({name: _("This field is required.")})
    check = fiscal_code_check(fiscal_code=code, birth_date=fields.get("birth_date"), sex=fields.get("sex"))
    advisory_lock(f"person:cf:{code}")
    existing = Person.objects.filter(fiscal_code=code).first()
    if existing is not None:
        if existing.restricted_at is not None:  # GDPR art. 18: no new processing; the desk answers in person
            raise ValidationError(_("This request cannot be recorded here: please contact the PUA desk."),
                                  code="restricted")
        return existing, False
    if not check.birthplace_resolved and not confirm_birthplace:
        raise ValidationError({"fiscal_code": ValidationError(
            _("The birthplace in the codice fiscale is not in the reference list of Comuni and foreign States. "
              "Check the document and confirm to continue."), code="birthplace_unresolved")})
    comune = fields["residence_comune"]
    fields["fiscal_code"] = code
    person = Person.objects.create(ambito_id=comune.ambito_id, created_by=actor,
                                   birthplace_override=not check.birthplace_resolved, **fields)
    access_log_record(actor=actor, record=person, action=AccessAction.CREATE, purpose="registered at the door")
    return person, True


def _check_door(*, actor, channel: str, comune, desk, info_point) -> None:
    scope = scope_for(actor)
    if channel == Channel.ONLINE:
        if not actor.is_authenticated:
            raise PermissionDenied
    elif channel == Channel.INFO_POINT:
        from ambito.network.rules import can_log_info_point_contact

        if info_point is None or not can_log_info_point_contact(actor, info_point):
            raise PermissionDenied(_("You do not staff this info-point."))
    elif channel == Channel.COMMUNITY_DESK:
        if desk is None or not desk.active or not desk.staff.filter(pk=actor.pk).exists():
            raise PermissionDenied(_("You do not work at this community desk."))
    elif channel not in doors_for(actor):
        raise PermissionDenied(_("You cannot bring requests through this door."))
    ambiti = scope.ambito_ids()
    if channel != Channel.ONLINE and comune is not None and comune.ambito_id not in ambiti:
        raise ValidationError({"residence_comune": _("This Comune is not in your Ambito.")})


@atomic_service
def request_bring(*, actor, channel: str, person: dict, need: str, area: str, urgency: int = Urgency.NORMAL,
                  consents: list | tuple = (), confirm_birthplace: bool = False, desk: CommunityDesk | None = None,
                  desk_gp=None, info_point=None, contact_channel: str = "in_person",
                  at: datetime.datetime | None = None) -> AccessRequest:
    """Bring a request through a door (*porta di accesso*, L. 234/2021 c. 163: the PUA is reached from every
    point of the network): find the person by codice fiscale or register them, record the information notice
    and the consents the bringer collected (GDPR art. 7 and 13), and record the request with the door's
    channel, brought by ``actor``. An info-point contact is counted too (anonymous, as every contact) and
    linked; at a community desk the GP present makes it a joint GP + social-worker assessment."""
    comune = person.get("residence_comune")
    if comune is None:
        raise ValidationError({"residence_comune": _("This field is required.")})
    _check_door(actor=actor, channel=channel, comune=comune, desk=desk, info_point=info_point)
    if ConsentKind.INFORMATION_NOTICE not in consents:
        raise ValidationError({"consents": _("Give the information notice (GDPR art. 13) before sending the "
                                             "request, and tick it.")})
    if desk_gp is not None and (desk is None or not desk_gps(desk).filter(pk=desk_gp.pk).exists()):
        raise ValidationError({"desk_gp": _("Choose a GP who works at this desk.")})
    if not (need or "").strip():
        raise ValidationError({"need": _("Describe the need.")})
    found, _created = _find_or_register(actor=actor, fields=person, confirm_birthplace=confirm_birthplace)
    at = at or timezone.now()
    door = Channel(channel).label
    for kind in dict.fromkeys(consents):
        if kind not in ConsentKind.values:
            raise ValidationError({"consents": _("Unknown consent.")})
        Consent.objects.create(person=found, kind=kind, given=True, recorded_at=at, recorded_by=actor,
                               note=_("Collected at the door: %(door)s") % {"door": door})
    contact = None
    if channel == Channel.INFO_POINT:
        from ambito.network.models import ContactTopic
        from ambito.network.services import info_point_contact_record

        contact = info_point_contact_record(actor=actor, info_point=info_point, date=timezone.localdate(at),
                                            channel=contact_channel, topic=ContactTopic.CARE_PATH)
    organisation_ids = sorted(scope_for(actor).organisation_ids())
    request = request_record(actor=actor, person=found, channel=channel, need=need, area=area, urgency=urgency,
                             brought_by_organisation_id=organisation_ids[0] if organisation_ids else None, at=at)
    if desk is not None or contact is not None:
        request.desk, request.desk_gp, request.info_point_contact = desk, desk_gp, contact
        request.save(update_fields=["desk", "desk_gp", "info_point_contact"])
    return request

