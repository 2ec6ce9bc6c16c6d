"""Writes of the plan's signed documents and meeting minutes (``models_files``): the planning office uploads,
the file is checked by its content (PDF only, size-capped) before it is stored in the private storage."""

from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ambito.core.uploads import PDF, validate_upload
from ambito.planning import rules
from ambito.planning.models import Meeting, Plan, PlanFile, PlanFileKind


@transaction.atomic
def plan_file_upload(*, actor, plan: Plan, kind: str, upload, title: str = "",
                     meeting: Meeting | None = None) -> PlanFile:
    """Keep a signed Accordo (``kind="agreement"``) or a meeting's minutes (``kind="minutes"``, ``meeting`` of
    one of the plan's tables) as a PDF beside its record. Only who may edit the plan uploads."""
    if not rules.can_edit_plan(actor, plan):
        raise PermissionDenied(_("Only the planning office of the Ambito may upload the plan's documents."))
    if kind not in PlanFileKind.values:
        raise ValidationError(_("Choose what the document is."), code="kind")
    if kind == PlanFileKind.MINUTES and (meeting is None or meeting.table.plan_id != plan.pk):
        raise ValidationError(_("Minutes belong to a meeting of one of the plan's thematic tables."),
                              code="meeting")
    if kind == PlanFileKind.AGREEMENT:
        meeting = None
    validate_upload(upload, (PDF,))
    name = PurePath(getattr(upload, "name", "") or "documento.pdf").name[:200]
    stored = PlanFile(plan=plan, kind=kind, meeting=meeting, title=title.strip()[:200], original_name=name,
                      size=upload.size, uploaded_by=actor)
    stored.file.save(name, upload, save=False)
    stored.save()
    return stored
