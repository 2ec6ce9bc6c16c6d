"""Every list of care is paginated, never cut: with 201+ rows the last one is reached through the "next" links,
which keep the filters."""

import copy
import datetime

from django.urls import reverse
from django.utils import timezone

from ambito.care.models import CarePlanStatus, Delivery, Discharge, HealthBudget, Referral, ReferralStatus
from ambito.care.tests.factories import accepted_referral, signed_plan
from ambito.core.tests.paging import query, walk_pages

N = 201


def clones(obj, n, **vary):
    """``n`` unsaved copies of ``obj``, each field in ``vary`` set from its row number; saved in one query."""
    rows = []
    for i in range(n):
        row = copy.copy(obj)
        row._state = copy.copy(obj._state)
        row._state.adding, row._state.fields_cache = True, {}
        row.pk = None
        for name, value in vary.items():
            setattr(row, name, value(i))
        rows.append(row)
    return type(obj).objects.bulk_create(rows)


def test_the_case_list_reaches_its_201st_case_with_the_status_filter_kept(care_demo, client_as):
    plan, _intervention = signed_plan(care_demo)
    clones(plan, N, title=lambda i: f"Caso {i:03d}", start_date=lambda i: plan.start_date - datetime.timedelta(days=i + 1))
    clones(plan, 3, title=lambda i: f"Non attivo {i}", status=lambda i: CarePlanStatus.DRAFT)
    pages, links = walk_pages(client_as("sw.monza"), reverse("care-plan-list") + "?stato=active")
    assert len(pages) == 5 and len(links) == 4  # 202 active plans, 50 a page
    assert all(query(link) == {"stato": "active", "page": str(n)} for n, link in enumerate(links, start=2))
    assert "Caso 200" in pages[-1] and "Caso 200" not in "".join(pages[:-1])  # the oldest: last
    assert all(f"Caso {i:03d}" in "".join(pages) for i in range(N))
    assert "Non attivo" not in "".join(pages)
    assert "Pagina 5 di 5" in pages[-1]


def test_the_health_budget_list_reaches_its_201st_project(care_demo, client_as):
    plan, _intervention = signed_plan(care_demo)
    budget = HealthBudget.objects.create(ambito=plan.ambito, comune=plan.comune, person=plan.person, title="B",
                                         start_date=plan.start_date, end_date=plan.end_date)
    clones(budget, N, title=lambda i: f"Progetto {i:03d}", start_date=lambda i: plan.start_date - datetime.timedelta(days=i + 1))
    pages, links = walk_pages(client_as("sw.monza"), reverse("care-budget-list"))
    assert len(pages) == 5 and [query(link) for link in links] == [{"page": str(n)} for n in range(2, 6)]
    assert "Progetto 200" in pages[-1]


def test_the_provider_inbox_reaches_its_201st_referral_with_the_status_filter_kept(care_demo, client_as):
    referral = accepted_referral(care_demo)
    made = clones(referral, N, status=lambda i: ReferralStatus.ACCEPTED,
                  sent_at=lambda i: referral.sent_at - datetime.timedelta(hours=i + 1))
    clones(referral, 2, status=lambda i: ReferralStatus.SENT)
    pages, links = walk_pages(client_as("ets.operator"), reverse("care-referral-inbox") + "?stato=accepted")
    assert len(pages) == 5 and all(query(link)["stato"] == "accepted" for link in links)
    oldest = f'id="referral-{made[-1].pk}"'  # sent first: the last card
    assert oldest in pages[-1] and oldest not in "".join(pages[:-1])
    assert Referral.objects.filter(status=ReferralStatus.SENT).count() == 2
    assert not any(f'id="referral-{r.pk}"' in page for r in Referral.objects.filter(status=ReferralStatus.SENT)
                   for page in pages)


def test_a_referral_shows_every_delivery_page_by_page(care_demo, client_as):
    referral = accepted_referral(care_demo)
    today = timezone.localdate()
    first = Delivery.objects.create(referral=referral, person=referral.person, comune=referral.comune,
                                    service=referral.service, provider=referral.provider,
                                    delivery_type="home_care_visit", delivered_on=today, hours=1,
                                    operator_name="Operatore 000")
    clones(first, N, operator_name=lambda i: f"Operatore {i + 1:03d}",
           delivered_on=lambda i: today - datetime.timedelta(days=i + 1))
    for client, url in ((client_as("ets.operator"), reverse("care-referral-detail", args=[referral.pk])),
                        (client_as("sw.monza"), reverse("care-plan-detail", args=[referral.care_plan_id]))):
        pages, links = walk_pages(client, url)
        assert len(pages) == 5, url
        assert "Operatore 201" in pages[-1] and "Operatore 201" not in "".join(pages[:-1]), url


def test_the_discharge_list_reaches_its_201st_discharge(care_demo, client_as):
    plan, _intervention = signed_plan(care_demo)
    first = Discharge.objects.create(ambito=plan.ambito, comune=plan.comune, person=plan.person, setting="hospital",
                                     facility="Reparto 000", planned_on=timezone.localdate())
    clones(first, N, facility=lambda i: f"Reparto {i + 1:03d}",
           planned_on=lambda i: timezone.localdate() + datetime.timedelta(days=i + 1))
    pages, links = walk_pages(client_as("sw.monza"), reverse("care-discharge-list"))
    assert len(pages) == 5
    assert "Reparto 201" in pages[-1] and "Reparto 201" not in "".join(pages[:-1])
