"""PDF documents from Django templates (WeasyPrint) that fetch nothing but the project's static files.

Every PDF of the project goes through :func:`render_pdf` (or :func:`pdf_from_html`): its URL fetcher serves
``data:`` URIs and files found by the staticfiles finders (``{% static %}`` paths), and refuses everything
else — http(s), ftp, any ``file:`` outside the static files — so a template, or data written into one, cannot
make the server read local files or call other hosts. Refused addresses are logged (redacted) and kept on
the fetcher for tests.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger("ambito.pdf")

# Relative links such as "/static/core/css/print.css" resolve against this base: the fetcher maps the
# /static/ prefix to the static files and never reads the path itself from disk.
BASE_URL = "file:///"


class FetchRefused(ValueError):
    pass


def _static_file(url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = unquote(parts.path)
    prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    if not path.startswith(prefix):
        return None
    relative = path[len(prefix):]
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    root = Path(settings.STATIC_ROOT).resolve()
    candidate = (root / relative).resolve()
    if candidate.is_file() and candidate.is_relative_to(root):
        return candidate
    return None


def static_only_fetcher():
    """A WeasyPrint URL fetcher limited to ``data:`` URIs and the static files; ``.refused`` lists the rest."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
            self.refused: list[str] = []
            self.served: list[str] = []

        def fetch(self, url, headers=None):
            if url.lower().startswith("data:"):
                return super().fetch(url, headers)
            path = _static_file(url)
            if path is None:
                self.refused.append(url)
                logger.warning("PDF: refused to fetch %s (only static files and data: URIs)", url[:200])
                raise FetchRefused(f"not a static file: {url[:200]}")
            self.served.append(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher()


def pdf_from_html(html: str, fetcher=None) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or static_only_fetcher()).write_pdf()


def render_pdf(template_name: str, context: dict, fetcher=None) -> bytes:
    """Render ``template_name`` with ``context`` and lay it out as PDF, fetching only static files."""
    return pdf_from_html(render_to_string(template_name, context), fetcher=fetcher)
