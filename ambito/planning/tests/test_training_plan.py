"""The training plan (seeds 002 and 004): courses for the social workers of the Comuni and of the Third
Sector and for the health operators, with attendance and hours, beside supervision."""

from decimal import Decimal

from django.urls import reverse

from ambito.planning.models import Plan
from ambito.planning.selectors import training_by_employer


def test_the_training_plan_counts_people_courses_and_hours_by_employer(pdz, client):
    plan = Plan.objects.get(ambito=pdz.ambito, start_year=2021)
    rows = {row["kind"]: row for row in training_by_employer(plan=plan, year=2022)}
    assert set(rows) == {"comune", "ets", "health_authority"}
    # 2022: "La valutazione multidimensionale" (8 h, the 3 social workers), the Budget di salute (12 h, everyone)
    # and P.I.P.P.I. (16 h, social workers and the Third Sector)
    assert (rows["comune"]["people"], rows["comune"]["courses"], rows["comune"]["hours"]) == (3, 3, Decimal("108.0"))
    assert (rows["ets"]["people"], rows["ets"]["courses"], rows["ets"]["hours"]) == (3, 2, Decimal("84.0"))
    assert (rows["health_authority"]["people"], rows["health_authority"]["hours"]) == (2, Decimal("24.0"))
    client.force_login(pdz.users["planner"])
    page = client.get(reverse("planning-staffing", args=[plan.pk]), {"anno": 2022}).content.decode()
    assert 'id="training-table"' in page and 'data-kind="ets"' in page
