"""Background jobs of the monitoring app: the annual report (PDF with WeasyPrint, XLSX with openpyxl) and
the open-data export (CSV in a ZIP with its metadata, or one JSON document)."""

import io
import json
import zipfile

from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from ambito.accounts.models import AccessPurpose
from ambito.accounts.services import job_download_logged
from ambito.core.jobs import JobOutput, job_handler
from ambito.core.tabular import XlsxSheet, write_csv, write_xlsx
from ambito.territory.models import Ambito


@job_handler("monitoring.annual_report")
def annual_report(job, progress):
    from ambito.monitoring.reports import report_content

    ambito = Ambito.objects.get(pk=job.params["ambito"])
    year, fmt = int(job.params["year"]), job.params.get("format", "pdf")
    with translation.override("it"):
        progress(5, _("Reading the indicators"))
        content = report_content(actor=job.requested_by, ambito=ambito, year=year, progress=progress)
        progress(75, _("Writing the document"))
        if fmt == "xlsx":
            data = _xlsx(content)
            name = f"relazione-monitoraggio-{ambito.code}-{year}.xlsx"
        else:
            from ambito.core.pdf import render_pdf

            data = render_pdf("monitoring/report_pdf.html", {"r": content})
            name = f"relazione-monitoraggio-{ambito.code}-{year}.pdf"
        progress(100, _("Done."))
    return JobOutput(name=name, content=data, data={"indicators": len(content.rows), "year": year})


def _number(value):
    """A figure as the spreadsheet keeps it: a whole number (a count of people) as an integer, never 170929.0."""
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def _xlsx(content) -> bytes:
    computed = (_("Indicators computed on %(when)s.") % {"when": date_format(localtime(content.computed_at),
                                                                           "j F Y, H:i")}
                if content.computed_at else _("Indicators computed from the records when this report was written."))
    indicators = [[_("Annual monitoring report"), content.ambito.name, content.year], [computed],
                  [_("Code"), _("Indicator"), _("Unit"), _("Value"), _("Target"), _("Previous year"),
                   _("Target met")]]
    for row in content.rows:
        met = "" if row.met is None else (_("yes") if row.met else _("no"))
        value = _("< 5") if row.suppressed else _number(row.value)
        indicators.append([row.code, row.name, row.unit, value, _number(row.target), _number(row.previous), met])
    if content.spent:
        spending = [[_("Funding source"), _("Planned (€)"), _("Committed (€)"), _("Paid (€)")],
                    *([label, *map(_number, values)] for label, *values in content.spent)]
    else:
        spending = [[_("Funding source"), _("Amount (€)")],
                    *([label, _number(value)] for label, value in content.spending)]
    objectives = [[_("Objective"), _("Indicator"), _("Baseline"), _("Target"), _("Unit")]]
    for objective, lines in content.objectives:
        for name, baseline, target, unit in lines or [("", None, None, "")]:
            objectives.append([str(objective), name, _number(baseline), _number(target), unit])
    measured = [[_("Indicator"), _("Unit"), _("Baseline"), _("Target"), _("Measured"), _("Gap")]]
    for name, unit, baseline, target, value, gap, _met, suppressed in content.measured:
        measured.append([name, unit, _number(baseline), _number(target), None if suppressed else _number(value),
                         _number(gap)])
    n = content.narrative
    narrative = [[_("Introduction"), n.introduction if n else ""],
                 [_("Results achieved"), n.achievements if n else ""],
                 [_("Critical issues"), n.critical_issues if n else ""],
                 [_("Next steps"), n.next_steps if n else ""]]
    return write_xlsx([XlsxSheet(_("Indicators"), indicators, bold_rows=[1, 3]),
                       XlsxSheet(_("Budget by source"), spending), XlsxSheet(_("Plan objectives"), objectives),
                       XlsxSheet(_("Measured against targets"), measured),
                       XlsxSheet(_("Narrative"), narrative)])


@job_handler("monitoring.open_data")
def open_data_export(job, progress):
    from ambito.monitoring.reports import open_data

    ambito = Ambito.objects.get(pk=job.params["ambito"])
    year, fmt = int(job.params["year"]), job.params.get("format", "json")
    with translation.override("it"):
        progress(10, _("Computing the indicators"))
        metadata, rows = open_data(actor=job.requested_by, ambito=ambito, year=year)
        progress(80, _("Writing the files"))
    base = f"indicatori-{ambito.code}-{year}"
    if fmt == "json":
        document = {**metadata, "data": rows}
        content = json.dumps(document, ensure_ascii=False, indent=2).encode()
        return JobOutput(name=f"{base}.json", content=content, data={"rows": len(rows)})
    columns = list(rows[0]) if rows else ["indicator"]
    text = write_csv(([row.get(column) for column in columns] for row in rows), columns, delimiter=",")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{base}.csv", text)
        archive.writestr(f"{base}.metadata.json", json.dumps(metadata, ensure_ascii=False, indent=2))
    return JobOutput(name=f"{base}.zip", content=buffer.getvalue(), data={"rows": len(rows)})


# Pseudonymised person-level rows: every download of the file is written to the access log.
@job_handler("monitoring.siuss", on_download=job_download_logged(purpose=AccessPurpose.REPORTING))
def siuss_export(job, progress):
    """A Comune's SIUSS file (PS-PSA, SINA or SINBA) in the INPS XML layout, validated against the XSD in
    ``monitoring/siuss/schemas`` before it is stored: a file that does not validate is never offered."""
    from ambito.accounts.models import AccessAction
    from ambito.accounts.services import access_log_record
    from ambito.monitoring.siuss import flows, rules
    from ambito.territory.models import Comune

    flow, year = job.params["flow"], int(job.params["year"])
    comune = Comune.objects.select_related("ambito").get(pk=job.params["comune"])
    if not rules.can_produce(job.requested_by, comune):
        raise PermissionError("not the Comune's SIUSS officer")
    with translation.override("it"):
        progress(5, _("Reading the records"))
        content, written, left_out = flows.write_xml(comune, year, flow, partial=job.params.get("partial", False))
    access_log_record(actor=job.requested_by, record=job, action=AccessAction.EXPORT,
                      purpose=f"SIUSS {flow.upper()} {comune.istat_code} {year}")
    name = f"siuss-{flow}-{comune.istat_code}-{year}.xml"
    return JobOutput(name=name, content=content, data={"rows": written, "left_out": left_out, "flow": flow,
                                                       "year": year})


@job_handler("monitoring.indicator_refresh")
def indicator_refresh(job, progress):
    """Recompute and store an Ambito's indicator values (``monitoring.materialise``): aggregates only."""
    from ambito.monitoring.materialise import indicator_cells_refresh

    ambito = Ambito.objects.get(pk=job.params["ambito"])
    with translation.override("it"):
        progress(2, _("Recomputing the indicators"))
        stored = indicator_cells_refresh(ambito=ambito, progress=progress)
    return JobOutput(data={"cells": stored}, message=_("Indicators recomputed: %(n)s values stored.") % {"n": stored})
