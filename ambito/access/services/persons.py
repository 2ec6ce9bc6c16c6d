"""Persons (*anagrafica*) and consent: validation, homonym and birthplace checks, sharing.

A registration is checked against the whole register, but answers only about what the actor may see: a
duplicate the actor can open is named (its pseudonym) so they open it instead; a match they may not see is never
named, counted or hinted at by the error — it becomes a sharing request to the case team that holds it
(``PersonShareRequest``), and the actor is told only that another office holds such a person. A registrant who
would not see the new record anyway (a GP: it sees persons only through its own requests) gets one neutral answer,
``REGISTRATION_RECEIVED``, whether the person was new or already held elsewhere: for them registering is no
oracle at all. Concurrent registrations of one person queue on an advisory lock (``core.concurrency``) so the
duplicate check and the insert see each other."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ambito.access import rules as access_rules
from ambito.access.models import (
    Consent,
    Person,
    PersonShareRequest,
    ShareStatus,
)
from ambito.access.services.fiscal_code import fiscal_code_check
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny, access_log_record, atomic_service

# --- Persons -------------------------------------------------------------------------------------------------

PERSON_FIELDS = ["fiscal_code", "first_name", "last_name", "birth_date", "sex", "residence_comune", "address",
                 "phone", "email", "lives_alone", "household_notes"]
# What SIUSS asks of every beneficiary (#17): ISTAT code of the State of citizenship, cadastral code of the
# birthplace; optional at registration, listed by the SIUSS pre-flight report when missing.
PERSON_FIELDS += ["citizenship", "birthplace_code"]
# Their formats, checked the same way whether the record comes from the registration page or the API.
CITIZENSHIP_PATTERN = r"^\d{3}$"
BIRTHPLACE_PATTERN = r"^[A-Za-z]\d{3}$"
CITIZENSHIP_INVALID = gettext_lazy("Three digits: the ISTAT code of the State (Italy is 100).")
BIRTHPLACE_INVALID = gettext_lazy("A letter and three digits, e.g. F704 (Monza) or Z404 (United States).")


def person_duplicates(*, fiscal_code: str = "", first_name: str, last_name: str, birth_date, exclude_pk=None):
    """Possible duplicates across the whole register (not only the actor's scope: a duplicate must be found
    even when it lives in another Comune). Same codice fiscale, or same names and birth date."""
    q = Q(first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip(), birth_date=birth_date)
    if fiscal_code:
        q |= Q(fiscal_code=fiscal_code.strip().upper())
    return Person.objects.filter(q).exclude(pk=exclude_pk)


REGISTRATION_RECEIVED = gettext_lazy("Request recorded: the PUA will check the register of persons.")
HELD_ELSEWHERE = gettext_lazy("A person with these details is already registered by another office: ask the PUA to "
                              "share the record (the request has already been sent to whoever holds it).")
HELD_ELSEWHERE_HOMONYM = gettext_lazy(
    "A person with the same name and birth date is already registered by another office: ask the PUA to share the "
    "record (the request has already been sent to whoever holds it). If this is a different person, confirm to "
    "continue.")


class PersonHeldElsewhere(ValidationError):
    """The details typed match a person the actor may not see. Nothing was registered, the match is not
    identified, and a sharing request was sent to its case team (committed: this is raised after the
    transaction). ``received`` is True when the message is the neutral ``REGISTRATION_RECEIVED``."""

    def __init__(self, message, *, received: bool = False):
        super().__init__(message, code="registration_received" if received else "held_elsewhere")
        self.received = received


def registrant_sees(actor, comune) -> bool:
    """Whether a person the actor registers as resident in ``comune`` is one they will see: the case team of that
    Comune does; a GP does not (it sees a person only through a request it sent)."""
    return comune is not None and comune.id in access_rules.territorial_comune_ids(actor)


def _lock_keys(fields: dict) -> list[str]:
    """What a duplicate is looked up by, normalised at least as coarsely as the lookup compares (case and spaces
    ignored), so two registrations that would find each other take the same lock."""
    def norm(value):
        return " ".join(str(value or "").split()).upper()

    keys = [f"person:name:{norm(fields['last_name'])}|{norm(fields['first_name'])}|{fields.get('birth_date')}"]
    if fields.get("fiscal_code"):
        keys.append(f"person:cf:{fields['fiscal_code']}")
    return keys


def _person_validate(*, actor, fields: dict, confirm_birthplace: bool, confirm_homonym: bool,
                     exclude_pk=None) -> tuple[dict, list, bool]:
    """The cleaned fields, the matches the actor may not see that stop the registration, and whether they match
    by codice fiscale. Matches the actor may see raise the helpful errors naming them. Call inside the
    transaction that saves: the advisory lock taken here holds until it ends."""
    from ambito.core.concurrency import advisory_lock

    fields = dict(fields)
    for name in ("first_name", "last_name"):
        fields[name] = (fields.get(name) or "").strip()
        if not fields[name]:
            raise ValidationError({name: _("This field is required.")})
    fields["fiscal_code"] = (fields.get("fiscal_code") or "").strip().upper()
    for name, pattern, message in (("citizenship", CITIZENSHIP_PATTERN, CITIZENSHIP_INVALID),
                                   ("birthplace_code", BIRTHPLACE_PATTERN, BIRTHPLACE_INVALID)):
        if name in fields:
            fields[name] = (fields[name] or "").strip().upper()
            if fields[name] and not re.match(pattern, fields[name]):
                raise ValidationError({name: ValidationError(message, code="invalid")})
    birthplace_override = False
    if fields["fiscal_code"]:
        check = fiscal_code_check(fiscal_code=fields["fiscal_code"], birth_date=fields.get("birth_date"),
                                  sex=fields.get("sex"))
        if not check.birthplace_resolved:
            if not confirm_birthplace:
                raise ValidationError({"fiscal_code": ValidationError(
                    _("The birthplace in the codice fiscale is not in the reference list of Comuni and foreign "
                      "States. Check the document and confirm to continue."), code="birthplace_unresolved")})
            birthplace_override = True
    advisory_lock(*_lock_keys(fields))
    duplicates = list(person_duplicates(fiscal_code=fields["fiscal_code"], first_name=fields["first_name"],
                                        last_name=fields["last_name"], birth_date=fields["birth_date"],
                                        exclude_pk=exclude_pk).order_by("id"))
    visible_ids = set(Person.objects.filter(access_rules.person_q(actor), pk__in=[p.pk for p in duplicates])
                      .values_list("pk", flat=True)) if duplicates else set()
    visible = [p for p in duplicates if p.pk in visible_ids]
    hidden = [p for p in duplicates if p.pk not in visible_ids]
    fields["birthplace_override"] = birthplace_override
    same_code = [p for p in duplicates if fields["fiscal_code"] and p.fiscal_code == fields["fiscal_code"]]
    if same_code:
        if same_code[0].pk in visible_ids:
            raise ValidationError({"fiscal_code": ValidationError(
                _("A person with this codice fiscale is already registered (%(pseudonym)s): open that record "
                  "instead of creating a new one.") % {"pseudonym": same_code[0].pseudonym},
                code="duplicate_fiscal_code")})
        return fields, same_code, True
    if visible and not confirm_homonym:
        raise ValidationError(
            _("A person with the same name and birth date is already registered (%(pseudonyms)s). If this is "
              "a different person, confirm to continue.") % {
                "pseudonyms": ", ".join(p.pseudonym for p in visible[:3])},
            code="possible_duplicate")
    return fields, ([] if confirm_homonym else hidden), False


def _requesting_organisation(actor, comune):
    """The organisation a registrant acts for in ``comune``: the one of their registering roles that serves it
    (the Comune's social service, the district), else their first (a GP's health authority)."""
    from ambito.accounts.models import Membership

    memberships = [m for m in Membership.objects.filter(
        user=actor, active=True, organisation__active=True,
        role__in=(*access_rules.PERSON_ROLES, access_rules.Role.GP)).select_related("organisation").order_by("id")]
    for membership in memberships:
        organisation = membership.organisation
        if organisation.comune_id == comune.id or organisation.comuni_served.filter(pk=comune.pk).exists():
            return organisation
    return memberships[0].organisation if memberships else None


def _share_requests_file(*, actor, persons, comune) -> None:
    """Ask the case teams holding ``persons`` to share them with the actor's organisation (one pending request
    per person and organisation), and leave the attempt in each person's access log for them and the DPO."""
    organisation = _requesting_organisation(actor, comune)
    for person in persons:
        if person.restricted_at is None and organisation is not None and not person.shared_with.filter(
                pk=organisation.pk).exists():
            PersonShareRequest.objects.get_or_create(person=person, organisation=organisation,
                                                     status=ShareStatus.PENDING, defaults={"requested_by": actor})
        access_log_record(actor=actor, record=person, action=AccessAction.DENIED,
                          purpose="registration matched a person outside the actor's scope: sharing requested")


