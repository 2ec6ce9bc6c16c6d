"""One figure, one number: a figure shown in two places comes from one definition, and each place shows it."""

from decimal import Decimal

from django.urls import reverse

from ambito.monitoring.indicators import compute, year_period


def test_residents_per_social_worker_is_the_same_on_the_staffing_page_and_the_dashboard(demo_with, client):
    from ambito.core.templatetags.ambito import num
    from ambito.planning.selectors import social_worker_ratio

    ctx = demo_with("network", "planning")
    plan, planner = ctx.plans["2021"], ctx.users["planner"]
    ratio = social_worker_ratio(plan=plan, year=2022)
    comune_ids = set(ctx.ambito.comuni.values_list("pk", flat=True))
    tile = compute("residents_per_social_worker", actor=planner, period=year_period(2022), comune_ids=comune_ids)
    assert ratio.residents_per_worker and tile.total.value == ratio.residents_per_worker
    assert ratio.leps_fte == Decimal("31.00")  # the Comuni's 31, not the cooperative's 2

    client.force_login(planner)
    staffing = client.get(reverse("planning-staffing", args=[plan.pk]), {"anno": 2022}).content.decode()
    dashboard = client.get(reverse("monitoring-dashboard"), {"dal": "2022-01-01", "al": "2022-12-31"}).content.decode()
    shown = num(ratio.residents_per_worker)
    assert shown in staffing
    tile_html = dashboard[dashboard.index('data-indicator="residents_per_social_worker"'):]
    assert shown in tile_html[:tile_html.index("</p>", tile_html.index("tile-value"))]
