"""The fund report (*rendicontazione*) of one fund and year as XLSX and PDF, from the figures a report holds
(frozen on submission). No regional template was found to copy cell by cell (Lombardy's "Linee guida per la
gestione del flusso FNPS" ask for a preventivo and a consuntivo by area and service objective, without a
published sheet), so the layout is our own and names every quantity: sheet "Rendiconto" (the quantities of
``FUND_REPORT_QUANTITIES`` in that order), "Interventi" (planned, committed, liquidated, paid by intervention),
"LEPS" (the same by LEPS; an intervention serving several LEPS counts under each), "Legenda" (what each
quantity is)."""

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from ambito.core.pdf import render_pdf
from ambito.core.tabular import XlsxSheet, write_xlsx

EURO_FORMAT = '#,##0.00 "€"'
AMOUNTS = ("planned", "committed", "liquidated", "paid")


def _amount(text) -> Decimal:
    return Decimal(text)


def filename(report, extension: str) -> str:
    return f"rendiconto-{report.source}-{report.year}-{report.ambito.code}-v{report.version}.{extension}"


def _labels():
    return {"planned": _("Planned"), "committed": _("Committed"), "liquidated": _("Liquidated"), "paid": _("Paid")}


def write_fund_report_xlsx(report) -> bytes:
    content = report.content
    with translation.override("it"):
        labels = _labels()
        quantities = dict(content["quantities"])
        head = [[_("Ambito"), content["ambito"]], [_("Fund"), content["source_label"]], [_("Year"), content["year"]],
                [_("Version"), report.version], [_("Status"), report.get_status_display()],
                [_("Allocation act"), content.get("allocation_act", "")],
                [_("Plans"), "; ".join(f"{p['title']} v{p['version']}" for p in content["plans"])]]
        if report.reason:
            head.append([_("Reason for the correction"), report.reason])
        summary = [*head, [], [_("Quantity"), _("Amount (€)")]]
        header_row = len(summary)
        summary += [[quantities[key], _amount(content["totals"][key])] for key, _label in content["quantities"]]
        interventions = [[_("Code"), _("Intervention"), _("Area"), _("LEPS"), *labels.values()]]
        interventions += [[r["code"], r["title"], r["area"], ", ".join(r["leps"]), *[_amount(r[k]) for k in AMOUNTS]]
                          for r in content["interventions"]]
        interventions.append([_("Total"), "", "", "", *[_amount(content["totals"][k]) for k in AMOUNTS]])
        leps = [[_("LEPS"), _("Description"), *labels.values()]]
        leps += [[r["leps"], r["label"], *[_amount(r[k]) for k in AMOUNTS]] for r in content["leps"]]
        legend = [[_("Quantity"), _("What it is")], *[[key, label] for key, label in content["quantities"]]]
        return write_xlsx([
            XlsxSheet("Rendiconto", summary, bold_rows=[header_row], number_formats={2: EURO_FORMAT},
                      widths={1: 70, 2: 20}),
            XlsxSheet("Interventi", interventions, bold_rows=[1, len(interventions)],
                      number_formats=dict.fromkeys(range(5, 9), EURO_FORMAT), widths={2: 50, 4: 30},
                      freeze_panes="A2"),
            XlsxSheet("LEPS", leps, bold_rows=[1], number_formats=dict.fromkeys(range(3, 7), EURO_FORMAT),
                      widths={2: 50}),
            XlsxSheet("Legenda", legend, bold_rows=[1], widths={1: 16, 2: 90}),
        ])


def render_fund_report_pdf(report) -> bytes:
    content = report.content
    with translation.override("it"):
        totals = {k: _amount(v) for k, v in content["totals"].items()}
        quantities = [{"key": k, "label": label, "amount": totals[k]} for k, label in content["quantities"]]
        rows = [{**r, **{k: _amount(r[k]) for k in AMOUNTS}} for r in content["interventions"]]
        leps = [{**r, **{k: _amount(r[k]) for k in AMOUNTS}} for r in content["leps"]]
        return render_pdf("planning/fund_report_pdf.html", {
            "report": report, "content": content, "quantities": quantities, "rows": rows, "leps": leps,
            "totals": totals})