def person_create(*, actor, confirm_birthplace: bool = False, confirm_homonym: bool = False, **fields) -> Person:
    """Register a person at the PUA (*anagrafica*). The codice fiscale is checked, duplicates are refused
    (same code) or need confirmation (same names and birth date); the pseudonym is random. Details matching a
    person the actor may not see raise ``PersonHeldElsewhere`` once the sharing request is saved."""
    outcome = _person_create(actor=actor, confirm_birthplace=confirm_birthplace, confirm_homonym=confirm_homonym,
                             **fields)
    if isinstance(outcome, Person):
        return outcome
    if not registrant_sees(actor, fields.get("residence_comune")):
        raise PersonHeldElsewhere(REGISTRATION_RECEIVED, received=True)
    raise PersonHeldElsewhere(HELD_ELSEWHERE if outcome == "code" else HELD_ELSEWHERE_HOMONYM)


@atomic_service
def _person_create(*, actor, confirm_birthplace: bool, confirm_homonym: bool, **fields) -> Person | str:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields: {sorted(unknown)}")
    comune = fields.get("residence_comune")
    if comune is None:
        raise ValidationError({"residence_comune": _("This field is required.")})
    from ambito.accounts.selectors import scope_for

    scope = scope_for(actor)
    if not access_rules.can_register_person(actor) or comune.id not in scope.comune_ids(
            *access_rules.PERSON_ROLES, access_rules.Role.GP):
        raise PermissionDenied(_("You cannot register persons resident in this Comune."))
    fields, held_elsewhere, by_code = _person_validate(actor=actor, fields=fields,
                                                       confirm_birthplace=confirm_birthplace,
                                                       confirm_homonym=confirm_homonym)
    if held_elsewhere:
        _share_requests_file(actor=actor, persons=held_elsewhere, comune=comune)
        return "code" if by_code else "name"
    person = Person.objects.create(ambito_id=comune.ambito_id, created_by=actor, **fields)
    access_log_record(actor=actor, record=person, action=AccessAction.CREATE, purpose="PUA registration")
    return person


