import pytest
from django.contrib.auth import get_user_model


def test_anonymous_visitor_sees_the_public_home(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "I servizi sociali e sanitari dell" in response.content.decode()


def test_a_user_without_membership_sees_nothing_of_the_ambito(client, demo):
    stranger = get_user_model().objects.create_user("stranger", password="x-very-long-pass")
    client.force_login(stranger)
    page = client.get("/").content.decode()
    assert "Nessun ruolo assegnato" in page
    assert "/territorio/" not in page
    assert client.get("/territorio/").context["rows"] == []
    assert client.get("/api/v1/comuni/").json()["results"] == []


@pytest.mark.parametrize(
    ("username", "heading"),
    [
        ("planner", "Ufficio di Piano"),
        ("sw.monza", "Assistente sociale"),
        ("sw.brugherio", "Assistente sociale"),
        ("asl.operator", "Operatore del distretto ASL"),
        ("gp", "Medico di medicina generale (MMG)"),
        ("ets.operator", "Operatore di ente erogatore / Terzo Settore"),
        ("observer", "Osservatore regionale"),
        ("admin", "Amministratore"),
    ],
)
def test_each_role_gets_its_own_home_in_italian(client_as, username, heading):
    page = client_as(username).get("/").content.decode()
    assert f">{heading}</h2>" in page


def test_home_page_runs_a_bounded_number_of_queries(client_as, django_assert_max_num_queries):
    client = client_as("planner")
    with django_assert_max_num_queries(10):
        assert client.get("/").status_code == 200


def test_the_header_can_switch_to_english(client_as):
    client = client_as("planner")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert "Planning office (Ufficio di Piano)</h2>" in response.content.decode()
