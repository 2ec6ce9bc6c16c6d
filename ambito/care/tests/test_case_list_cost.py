"""The case list counts each plan's open referrals with a scalar subquery (not a join and GROUP BY over every
referral of the territory): the figure is the same, and the page's queries do not grow with the referrals."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ambito.care import selectors
from ambito.care.models import ReferralStatus
from ambito.care.tests.factories import accepted_referral
from ambito.care.tests.test_pagination import clones


def test_each_plan_counts_only_its_open_referrals(care_demo, django_user_model):
    referral = accepted_referral(care_demo)
    clones(referral, 3, status=lambda i: ReferralStatus.SENT)
    clones(referral, 2, status=lambda i: ReferralStatus.DECLINED)
    actor = django_user_model.objects.get(username="sw.monza")
    plans = {plan.pk: plan for plan in selectors.care_plan_list(actor=actor)}
    assert plans[referral.care_plan_id].open_referrals == 4  # accepted + 3 sent; declined ones are closed
    assert all(plan.open_referrals == 0 for pk, plan in plans.items() if not plan.referrals.exists())


def test_the_case_list_query_count_does_not_grow_with_referrals(care_demo, client_as):
    referral = accepted_referral(care_demo)
    client = client_as("sw.monza")
    url = reverse("care-plan-list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    clones(referral, 60, status=lambda i: ReferralStatus.SENT)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    assert not any("GROUP BY" in query["sql"] and "care_referral" in query["sql"] and "COUNT(*)" in query["sql"]
                   for query in many.captured_queries)