@atomic_service
def person_update(*, actor, person: Person, expected_version: int | None = None, confirm_birthplace: bool = False,
                  confirm_homonym: bool = True, **fields) -> Person:
    """Edit a person's record; optimistic locking refuses a save based on a stale copy."""
    from ambito.core.concurrency import save_versioned

    if not access_rules.can_edit_person(actor, person):
        access_deny(actor=actor, record=person, purpose="edit a person outside the actor's scope")
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields: {sorted(unknown)}")
    if fields.get("residence_comune") not in (None, person.residence_comune):
        raise ValidationError({"residence_comune": _(
            "A move to another Comune is a handover: record it as a transfer, with the reason.")})
    merged = {name: getattr(person, name) for name in PERSON_FIELDS} | fields
    if not fields.get("fiscal_code", person.fiscal_code) or person.birthplace_override:
        confirm_birthplace = True
    merged, _hidden, by_code = _person_validate(actor=actor, fields=merged, confirm_birthplace=confirm_birthplace,
                                                confirm_homonym=confirm_homonym, exclude_pk=person.pk)
    if by_code:  # the code of a person the actor may not see: refused, without saying whose
        raise ValidationError({"fiscal_code": ValidationError(
            _("This codice fiscale is already registered by another office."), code="duplicate_fiscal_code")})
    for name, value in merged.items():
        setattr(person, name, value)
    person.updated_at = timezone.now()
    save_versioned(person, expected_version=expected_version, fields=[*merged.keys(), "updated_at"])
    access_log_record(actor=actor, record=person, action=AccessAction.UPDATE, purpose="PUA record update")
    return person


