"""The indicator API refuses filters it cannot apply instead of answering as if none had been given."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def observer_client(client, demo_with):
    ctx = demo_with("monitoring")
    client.force_login(ctx.users["observer"])
    return client


def test_an_unknown_area_is_refused_with_the_possible_ones(observer_client):
    response = observer_client.get("/api/v1/indicators/requests_received/values/?area=sociale")
    assert response.status_code == 400
    assert "sociale" in response.json()["detail"]
    assert "anziani" in response.json()["detail"]


@pytest.mark.parametrize("service", ["abc", "²", "99999999999999999999"])
def test_a_service_that_is_not_a_number_is_refused(observer_client, service):
    response = observer_client.get("/api/v1/indicators/hours_delivered/values/", {"service": service})
    assert response.status_code == 400


def test_a_known_area_still_answers(observer_client):
    response = observer_client.get("/api/v1/indicators/requests_received/values/?area=anziani")
    assert response.status_code == 200
