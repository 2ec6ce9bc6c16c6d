"""The API's referral list serialises a page with one serializer per side (case team, provider) while each
row is still decided by its own permission check: rows keep their order and read as ``referral_data`` does."""

from ambito.care import api
from ambito.care.models import ReferralStatus
from ambito.care.tests.factories import accepted_referral
from ambito.care.tests.test_pagination import clones


def test_a_mixed_page_keeps_its_order_and_each_row_its_own_view(care_demo, monkeypatch):
    referral = accepted_referral(care_demo)
    page = [referral, *clones(referral, 4, status=lambda i: ReferralStatus.SENT)]
    case_side = {page[0].pk, page[2].pk, page[3].pk}  # the others read as a provider would
    monkeypatch.setattr(api.rules, "can_view_referral_case", lambda user, r: r.pk in case_side)
    user = care_demo.users["sw.monza"]
    rows = api.referral_rows(user, page)
    assert rows == [api.referral_data(user, r) for r in page]
    assert [row["id"] for row in rows] == [r.pk for r in page]
    assert ["care_plan" in row for row in rows] == [True, False, True, True, False]