@atomic_service
def person_share(*, actor, person: Person, organisation) -> Person:
    """Share a person with another organisation's social service (e.g. the person moves Comune)."""
    if not access_rules.can_edit_person(actor, person):
        access_deny(actor=actor, record=person, purpose="share a person outside the actor's scope")
    person.shared_with.add(organisation)
    access_log_record(actor=actor, record=person, action=AccessAction.UPDATE,
                      purpose=f"shared with organisation #{organisation.pk}")
    return person


@atomic_service
def person_share_request_decide(*, actor, share_request: PersonShareRequest, accept: bool) -> PersonShareRequest:
    """The holder's answer to a request to share: share the person with the requesting organisation
    (``person_share``), or decline. Answered once: a second answer (a colleague was quicker) is refused."""
    locked = PersonShareRequest.objects.select_for_update().get(pk=share_request.pk)
    person = Person.objects.get(pk=locked.person_id)
    if not access_rules.can_edit_person(actor, person):
        access_deny(actor=actor, record=person, purpose="answer a sharing request outside the actor's scope")
    if locked.status != ShareStatus.PENDING:
        raise ValidationError(_("This request has already been answered."), code="already_answered")
    if accept:
        person_share(actor=actor, person=person, organisation=locked.organisation)
    else:
        access_log_record(actor=actor, record=person, action=AccessAction.UPDATE,
                          purpose=f"sharing with organisation #{locked.organisation_id} declined")
    locked.status = ShareStatus.ACCEPTED if accept else ShareStatus.DECLINED
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    return locked


@atomic_service
def consent_record(*, actor, person: Person, kind: str, given: bool = True, notice_version: str = "",
                   note: str = "", at=None) -> Consent:
    """Record an information notice given or a consent given/refused (GDPR art. 7 and 13). A refusal or
    withdrawal closes the consent of that kind in force."""
    if not access_rules.can_edit_person(actor, person):
        access_deny(actor=actor, record=person, purpose="record consent outside the actor's scope")
    at = at or timezone.now()
    if not given:
        Consent.objects.filter(person=person, kind=kind, given=True, withdrawn_at__isnull=True).update(withdrawn_at=at)
    consent = Consent.objects.create(person=person, kind=kind, given=given, notice_version=notice_version,
                                     note=note, recorded_at=at, recorded_by=actor)
    access_log_record(actor=actor, record=person, action=AccessAction.UPDATE, purpose=f"consent {kind}")
    return consent


@atomic_service
def consents_record(*, actor, person: Person, answers: dict, notice_version: str = "", note: str = "") -> list:
    """Record several information notices and consents at once (one form, one submit): ``answers`` maps a
    consent kind to True (given) or False (refused or withdrawn). All or nothing."""
    if not answers:
        raise ValidationError(_("Choose at least one consent to record."), code="empty")
    at = timezone.now()
    return [consent_record(actor=actor, person=person, kind=kind, given=given, notice_version=notice_version,
                           note=note, at=at) for kind, given in answers.items()]
