"""Input hygiene at the edges: deep JSON, control characters in addresses and bodies, text-direction
characters in text fields, unknown API query parameters and oversized bodies are all refused with a 4xx and a
message that says what to change, never a 500."""

import json

import pytest
from django.core.cache import cache

from ambito.api.parsers import too_deep
from ambito.core.text import unsafe_characters

DEEP = "[" * 1000 + "]" * 1000
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Mario<RLO>issoR" displays as "MarioRossi" reversed


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def _person(demo, **extra):
    return {"first_name": "Maria", "last_name": "Bianchi", "birth_date": "1950-02-03", "sex": "F",
            "residence_comune": demo.comuni["monza"].istat_code, **extra}


# --- Deep JSON ------------------------------------------------------------------------------------------------


def test_deep_json_on_the_token_endpoint_is_a_400_without_signing_in(client, db):
    response = client.post("/api/v1/token/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "annidato troppo in profondità" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/persons/", "/api/v1/care-plans/", "/api/v1/requests/"])
def test_deep_json_on_api_resources_is_a_400(client_as, path):
    client = client_as("sw.monza")
    response = client.post(path, json.dumps({"first_name": json.loads("[" * 30 + "]" * 30), "x": DEEP}),
                           content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    nested = client.post(path, '{"a": ' + "[" * 33 + "]" * 33 + "}", content_type="application/json")
    assert nested.status_code == 400 and "32" in nested.json()["detail"]


def test_the_depth_is_measured_without_recursion_and_ignores_brackets_in_strings():
    assert not too_deep('{"a": [[1, 2], {"b": "[[[[[[[[[[[[[[["}]}', 3)
    assert too_deep('{"a": [[[1]]]}', 3)
    assert not too_deep('{"a": "\\"[[[[[["}', 1)
    assert too_deep("[" * 100_000, 32)  # long, and not a RecursionError


# --- Control characters in the address --------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/requests/?status=%00", "/api/v1/services/?area=%00",
                                 "/api/v1/comuni/?name=a%01b"])
def test_a_control_character_in_an_api_query_is_a_400(client_as, url):
    response = client_as("sw.monza").get(url)
    assert response.status_code == 400
    assert "caratteri di controllo" in response.json()["detail"]


@pytest.mark.parametrize("url", ["/privacy/richieste/?status=%00", "/rete/?area=%00", "/pua/persone/P-%00/",
                                 "/casi/%00/"])
def test_a_control_character_in_a_page_address_is_a_400_page(client_as, url):
    response = client_as("dpo" if "privacy" in url else "sw.monza").get(url)
    assert response.status_code == 400
    assert "caratteri di controllo (U+0000)" in response.content.decode()


# --- Text fields: control and text-direction characters -------------------------------------------------------


def test_unsafe_characters_are_named_by_code_point():
    assert unsafe_characters(f"Mario{RLO}issoR") == ["U+202E"]
    assert unsafe_characters("two\nlines") == ["U+000A"]
    assert unsafe_characters("two\nlines\tok", multiline=True) == []
    assert unsafe_characters("a\x00b\u2066c\u200fd\x85", multiline=True) == ["U+0000", "U+2066", "U+200F", "U+0085"]
    assert unsafe_characters("Perché è già così — “bene” ‘sì’ € ß ø") == []
    assert unsafe_characters("محمد") == []  # right-to-left letters are text, only the invisible controls go


def test_a_bidi_override_in_a_persons_name_is_refused_by_the_api(client_as, demo):
    client = client_as("sw.monza")
    response = client.post("/api/v1/persons/", _person(demo, first_name=f"Mario{RLO}issoR"),
                           content_type="application/json")
    assert response.status_code == 400
    message = response.json()["first_name"][0]
    assert message == ("Togli i caratteri di controllo o di direzione del testo (U+202E): possono far leggere il "
                       "testo diversamente da come è stato scritto.")


def test_line_breaks_are_refused_in_a_name_but_kept_in_notes(client_as, demo):
    client = client_as("sw.monza")
    name = client.post("/api/v1/persons/", _person(demo, last_name="Bianchi\nRossi"), content_type="application/json")
    assert name.status_code == 400 and "U+000A" in name.json()["last_name"][0]
    notes = client.post("/api/v1/persons/", _person(demo, household_notes="Vive sola.\r\nFiglia a Milano.\tOk"),
                        content_type="application/json")
    assert notes.status_code == 201, notes.content[:300]


