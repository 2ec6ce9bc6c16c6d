"""Reads of the plan's signed documents and meeting minutes: whoever may read the plan (``plan_list``: its
Ambito's members and the regional observer of its region, as the matrix's ``plan``/``view`` says) sees and
downloads them; nobody else learns they exist."""

from django.db.models import QuerySet

from ambito.planning.models import PlanFile
from ambito.planning.selectors import plan_list


def plan_files(*, actor, plan=None) -> QuerySet:
    qs = PlanFile.objects.filter(plan__in=plan_list(actor=actor)).select_related("meeting", "uploaded_by")
    return qs.filter(plan=plan) if plan is not None else qs


def plan_file_get(*, actor, pk) -> PlanFile | None:
    return plan_files(actor=actor).filter(pk=pk).first()
