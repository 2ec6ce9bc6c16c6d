"""The person's record kept right (*cartella anagrafica*): contacts, household members, caregiver, legal guardian
or support administrator; the transfer to another Comune as a logged handover.

Nothing here is deleted: a contact no longer in force is ended with its reason; a transfer is a row saying who
handed the person over, when, from where, to where and why. Every write is in the access log and, through
django-auditlog, in the change history with its author."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.access import rules as access_rules
from ambito.access.models import ContactKind, Person, PersonContact, PersonTransfer
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny, access_log_record, atomic_service

CONTACT_FIELDS = ("kind", "name", "relationship", "phone", "email", "address", "lives_with_person", "court_decree",
                  "note")


def _editable(actor, person: Person, purpose: str) -> None:
    if not access_rules.can_edit_person(actor, person):
        access_deny(actor=actor, record=person, purpose=purpose)


@atomic_service
def person_contact_add(*, actor, person: Person, kind: str, name: str, relationship: str = "", phone: str = "",
                       email: str = "", address: str = "", lives_with_person: bool = False, court_decree: str = "",
                       note: str = "") -> PersonContact:
    """Record someone around the person. A legal guardian or support administrator needs the court's decree;
    only one of them is in force at a time (the previous one is ended first)."""
    _editable(actor, person, "add a contact to a person outside the actor's scope")
    if kind not in ContactKind.values:
        raise ValidationError({"kind": _("Choose who this is.")})
    if not (name or "").strip():
        raise ValidationError({"name": _("This field is required.")})
    legal = (ContactKind.GUARDIAN, ContactKind.SUPPORT_ADMINISTRATOR)
    if kind in legal:
        if not (court_decree or "").strip():
            raise ValidationError({"court_decree": _("A guardian or support administrator is appointed by the "
                                                     "court: give the court and the decree number.")})
        if person.contacts.filter(kind__in=legal, ended_at__isnull=True).exists():
            raise ValidationError(_("A guardian or support administrator is already in force: end that one first, "
                                    "with the reason."), code="guardian_in_force")
    contact = PersonContact.objects.create(
        person=person, kind=kind, name=name.strip(), relationship=relationship.strip(), phone=phone.strip(),
        email=email.strip(), address=address.strip(), lives_with_person=lives_with_person,
        court_decree=court_decree.strip(), note=note.strip(), created_by=actor)
    access_log_record(actor=actor, record=person, action=AccessAction.UPDATE, purpose="contact added")
    return contact


@atomic_service
def person_contact_end(*, actor, contact: PersonContact, reason: str, at=None) -> PersonContact:
    """A contact no longer in force (moved away, guardian replaced, died): kept, with when and why."""
    contact = PersonContact.objects.select_for_update().select_related("person").get(pk=contact.pk)
    _editable(actor, contact.person, "end a contact of a person outside the actor's scope")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why: a correction or cancellation needs its reason.")})
    if contact.ended_at is not None:
        raise ValidationError(_("This contact is already no longer in force."), code="already_ended")
    contact.ended_at, contact.ended_reason = at or timezone.now(), reason.strip()[:300]
    contact.save(update_fields=["ended_at", "ended_reason"])
    access_log_record(actor=actor, record=contact.person, action=AccessAction.UPDATE, purpose="contact ended")
    return contact


@atomic_service
def person_transfer(*, actor, person: Person, to_comune, moved_on: datetime.date, reason: str,
                    handover_note: str = "") -> PersonTransfer:
    """Hand the person over to the social service of another Comune (*passaggio di consegne*): the residence
    changes, the transfer is kept with who, when, from, to and why. From then on the receiving Comune's case
    team sees the person; the sending one keeps only what the authorisation matrix gives it."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    _editable(actor, person, "transfer a person outside the actor's scope")
    if to_comune is None or to_comune.pk == person.residence_comune_id:
        raise ValidationError({"to_comune": _("Choose the Comune the person moves to.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why: a correction or cancellation needs its reason.")})
    if moved_on > timezone.localdate():
        raise ValidationError({"moved_on": _("The move cannot be in the future: record it once it has happened.")})
    transfer = PersonTransfer.objects.create(
        person=person, from_comune_id=person.residence_comune_id, to_comune=to_comune, moved_on=moved_on,
        reason=reason.strip()[:300], handover_note=handover_note.strip(), transferred_by=actor)
    person.residence_comune, person.ambito_id = to_comune, to_comune.ambito_id
    person.updated_at = timezone.now()
    person.version += 1
    person.save(update_fields=["residence_comune", "ambito", "updated_at", "version"])
    access_log_record(actor=actor, record=person, action=AccessAction.UPDATE,
                      purpose=f"transferred to Comune #{to_comune.pk}")
    return transfer
