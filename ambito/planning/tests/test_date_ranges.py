"""Dates far outside sense are refused on the plan's pages with the allowed range: an Accordo signed in 1990, a
co-programming meeting in 2099; sensible dates still pass."""

import pytest
from django.utils import timezone

from ambito.core.validators import DEFAULT, PAST_ONLY
from ambito.planning import services
from ambito.planning.models import Meeting


def _range(rule) -> str:
    low, high = rule.bounds()
    return f"La data deve essere tra il {low:%d/%m/%Y} e il {high:%d/%m/%Y}."


@pytest.fixture
def coprogramming(planner, plan):
    return services.plan_transition(actor=planner, plan=plan, action="start_coprogramming")


def test_an_accordo_signed_in_1990_is_refused_with_the_range(client_as, planner, coprogramming):
    plan = services.plan_transition(actor=planner, plan=coprogramming, action="open_consultation")
    services.party_add(actor=planner, plan=plan, organisation=plan.ambito.organisations.get(name="Comune di Monza"))
    party = plan.parties.get()
    client = client_as("planner")
    url = f"/piano/accordo/parti/{party.pk}/firma/"
    for day in ("1990-05-01", "2099-01-01"):
        page = client.post(url, {"signatory": "Il Sindaco", "signed_on": day}, follow=True).content.decode()
        assert _range(PAST_ONLY) in page, day
    party.refresh_from_db()
    assert party.signed_on is None
    client.post(url, {"signatory": "Il Sindaco", "signed_on": timezone.localdate().isoformat()})
    party.refresh_from_db()
    assert party.signed_on == timezone.localdate()


def test_a_meeting_in_2099_is_refused_with_the_range(client_as, demo, coprogramming):
    table = services.table_create(actor=demo.users["planner"], plan=coprogramming, name="Tavolo anziani",
                                  participants=[demo.organisations["coop_ponte"]])
    client = client_as("planner")
    url = f"/piano/tavoli/{table.pk}/incontri/"
    page = client.post(url, {"date": "2099-02-12", "people_present": "3"}, follow=True).content.decode()
    assert _range(DEFAULT) in page and "Indica almeno la data" not in page
    assert not Meeting.objects.filter(table=table).exists()
    assert "Indica almeno la data" in client.post(url, {"people_present": "3"}, follow=True).content.decode()
    client.post(url, {"date": timezone.localdate().isoformat(), "people_present": "3"})
    assert Meeting.objects.filter(table=table).count() == 1
