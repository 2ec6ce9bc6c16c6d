def test_openapi_schema_and_docs_are_served(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/comuni/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_the_api_refuses_anonymous_callers(client, db):
    assert client.get("/api/v1/comuni/").status_code in (401, 403)


def test_a_token_is_issued_for_valid_credentials_only(client, demo):
    ok = client.post("/api/v1/token/", {"username": "planner", "password": "ambito-demo-2026"})
    assert ok.status_code == 200
    token = ok.json()["token"]
    assert client.post("/api/v1/token/", {"username": "planner", "password": "wrong"}).status_code == 400
    response = client.get("/api/v1/comuni/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert {c["istat_code"] for c in response.json()["results"]} == {"108033", "108012", "108049"}
