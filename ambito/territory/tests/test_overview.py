def test_the_territory_page_shows_each_comune_and_the_ambito_total(client_as):
    response = client_as("planner").get("/territorio/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Monza" in page and "Brugherio" in page and "Villasanta" in page
    assert "170.929" in page  # 121,799 + 34,999 + 14,131 residents at 1 January 2023
    assert 'data-chart="pyramid-data"' in page and 'id="pyramid-table"' in page


def test_the_year_filter_swaps_the_table_with_htmx(client_as):
    response = client_as("planner").get("/territorio/?anno=2022", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert "170.922" in page  # 121,984 + 34,870 + 14,068 residents at 1 January 2022


def test_the_page_runs_a_bounded_number_of_queries(client_as, django_assert_max_num_queries):
    client = client_as("planner")
    with django_assert_max_num_queries(12):
        client.get("/territorio/")


def test_anonymous_users_are_sent_to_sign_in(client, db):
    response = client.get("/territorio/")
    assert response.status_code == 302 and "/accesso/" in response.url
