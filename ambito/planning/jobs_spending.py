"""Background jobs of the money loop: the fund report (*rendicontazione*) as XLSX or PDF."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ambito.core.jobs import JobOutput, job_handler
from ambito.planning.fund_report import filename, render_fund_report_pdf, write_fund_report_xlsx
from ambito.planning.models import FundReport
from ambito.planning.selectors import plan_list


@job_handler("planning.fund_report")
def fund_report(job, progress):
    report = FundReport.objects.select_related("ambito").get(pk=job.params["report_id"])
    # The job runs later, in a worker: check again that the requester still reads a plan of the report's Ambito
    # and year, as the page of the plan's fund reports that queued it does.
    if not plan_list(actor=job.requested_by).filter(ambito_id=report.ambito_id, start_year__lte=report.year,
                                                    end_year__gte=report.year).exists():
        raise PermissionDenied(_("You may not read this plan."))
    progress(20, _("Reading the figures of the report"))
    kind = job.params.get("format", "xlsx")
    content = render_fund_report_pdf(report) if kind == "pdf" else write_fund_report_xlsx(report)
    progress(90, _("Writing the file"))
    return JobOutput(name=filename(report, kind), content=content,
                     data={"report": report.pk, "version": report.version, "status": report.status},
                     message=_("The fund report is ready to download."))
