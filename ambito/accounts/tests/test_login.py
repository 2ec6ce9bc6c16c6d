import pytest


@pytest.fixture
def login_page(client, demo):
    return client


def test_it_signs_in_with_the_right_password(login_page):
    response = login_page.post("/accesso/", {"username": "planner", "password": "ambito-demo-2026"})
    assert response.status_code == 302
    assert response.url == "/"


def test_wrong_username_and_wrong_password_get_the_same_generic_message(login_page):
    unknown = login_page.post("/accesso/", {"username": "nobody", "password": "whatever-1"}).content.decode()
    wrong = login_page.post("/accesso/", {"username": "planner", "password": "whatever-1"}).content.decode()
    message = "Nome utente o password errati."
    assert message in unknown and message in wrong


def test_repeated_failures_lock_the_account(login_page, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_page.post("/accesso/", {"username": "planner", "password": "wrong-password"})
    locked = login_page.post("/accesso/", {"username": "planner", "password": "ambito-demo-2026"})
    assert locked.status_code == 429
    assert "Account temporaneamente bloccato" in locked.content.decode()


def test_pages_carry_a_strict_content_security_policy(login_page):
    policy = login_page.get("/accesso/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
