"""The regional comparison shows each Ambito's alignment to the Region's objectives (issue 20): the share of the
plan's objectives linked to a regional objective and the budget answering to each, from the planning office's
own ``plan_alignment``."""

from decimal import Decimal

import pytest

from ambito.monitoring.region.selectors import region_comparison
from ambito.planning.models import Plan
from ambito.planning.selectors_partner import plan_alignment

pytestmark = pytest.mark.django_db


def test_the_comparison_shows_each_plans_alignment_to_the_regional_objectives(demo_with, client):
    ctx = demo_with("network", "planning")
    comparison = region_comparison(actor=ctx.users["observer"], year=2022)
    section = comparison.section("alignment")
    rows = {row.code: row for row in section.rows}
    monza = [a.code for a in comparison.ambiti].index("monza")
    alignment = plan_alignment(Plan.objects.get(ambito=ctx.ambito, start_year=2021))
    assert rows["alignment_share"].cells[monza].value == Decimal("75.0")  # 3 objectives of 4
    for row in alignment["rows"]:
        assert rows[f"alignment_{row['objective'].code.lower()}"].cells[monza].value == row["budget"]
    client.force_login(ctx.users["observer"])
    page = client.get("/monitoraggio/regione/", {"anno": 2022}).content.decode()
    assert 'data-section="alignment"' in page and "Integrazione sociosanitaria" in page
