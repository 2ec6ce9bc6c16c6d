"""PDF documents of the privacy app (WeasyPrint), laid out from the same dictionaries as the JSON, so the two
never disagree. The renderer fetches nothing but the project's static files: a person's export must not
leak a request to any server."""

import json
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation


class RefusedFetch(ValueError):
    pass


def _static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in getattr(settings, "STATICFILES_DIRS", [])]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT).resolve())
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    return roots


def _is_static(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return False
    path = Path(unquote(parsed.path)).resolve()
    return path.is_file() and any(path.is_relative_to(root) for root in _static_roots())


def static_only_fetcher():
    """A WeasyPrint URL fetcher for ``file:`` URLs inside the static directories, and nothing else."""
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not _is_static(url):
                raise RefusedFetch(f"refused to fetch {url!r}: only static files may be used in documents")
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols={"file"}, fail_on_errors=True)


def render_pdf(template: str, context: dict, language: str = "it") -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=static_only_fetcher()).write_pdf()


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