def test_control_characters_anywhere_in_a_json_body_are_refused(client_as, demo):
    client = client_as("sw.monza")
    response = client.post("/api/v1/persons/", _person(demo, household_notes="a\u0000b"),
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == ("La richiesta contiene caratteri di controllo (U+0000) in il valore di "
                                         "«household_notes»: toglili.")
    key = client.post("/api/v1/persons/", json.dumps({**_person(demo), "x\u0007": 1}),
                      content_type="application/json")
    assert key.status_code == 400 and "U+0007" in key.json()["detail"]


def test_a_bidi_override_in_a_web_form_is_a_form_error(client_as, demo):
    client = client_as("sw.monza")
    page = client.post("/pua/persone/nuova/", {**_person(demo, first_name=f"Mario{RLO}issoR"),
                                                "residence_comune": demo.comuni["monza"].pk})
    assert page.status_code in (200, 400)
    assert "Togli i caratteri di controllo o di direzione del testo (U+202E)" in page.content.decode()
    from ambito.access.models import Person

    assert not Person.objects.filter(last_name="Bianchi").exists()


def test_form_fields_get_the_check_whenever_they_are_added():
    from django import forms

    from ambito.core.forms import StyledFormMixin

    class Late(StyledFormMixin, forms.Form):
        name = forms.CharField()
        password = forms.CharField(widget=forms.PasswordInput)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["note"] = forms.CharField(widget=forms.Textarea)

    form = Late({"name": f"a{RLO}", "password": f"p{RLO}w", "note": "line\nline\u2066"})
    assert not form.is_valid()
    assert set(form.errors) == {"name", "note"}, "passwords are never shown: left alone"
    assert Late({"name": "ok", "password": "x", "note": "line\nline"}).is_valid()


# --- Unknown query parameters on the API ------------------------------------------------------------------------


def test_an_unknown_query_parameter_is_a_400_listing_the_accepted_ones(client_as):
    client = client_as("planner")
    response = client.get("/api/v1/comuni/?start=2022-01-01")
    assert response.status_code == 400
    body = response.json()
    assert body["unknown"] == ["start"]
    assert body["accepted"] == ["istat_code", "name", "page", "page_size", "province", "year"]
    assert body["detail"].startswith("Parametri non riconosciuti: start. Questa operazione accetta: istat_code")


def test_known_parameters_pagination_and_format_are_accepted(client_as):
    client = client_as("planner")
    assert client.get("/api/v1/comuni/?year=2024&page=1&page_size=5&format=json").status_code == 200
    assert client.get("/api/v1/plans/").status_code == 200


def test_an_operation_without_parameters_accepts_none(client_as, demo):
    client = client_as("sw.monza")
    response = client.get("/api/v1/jobs/00000000-0000-0000-0000-000000000000/?verbose=1")
    assert response.status_code == 400
    assert response.json()["detail"].endswith("Questa operazione non accetta parametri.")


def test_parameters_views_read_are_documented_and_checked(client_as, demo):
    """Filters the views always read (status, referral, waiting_list...) are in the schema, so they are
    accepted, and a malformed one is a 400 that names it, not a 500 from the database."""
    client = client_as("sw.monza")
    for url in ("/api/v1/care-plans/?status=active", "/api/v1/referrals/?status=sent",
                "/api/v1/waiting-list-entries/?waiting_list=1&status=waiting",
                "/api/v1/deliveries/?referral=1&from=2026-01-01&to=2026-12-31"):
        assert client.get(url).status_code == 200, url
    assert client_as("dpo").get("/api/v1/privacy-requests/?status=open").status_code == 200
    assert client_as("planner").get("/api/v1/organisations/?kind=ets").status_code == 200
    wrong = client_as("sw.monza").get("/api/v1/waiting-list-entries/?waiting_list=abc")
    assert wrong.status_code == 400 and "waiting_list" in wrong.json()
    assert client.get("/api/v1/deliveries/?referral=x").status_code == 400


def test_the_schema_documents_the_400_on_every_operation(client_as):
    schema = client_as("planner").get("/api/schema/?format=json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert "400" in operation["responses"], (method, path)


# --- Oversized bodies ---------------------------------------------------------------------------------------


def test_an_oversized_form_is_a_413_page_that_says_the_text_is_still_there(client_as, demo, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    client = client_as("sw.monza")
    response = client.post("/pua/persone/nuova/", {**_person(demo), "household_notes": "x" * 5_000})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Testo troppo lungo" in page and "il testo che hai scritto è ancora nel modulo" in page


def test_an_oversized_api_body_is_a_413_json(client_as, demo, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    response = client_as("sw.monza").post("/api/v1/persons/", _person(demo, household_notes="x" * 5_000),
                                          content_type="application/json")
    assert response.status_code == 413
    assert "troppo grande" in response.json()["detail"]


def test_pages_tell_the_browser_script_the_body_limit(client_as, settings):
    page = client_as("sw.monza").get("/pua/persone/nuova/").content.decode()
    assert f'data-max-body="{settings.DATA_UPLOAD_MAX_MEMORY_SIZE}"' in page
    assert "Non è stato inviato nulla e quello che hai scritto è ancora qui." in page
