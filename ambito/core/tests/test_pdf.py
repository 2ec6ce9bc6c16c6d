"""PDFs fetch nothing but static files: remote addresses and local files outside the static files are refused
before any connection or read, ``data:`` URIs and {% static %} files are laid out."""

import io
import socket

import pytest
import segno
from pypdf import PdfReader

from ambito.core.pdf import render_pdf, static_only_fetcher

TEMPLATE = """{% load static %}<!doctype html><html><head>
<link rel="stylesheet" href="{% static 'core/css/app.css' %}">
<link rel="stylesheet" href="http://example.com/evil.css">
</head><body><h1>Relazione {{ title }}</h1>
<img src="http://example.com/x.png" alt="remote">
<img src="file:///etc/passwd" alt="local file">
<img src="/static/../../../../etc/hostname" alt="escape">
<img src="{% static 'vendor/bootstrap-italia/svg/sprites.svg' %}" alt="static">
<img src="{{ qr }}" alt="data uri">
</body></html>"""


@pytest.fixture
def pdf_template(tmp_path, settings):
    (tmp_path / "probe_pdf.html").write_text(TEMPLATE)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    return "probe_pdf.html"


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network use in a PDF test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_only_static_files_and_data_uris_are_fetched(pdf_template, no_network):
    fetcher = static_only_fetcher()
    qr = segno.make("ambito").png_data_uri(scale=3)
    pdf = render_pdf(pdf_template, {"title": "2026", "qr": qr}, fetcher=fetcher)

    assert pdf.startswith(b"%PDF-")
    assert "Relazione 2026" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert set(fetcher.refused) == {"http://example.com/evil.css", "http://example.com/x.png", "file:///etc/passwd",
                                    "file:///etc/hostname"}
    assert fetcher.served == ["file:///static/core/css/app.css",
                              "file:///static/vendor/bootstrap-italia/svg/sprites.svg"]
    assert no_network == [], "nothing tried to connect"


def test_the_refusals_are_logged_without_failing_the_document(pdf_template, caplog):
    with caplog.at_level("WARNING", logger="ambito.pdf"):
        pdf = render_pdf(pdf_template, {"title": "x", "qr": ""})
    assert pdf.startswith(b"%PDF-")
    assert any("refused to fetch http://example.com/x.png" in r.getMessage() for r in caplog.records)
