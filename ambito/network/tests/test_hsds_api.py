"""The HSDS 3.0 API at /api/v1/hsds/: public (signed out), HSDS's page object, the directory's rules (only
active services; nothing of an import waiting for review), capacity and wait in HSDS fields."""

import pytest

from ambito.network.hsds import schema_errors
from ambito.network.models import Service
from ambito.network.services import hsds_import_stage

PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


@pytest.fixture
def catalogue(demo_with):
    return demo_with("network")


def test_the_root_answers_version_and_profile(catalogue, client):
    data = client.get("/api/v1/hsds/").json()
    assert data["version"] == "3.0"
    assert data["profile"].endswith("/api/v1/hsds/profile/")
    profile = client.get(data["profile"]).json()
    assert "service_areas" in profile["owned_fields"]["service"]
    openapi = client.get(data["openapi_url"])
    assert openapi.status_code == 200 and "/service_at_locations" in openapi.json()["paths"]


def test_a_signed_out_client_pages_through_services(catalogue, client):
    active = Service.objects.filter(active=True).count()
    seen, page = [], 1
    while True:
        response = client.get("/api/v1/hsds/services", {"page": page, "per_page": 10})
        assert response.status_code == 200
        data = response.json()
        assert set(data) == PAGE_KEYS
        assert data["total_items"] == active and data["total_pages"] == -(-active // 10)
        assert data["page_number"] == page and data["size"] == len(data["contents"])
        assert data["first_page"] == (page == 1) and data["empty"] is False
        seen += [s["id"] for s in data["contents"]]
        if data["last_page"]:
            break
        page += 1
    assert len(seen) == len(set(seen)) == active
    assert all(not isinstance(v, list | dict) for s in data["contents"] for v in s.values())  # list shape
    beyond = client.get("/api/v1/hsds/services/", {"page": page + 1, "per_page": 10}).json()
    assert beyond["contents"] == [] and beyond["size"] == 0


def test_one_service_in_full_with_capacity_and_wait_in_hsds_fields(catalogue, client):
    service = catalogue.services["sad_monza"]
    Service.objects.filter(pk=service.pk).update(vacancies=4, estimated_wait_days=21)
    document = client.get(f"/api/v1/hsds/services/{service.hsds_id}").json()
    assert schema_errors(document, 1) == []
    assert document["wait_time"] == "P21D"
    assert document["capacities"][0]["maximum"] == 600 and document["capacities"][0]["available"] == 4
    assert document["capacities"][0]["unit"]["identifier"] == "hours_week"
    assert not any(k in document for k in ("x_ambito_capacity", "x_ambito_vacancies", "x_ambito_estimated_wait_days"))
    assert {a["extent_type"] for a in document["service_areas"]} == {"text"}
    assert client.get(f"/api/v1/hsds/services/{service.hsds_id}/").status_code == 200


def test_the_directory_rules_apply(catalogue, client):
    hidden = catalogue.services["cdd"]
    Service.objects.filter(pk=hidden.pk).update(active=False)
    assert client.get(f"/api/v1/hsds/services/{hidden.hsds_id}").status_code == 404
    ids = {s["id"] for s in client.get("/api/v1/hsds/services", {"per_page": 200}).json()["contents"]}
    assert str(hidden.hsds_id) not in ids
    # an import waiting for review is nowhere
    from ambito.network.hsds import export_documents

    pending = export_documents()[0]
    pending.update(id="7d1b6f2e-3c54-4b8e-9a55-0c1d2e3f4a5b", name="Servizio in attesa di revisione")
    hsds_import_stage(actor=None, ambito=catalogue.ambito, documents=[pending], source_name="x.json")
    names = {s["name"] for s in client.get("/api/v1/hsds/services", {"per_page": 200}).json()["contents"]}
    assert "Servizio in attesa di revisione" not in names
    assert client.get("/api/v1/hsds/services/not-a-uuid/").status_code == 404


def test_search_organizations_taxonomies_and_places(catalogue, client):
    found = client.get("/api/v1/hsds/services", {"search": "badante", "full": "true"}).json()
    assert "Assistenza domiciliare (SAD) — Monza" in {s["name"] for s in found["contents"]}
    assert all("organization" in s for s in found["contents"])
    organizations = client.get("/api/v1/hsds/organizations").json()
    assert organizations["total_items"] >= 5 and set(organizations) == PAGE_KEYS
    first = organizations["contents"][0]
    assert client.get(f"/api/v1/hsds/organizations/{first['id']}").json()["name"] == first["name"]
    taxonomies = client.get("/api/v1/hsds/taxonomies").json()
    nomenclatore = taxonomies["contents"][0]
    terms = client.get("/api/v1/hsds/taxonomy_terms", {"taxonomy_id": nomenclatore["id"], "top_only": "true"}).json()
    assert terms["total_items"] > 0 and all(not t.get("parent_id") for t in terms["contents"])
    places = client.get("/api/v1/hsds/service_at_locations", {"full": "true"}).json()
    sal = places["contents"][0]
    assert sal["location"]["id"] == sal["location_id"]
    assert client.get(f"/api/v1/hsds/service_at_locations/{sal['id']}").json()["id"] == sal["id"]
