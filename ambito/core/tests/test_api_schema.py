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


def test_the_token_is_stored_hashed_and_shown_once(client, demo):
    """Only a hash of the key is kept (django-rest-knox): nothing stored, nor any page or API answer, gives
    the key back; each request for a token gives a new one, with its expiry."""
    from knox.models import AuthToken

    first = client.post("/api/v1/token/", {"username": "planner", "password": "ambito-demo-2026"}).json()
    second = client.post("/api/v1/token/", {"username": "planner", "password": "ambito-demo-2026"}).json()
    assert first["token"] != second["token"] and first["expiry"]
    stored = list(AuthToken.objects.filter(user=demo.users["planner"]).values())
    assert len(stored) == 2
    for row in stored:
        for value in row.values():
            assert str(value) not in (first["token"], second["token"])
    assert {row["token_key"] for row in stored} == {first["token"][:15], second["token"][:15]}
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/token/" in schema and "authtoken" not in schema
    client.force_login(demo.users["planner"])
    for path in ("/api/v1/token/", "/admin/knox/authtoken/", "/admin/authtoken/tokenproxy/"):
        response = client.get(path)
        assert response.status_code in (302, 404, 405) and first["token"] not in response.content.decode()


def test_an_expired_token_no_longer_opens_the_api(client, demo):
    import datetime

    from django.utils import timezone
    from knox.models import AuthToken

    token = client.post("/api/v1/token/", {"username": "planner", "password": "ambito-demo-2026"}).json()["token"]
    AuthToken.objects.filter(user=demo.users["planner"]).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/comuni/", HTTP_AUTHORIZATION=f"Token {token}").status_code in (401, 403)
    assert not AuthToken.objects.filter(user=demo.users["planner"]).exists()  # an expired token is removed
