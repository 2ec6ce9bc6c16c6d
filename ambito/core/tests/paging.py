"""For the pagination tests of every app: follow a list page's "next" links (``core/_pagination.html``) to the
end, as a user would."""

import html
import re
from urllib.parse import parse_qs, urlsplit

NEXT = re.compile(r'<a class="page-link" rel="next" href="([^"]+)"')


def walk_pages(client, url: str, *, max_pages: int = 20) -> tuple[list[str], list[str]]:
    """The HTML of every page of the list at ``url``, and the "next" links followed (as written in the page)."""
    path = urlsplit(url).path
    pages, links = [], []
    while len(pages) < max_pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        text = response.content.decode()
        pages.append(text)
        found = NEXT.search(text)
        if not found:
            break
        link = html.unescape(found.group(1))
        links.append(link)
        url = path + link if link.startswith("?") else link
    return pages, links


def query(link: str) -> dict:
    """The query string of a link, as a dict of single values."""
    return {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
