"""PDF documents of the privacy app (WeasyPrint), laid out from the same dictionaries as the JSON, so the two
never disagree. The renderer fetches nothing but the project's static files: a person's export must not
leak a request to any server."""

import json

from django.utils import translation

from ambito.core import pdf as core_pdf


def render_pdf(template: str, context: dict, language: str = "it", fetcher=None) -> bytes:
    """Lay out ``template`` with ``core.pdf`` (static files and ``data:`` URIs only)."""
    with translation.override(language):
        return core_pdf.render_pdf(template, context, fetcher=fetcher)


def render_json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False, default=str).encode()


def export_context(document: dict) -> dict:
    """The export laid out for reading: each record as (label, value) pairs; empty sources named once."""
    sources, empty = [], []
    for source in document["sources"]:
        if not source["records"]:
            empty.append(source["name"])
            continue
        labels = [(f["name"], f["label"]) for f in source["fields"] if f["name"] != "id"]
        sources.append({**source, "records": [[(label, record.get(name)) for name, label in labels]
                                              for record in source["records"]]})
    return {"doc": document, "sources": sources, "empty_sources": empty}
