"""API: organisations, services (directory filters), info-points, HSDS; edits with the same permissions."""

import pytest
from django.urls import reverse

from ambito.accounts.models import AccessAction, AccessLog
from ambito.network.models import Service

LISTS = ["api-organisation-list", "api-service-list", "api-info-point-list"]


def test_lists_need_authentication(demo_with, client):
    demo_with("network")
    for name in LISTS:
        assert client.get(reverse(name)).status_code in (401, 403), name


def test_services_are_filtered_like_the_directory(demo_with, client_as):
    demo = demo_with("network")
    client = client_as("citizen")
    data = client.get(reverse("api-service-list"), {"comune": "108012", "area": "anziani", "q": "domiciliare"}).json()
    names = [row["name"] for row in data["results"]]
    assert demo.services["sad_brugherio"].name in names
    assert demo.services["sad_monza"].name not in names
    assert all("108012" in row["comuni"] for row in data["results"])
    assert client.get(reverse("api-service-list"), {"area": "nonsense"}).status_code == 400


def test_organisations_carry_runts_and_accreditation(demo_with, client_as):
    demo_with("network")
    rows = client_as("observer").get(reverse("api-organisation-list"), {"kind": "ets"}).json()["results"]
    ponte = next(r for r in rows if r["name"] == "Cooperativa Sociale Il Ponte")
    assert ponte["profile"]["runts_section"] == "d" and ponte["profile"]["accreditation_status"] == "accredited"
    assert ponte["service_count"] >= 3


def test_info_points_show_who_staffs_them(demo_with, client_as):
    demo_with("network")
    rows = client_as("gp").get(reverse("api-info-point-list")).json()["results"]
    assert rows[0]["staffed_by"] == ["ASST Monza", "Associazione Insieme contro il Cancro ODV"]
    assert rows[0]["schedules"]


PATCH_ADI = {"planner": True, "ets.operator": False, "sw.monza": False, "sw.brugherio": False,
             "asl.operator": False, "gp": False, "observer": False, "admin": False, "citizen": False}


def test_patch_follows_the_edit_rules_for_every_persona(demo_with, client):
    demo = demo_with("network")
    service = demo.services["adi"]
    for username, allowed in PATCH_ADI.items():
        client.force_login(demo.users[username])
        service.refresh_from_db()
        phone = f"039 555 {username}"
        response = client.patch(reverse("api-service-detail", args=[service.pk]),
                                {"version": service.version, "phone": phone}, content_type="application/json")
        service.refresh_from_db()
        if allowed:
            assert response.status_code == 200 and response.json()["phone"] == phone, username
        else:
            assert response.status_code == 403 and service.phone != phone, username
            assert AccessLog.objects.filter(action=AccessAction.DENIED, user=demo.users[username]).exists()


def test_a_stale_patch_is_refused(demo_with, client_as):
    demo = demo_with("network")
    client = client_as("ets.operator")
    url = reverse("api-service-detail", args=[demo.services["school"].pk])
    assert client.patch(url, {"version": 1, "phone": "1"}, content_type="application/json").status_code == 200
    assert client.patch(url, {"version": 1, "phone": "2"}, content_type="application/json").status_code == 400


def _add_services(demo, n):
    base = demo.services["sad_monza"]
    created = Service.objects.bulk_create([
        Service(ambito=base.ambito, provider=base.provider, name=f"Servizio {i:03}", service_type="sad",
                area="anziani", target_groups=["anziani"])
        for i in range(n)
    ])
    Service.comuni.through.objects.bulk_create(
        Service.comuni.through(service_id=s.pk, comune_id=demo.comuni["monza"].pk) for s in created
    )


@pytest.mark.parametrize("name", LISTS)
def test_list_queries_are_the_same_for_1_and_50_rows(demo_with, client_as, django_assert_num_queries, name):
    demo = demo_with("network")
    client = client_as("citizen")
    url = reverse(name)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url, {"page_size": 200})
    _add_services(demo, 50)
    with django_assert_num_queries(len(few)):
        client.get(url, {"page_size": 200})
