from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ambito.monitoring.tests import factories


@pytest.fixture
def api_as(client):
    def sign_in(user):
        client.logout()
        client.force_login(user)
        return client

    return sign_in


def test_the_definitions_list_names_each_indicator_by_its_code(world, api_as):
    data = api_as(world.users["t.planner"]).get("/api/v1/indicators/").json()
    codes = {item["code"] for item in data["results"]}
    assert {"waiting_days_median", "residents", "satisfaction_mean", "hours_delivered"} <= codes
    first = data["results"][0]
    assert set(first) == {"code", "name", "unit", "formula", "source", "breakdowns", "direction", "target"}


def test_the_api_needs_an_account(client, world):
    assert client.get("/api/v1/indicators/").status_code in (401, 403)
    assert client.get("/api/v1/indicators/residents/values/").status_code in (401, 403)


def test_values_have_exactly_code_unit_computed_at_and_key_value_target(world, api_as):
    response = api_as(world.users["t.planner"]).get(
        "/api/v1/indicators/share_65_plus/values/?from=2024-01-01&to=2024-12-31&by=comune")
    assert response.status_code == 200
    # nothing stored for this period: computed for this request (computed_at null)
    assert response.json() == {"code": "share_65_plus", "unit": "percent", "computed_at": None, "values": [
        {"key": "999001", "value": "23.1", "target": None},
        {"key": "999002", "value": "16.7", "target": None},
    ]}


def test_no_data_is_null_never_zero(world, api_as):
    data = api_as(world.users["t.planner"]).get(
        "/api/v1/indicators/residents/values/?from=2020-01-01&to=2020-12-31").json()
    assert data["values"] == [{"key": "total", "value": None, "target": None}]


@pytest.mark.parametrize("query", ["from=2024-12-31&to=2024-01-01", "from=2024-02-30&to=2024-03-01",
                                   "from=2099-01-01&to=2099-12-31", "from=1990-01-01&to=1990-12-31",
                                   "from=2024-01-01", "from=2024-01-01&to=2024-12-31&by=service"])
def test_impossible_periods_and_breakdowns_are_refused_with_a_message(world, api_as, query):
    response = api_as(world.users["t.planner"]).get(f"/api/v1/indicators/share_65_plus/values/?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_an_unknown_indicator_is_404(world, api_as):
    assert api_as(world.users["t.planner"]).get("/api/v1/indicators/nope/values/").status_code == 404


@pytest.mark.parametrize("by", ["", "comune", "service", "area", "month", "quarter", "year", "sex", "age_band"])
def test_a_regional_observer_never_reaches_person_level_data_through_any_breakdown(world, api_as, by):
    svc = factories.service(world, "s1", target_wait_days=30)
    factories.admitted(world, svc, days=12)  # one person: every cell about them is a cell of one
    observer = api_as(world.users["t.observer"])
    for item in observer.get("/api/v1/indicators/?page_size=100").json()["results"]:
        if by and by not in item["breakdowns"]:
            continue
        data = observer.get(f"/api/v1/indicators/{item['code']}/values/?from=2025-01-01&to=2025-12-31&by={by}")
        assert data.status_code == 200
        if item["code"] in ("waiting_days_median", "waiting_days_p90", "persons_admitted_per_1000",
                            "requests_received"):
            assert all(v["value"] is None for v in data.json()["values"]), (item["code"], by, data.json())


def test_a_social_worker_sees_the_cell_of_its_own_person(world, api_as):
    svc = factories.service(world, "s1", target_wait_days=30)
    factories.admitted(world, svc, days=12)
    data = api_as(world.users["t.sw"]).get(
        "/api/v1/indicators/waiting_days_median/values/?from=2025-01-01&to=2025-12-31&by=service").json()
    assert data["values"] == [{"key": str(svc.pk), "value": "12.0", "target": "30"}]


def _values_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_values_by_service_take_the_same_queries_for_1_and_50_services(world, api_as):
    client = api_as(world.users["t.sw"])
    url = "/api/v1/indicators/waiting_days_median/values/?from=2025-01-01&to=2025-12-31&by=service"
    csv_url = "/monitoraggio/indicatori/waiting_days_median.csv?dal=2025-01-01&al=2025-12-31&by=service"
    factories.admitted(world, factories.service(world, "s0"), days=3)
    one, one_csv = _values_queries(client, url), _values_queries(client, csv_url)
    for n in range(1, 50):
        factories.admitted(world, factories.service(world, f"s{n}"), days=n)
    fifty, fifty_csv = _values_queries(client, url), _values_queries(client, csv_url)
    assert len(client.get(url).json()["values"]) == 50
    assert one == fifty and one_csv == fifty_csv


def test_report_and_open_data_jobs_return_the_same_job_while_running(world, api_as,
                                                                      django_capture_on_commit_callbacks):
    client = api_as(world.users["t.planner"])
    with django_capture_on_commit_callbacks():
        first = client.post("/api/v1/monitoring/reports/", {"year": 2025, "format": "pdf"})
        second = client.post("/api/v1/monitoring/reports/", {"year": 2025, "format": "pdf"})
        xlsx = client.post("/api/v1/monitoring/reports/", {"year": 2025, "format": "xlsx"})
        data = client.post("/api/v1/monitoring/open-data/", {"year": 2025, "format": "json"})
    assert first.status_code == 202
    assert first.json()["id"] == second.json()["id"] != xlsx.json()["id"]
    assert data.json()["status"] == "queued" and data.json()["status_url"]
    assert client.post("/api/v1/monitoring/reports/", {"year": 2025, "format": "doc"}).status_code == 400


def test_a_social_worker_cannot_start_the_report(world, api_as):
    assert api_as(world.users["t.sw"]).post("/api/v1/monitoring/reports/", {"year": 2025}).status_code == 403


def test_decimal_values_are_strings(world, api_as):
    data = api_as(world.users["t.planner"]).get(
        "/api/v1/indicators/residents/values/?from=2024-01-01&to=2024-12-31").json()
    assert data["values"][0]["value"] == str(Decimal("445"))


def test_a_filter_the_indicator_does_not_have_is_refused(world, api_as):
    response = api_as(world.users["t.planner"]).get("/api/v1/indicators/residents/values/?area=anziani")
    assert response.status_code == 400
