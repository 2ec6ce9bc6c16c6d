"""Background documents of the Piano di Zona: the full plan as PDF (WeasyPrint) and the budget as XLSX."""

from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _

from ambito.core.jobs import JobOutput, job_handler
from ambito.core.pdf import render_pdf
from ambito.planning import rules
from ambito.planning.budget_xlsx import write_budget_xlsx
from ambito.planning.models import Plan
from ambito.planning.selectors import plan_document_context


def _plan_for(job) -> Plan:
    plan = Plan.objects.select_related("ambito").get(pk=job.params["plan_id"])
    # The job runs later, in a worker: check again that the requester may still read the plan.
    if not rules.can_view_plan(job.requested_by, plan):
        raise PermissionDenied(_("You may not read this plan."))
    return plan


def _filename(plan, extension) -> str:
    return f"piano-di-zona-{plan.ambito.code}-{plan.start_year}-{plan.end_year}-v{plan.current_version}.{extension}"


@job_handler("planning.plan_pdf")
def plan_pdf(job, progress):
    plan = _plan_for(job)
    with translation.override(job.params.get("language", "it")):
        progress(10, _("Reading the plan"))
        context = plan_document_context(plan=plan)
        progress(40, _("Laying out tables and charts"))
        progress(60, _("Writing the PDF"))
        pdf = render_pdf("planning/plan_pdf.html", context)
        return JobOutput(name=_filename(plan, "pdf"), content=pdf,
                         data={"plan": plan.pk, "version": plan.current_version, "bytes": len(pdf)},
                         message=_("The plan is ready to download."))


@job_handler("planning.budget_xlsx")
def budget_xlsx(job, progress):
    plan = _plan_for(job)
    progress(10, _("Reading the budget"))
    content = write_budget_xlsx(plan, progress)
    return JobOutput(name=_filename(plan, "xlsx"), content=content,
                     data={"plan": plan.pk, "years": plan.years},
                     message=_("The budget spreadsheet is ready to download."))


from ambito.planning import jobs_spending  # noqa: E402, F401 - issue 19: the fund report jobs register themselves
