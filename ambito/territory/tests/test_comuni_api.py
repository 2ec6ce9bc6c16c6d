from ambito.territory.services import comune_ensure, population_import
from ambito.territory.tests.test_population_import import full_comune, small_file


def test_it_lists_the_comuni_of_the_callers_ambito_with_indicators(client_as):
    data = client_as("planner").get("/api/v1/comuni/").json()
    monza = next(c for c in data["results"] if c["istat_code"] == "108033")
    assert monza["belfiore_code"] == "F704"
    assert monza["population"]["year"] == 2023
    assert monza["population"]["residents"] == 121799
    assert monza["population"]["share_65_plus"] == "25.1"


def test_a_comune_social_worker_sees_only_its_comune(client_as):
    data = client_as("sw.brugherio").get("/api/v1/comuni/").json()
    assert [c["istat_code"] for c in data["results"]] == ["108012"]


def test_the_year_can_be_chosen(client_as):
    data = client_as("planner").get("/api/v1/comuni/?year=2022").json()
    assert {c["population"]["year"] for c in data["results"]} == {2022}


def test_query_count_is_the_same_for_1_and_50_comuni(client_as, demo, django_assert_num_queries):
    client = client_as("planner")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/comuni/?istat_code=108033")
    extra_codes = ["108001", "108002", "108003", "108004", "108005", "108006", "108007", "108008", "108009"]
    for code in extra_codes:
        comune_ensure(istat_code=code, ambito=demo.ambito)
        population_import(data=small_file(full_comune(code=code, name="X")), source_name=f"{code}.csv")
    client = client_as("planner")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/comuni/")
    assert len(response.json()["results"]) == 12
    assert len(many) == len(few)
