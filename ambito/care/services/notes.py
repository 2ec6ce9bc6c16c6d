"""Case notes (*diario*) and attachments."""


from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ambito.access.models import Person
from ambito.accounts.models import AccessAction
from ambito.accounts.selectors import scope_for
from ambito.accounts.services import access_deny as deny
from ambito.accounts.services import atomic_service
from ambito.care import rules
from ambito.care.models import (
    CarePlan,
    CaseAttachment,
    CaseNote,
    NoteVisibility,
    Referral,
)
from ambito.care.services.common import _log
from ambito.core.uploads import ATTACHMENT_KINDS, validate_upload

# --- Case notes --------------------------------------------------------------------------------------------


@atomic_service
def case_note_add(*, actor, person: Person, text: str, visibility: str = NoteVisibility.SOCIAL,
                  care_plan: CarePlan | None = None, referral: Referral | None = None, files=()) -> CaseNote:
    """Write a note on the case with its visibility; attachments go to private storage (outside the web root).
    The case team writes any note; the referred provider writes notes shared with the provider on its referral."""
    provider_note = referral is not None and rules.is_referral_provider(actor, referral)
    if not (rules.is_case_team(actor, person) or provider_note):
        deny(actor=actor, record=person, purpose="write a case note outside the actor's scope")
    if referral is not None and referral.person_id != person.pk:
        raise ValidationError(_("The referral is about another person."))
    if provider_note and not rules.is_case_team(actor, person):
        visibility = NoteVisibility.PROVIDER
    if visibility == NoteVisibility.PROVIDER and referral is None:
        raise ValidationError({"visibility": _("Choose the referral whose provider may read the note.")})
    if not (text or "").strip():
        raise ValidationError({"text": _("The note is empty.")})
    kinds = []
    for upload in files:  # every file checked (type by its bytes, size) before anything is written to disk
        try:
            kinds.append(validate_upload(upload, ATTACHMENT_KINDS))  # AMBITO_MAX_UPLOAD_MB
        except ValidationError as exc:
            raise ValidationError({"files": exc.messages}) from None
    roles = sorted(scope_for(actor).roles)
    note = CaseNote.objects.create(person=person, comune_id=person.residence_comune_id, care_plan=care_plan,
                                   referral=referral, visibility=visibility, author=actor,
                                   author_role=roles[0] if roles else "", text=text.strip())
    for upload, kind in zip(files, kinds, strict=True):
        CaseAttachment.objects.create(note=note, file=upload, original_name=upload.name[:200],
                                      content_type=kind.content_type, size=upload.size, uploaded_by=actor)
    _log(actor, note, AccessAction.CREATE, "case note written")
    return note
