"""The annual report reads recorded spending: committed and paid by funding source beside the approved plan's
figures, in the content, the PDF and the XLSX, equal to the commitments and payments recorded."""

from decimal import Decimal

from django.db.models import Sum
from openpyxl import load_workbook

from ambito.monitoring.jobs import _xlsx as report_xlsx
from ambito.monitoring.reports import report_content
from ambito.planning.models import Commitment, Payment, PaymentStage

YEAR = 2022


def test_the_annual_report_shows_committed_and_paid_by_source(demo_with, tmp_path):
    ctx = demo_with("network", "planning")
    content = report_content(actor=ctx.users["planner"], ambito=ctx.ambito, year=YEAR)
    committed = Commitment.objects.filter(year=YEAR, intervention__plan__ambito=ctx.ambito)
    paid = Payment.objects.filter(stage=PaymentStage.PAID, commitment__in=committed)
    assert committed.exists() and paid.exists(), "the demo records 2022's spending"
    assert content.spent, "spending by source is in the report"
    total_committed = sum((row[2] or Decimal(0) for row in content.spent), Decimal(0))
    total_paid = sum((row[3] or Decimal(0) for row in content.spent), Decimal(0))
    assert total_committed == committed.aggregate(s=Sum("amount"))["s"]
    assert total_paid == paid.aggregate(s=Sum("amount"))["s"]

    path = tmp_path / "report.xlsx"
    path.write_bytes(report_xlsx(content))
    sheet = next(ws for ws in load_workbook(path, read_only=True).worksheets if ws.max_column >= 4
                 and ws.cell(1, 3).value in ("Impegnato (€)", "Committed (€)"))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert round(sum(Decimal(str(r[2] or 0)) for r in rows), 2) == total_committed
