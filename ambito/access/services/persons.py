"""Persons (*anagrafica*) and consent: validation, homonym and birthplace checks, sharing."""


from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.access import rules as access_rules
from ambito.access.models import (
    Consent,
    Person,
)
from ambito.access.services.fiscal_code import fiscal_code_check
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny, access_log_record, atomic_service

# --- Persons -------------------------------------------------------------------------------------------------

PERSON_FIELDS = ["fiscal_code", "first_name", "last_name", "birth_date", "sex", "residence_comune", "address",
                 "phone", "email", "lives_alone", "household_notes"]


def person_duplicates(*, fiscal_code: str = "", first_name: str, last_name: str, birth_date, exclude_pk=None):
    """Possible duplicates across the whole register (not only the actor's scope: a duplicate must be found
    even when it lives in another Comune). Same codice fiscale, or same names and birth date."""
    q = Q(first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip(), birth_date=birth_date)
    if fiscal_code:
        q |= Q(fiscal_code=fiscal_code.strip().upper())
    return Person.objects.filter(q).exclude(pk=exclude_pk)


def _person_validate(*, fields: dict, confirm_birthplace: bool, confirm_homonym: bool, exclude_pk=None) -> dict:
    fields = dict(fields)
    for name in ("first_name", "last_name"):
        fields[name] = (fields.get(name) or "").strip()
        if not fields[name]:
            raise ValidationError({name: _("This field is required.")})
    fields["fiscal_code"] = (fields.get("fiscal_code") or "").strip().upper()
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
    duplicates = person_duplicates(fiscal_code=fields["fiscal_code"], first_name=fields["first_name"],
                                   last_name=fields["last_name"], birth_date=fields["birth_date"],
                                   exclude_pk=exclude_pk)
    same_code = [p for p in duplicates if fields["fiscal_code"] and p.fiscal_code == fields["fiscal_code"]]
    if same_code:
        raise ValidationError({"fiscal_code": ValidationError(
            _("A person with this codice fiscale is already registered (%(pseudonym)s): open that record instead "
              "of creating a new one.") % {"pseudonym": same_code[0].pseudonym}, code="duplicate_fiscal_code")})
    if duplicates and not confirm_homonym:
        raise ValidationError(
            _("A person with the same name and birth date is already registered (%(pseudonyms)s). If this is "
              "a different person, confirm to continue.") % {
                "pseudonyms": ", ".join(p.pseudonym for p in duplicates[:3])},
            code="possible_duplicate")
    fields["birthplace_override"] = birthplace_override
    return fields


@atomic_service
def person_create(*, actor, confirm_birthplace: bool = False, confirm_homonym: bool = False, **fields) -> Person:
    """Register a person at the PUA (*anagrafica*). The codice fiscale is checked, duplicates are refused
    (same code) or need confirmation (same names and birth date); the pseudonym is random."""
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
    fields = _person_validate(fields=fields, confirm_birthplace=confirm_birthplace, confirm_homonym=confirm_homonym)
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
    merged = {name: getattr(person, name) for name in PERSON_FIELDS} | fields
    if not fields.get("fiscal_code", person.fiscal_code) or person.birthplace_override:
        confirm_birthplace = True
    merged = _person_validate(fields=merged, confirm_birthplace=confirm_birthplace, confirm_homonym=confirm_homonym,
                              exclude_pk=person.pk)
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
