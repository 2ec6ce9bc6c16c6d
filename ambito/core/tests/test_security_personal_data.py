"""No personal data in URLs, logs or error pages: routes capture ids only, GET forms take no codice fiscale or
name, every log handler redacts, error pages show a message and a reference."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from ambito.core.log_redaction import redact

ROOT = Path(__file__).resolve().parents[3]
AMBITO = ROOT / "ambito"
PERSONAL = re.compile(r"(codice_fiscale|fiscal|tax_code|\bcf\b|name|email|e_mail|phone|telefono|surname|"
                      r"cognome|nome|birth|nascita|address|indirizzo)", re.IGNORECASE)
CF = "RSSMRA80A01F205X"


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def test_no_route_captures_a_codice_fiscale_a_name_or_an_email():
    routes = list(_walk(get_resolver()))
    assert len(routes) > 50
    captured = []
    for route, entry in routes:
        names = set(re.findall(r"<(?:\w+:)?(\w+)>", route)) | set(re.findall(r"\(\?P<(\w+)>", route))
        captured += [(route, name) for name in names if PERSONAL.search(name)]
        assert not PERSONAL.search(str(entry.pattern).split("<")[0] if "<" in str(entry.pattern) else ""), route
    assert captured == []


def _get_form_fields(text):
    for form in re.findall(r"<form\b[^>]*method=[\"']get[\"'][^>]*>(.*?)</form>", text, re.S | re.I):
        yield from re.findall(r"name=[\"']([\w-]+)[\"']", form)
        yield from re.findall(r"field=form\.(\w+)", form)
        if re.search(r"{{\s*form\s*}}|{%\s*for\s+\w+\s+in\s+form\s*%}", form):
            yield "form (rendered whole: check its fields)"


def test_no_get_form_takes_a_codice_fiscale_or_a_name():
    """A search by codice fiscale or name sent by GET would leave it in the URL, the history and server logs:
    such searches post (e.g. the PUA person search)."""
    fields = {}
    for path in AMBITO.glob("*/templates/**/*.html"):
        for field in _get_form_fields(path.read_text()):
            fields.setdefault(field, []).append(path.name)
    assert fields, "the scan finds the GET filter forms"
    assert [(f, where) for f, where in fields.items() if PERSONAL.search(f)] == []
    person_search = (AMBITO / "access/templates/access/work_queue.html").read_text()
    assert re.search(r'<form method="post" action="{% url \'access-person-search\' %}"', person_search)


def test_the_person_search_ignores_a_codice_fiscale_in_the_query_string(client_as):
    from ambito.accounts.models import AccessLog

    response = client_as("sw.monza").get("/pua/persone/cerca/", {"q": CF})
    assert response.status_code == 200 and f'value="{CF}"' not in response.content.decode()
    assert not AccessLog.objects.filter(purpose="person search").exists(), "nothing was searched"


def test_redaction_patterns():
    line = f"GET /x/{CF}/ by mario.rossi@example.it, tel. +39 333 123 4567 or 039 2372 1; id 12345 at 21:18:09"
    assert redact(line) == "GET /x/[cf]/ by [email], tel. [phone] or [phone]; id 12345 at 21:18:09"
    assert redact(CF.lower()) == "[cf]"


LOG_PROBE = f"""
import django, logging
django.setup()
logging.getLogger("ambito.probe").warning("looked up %s, mail %s", "{CF}", "anna.bianchi@example.it")
try:
    raise ValueError("bad value {CF} tel 3331234567")
except ValueError:
    logging.getLogger("django.request").exception("Internal Server Error: /persone/{CF}/")
logging.getLogger("django.server").info('"GET /cerca/?cf={CF} HTTP/1.1" 200 512')
"""


def test_every_log_record_is_redacted_by_the_configured_handler():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ambito.settings"}
    result = subprocess.run([sys.executable, "-c", LOG_PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    output = result.stderr
    assert "looked up [cf], mail [email]" in output
    assert "Internal Server Error: /persone/[cf]/" in output and "ValueError: bad value [cf] tel [phone]" in output
    assert '"GET /cerca/?cf=[cf] HTTP/1.1" 200 512' in output
    assert CF not in output and "anna.bianchi" not in output and "3331234567" not in output


@pytest.fixture
def production_errors(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


@pytest.mark.urls("ambito.core.tests.error_urls")
def test_the_500_page_shows_a_reference_and_nothing_of_the_exception(production_errors, db, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = production_errors.get("/test-boom/")
    page = response.content.decode()
    assert response.status_code == 500
    reference = re.search(r"<code>([0-9a-f]{12})</code>", page).group(1)
    assert "Si è verificato un errore imprevisto" in page
    for leak in (CF, "mario.rossi", "RuntimeError", "Traceback", "Cannot process", "test-boom"):
        assert leak not in page
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.request.error_reference == reference, "the log record can be matched to the page"


def test_404_and_403_pages_do_not_echo_the_address(production_errors, client_as):
    missing = production_errors.get(f"/persone/{CF}/")
    assert missing.status_code == 404
    assert CF not in missing.content.decode() and "Pagina non trovata" in missing.content.decode()
    denied = client_as("citizen").get("/profilo/sicurezza/due-fattori/")
    assert denied.status_code == 403 and "Accesso negato" in denied.content.decode()
