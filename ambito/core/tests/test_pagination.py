"""``core.pagination.paginate``: the page asked for, read once, in two queries whatever the number of rows; and
the include's links keep every filter of the query string."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from ambito.core.pagination import paginate

pytestmark = pytest.mark.django_db


def test_the_page_asked_for_in_two_queries():
    rows = ContentType.objects.order_by("id")
    total = rows.count()
    request = RequestFactory().get("/", {"page": "2", "stato": "active"})
    with CaptureQueriesContext(connection) as queries:
        page = paginate(request, rows, per_page=5)
        shown = [row.pk for row in page]
    assert len(queries) == 2 and isinstance(page.object_list, list)
    assert shown == [row.pk for row in rows[5:10]]
    assert paginate(RequestFactory().get("/", {"page": "x"}), rows, per_page=5).number == 1
    last = paginate(RequestFactory().get("/", {"page": "999"}), rows, per_page=5)
    assert last.number == last.paginator.num_pages == -(-total // 5)


def test_the_links_keep_the_filters():
    request = RequestFactory().get("/casi/", {"page": "2", "stato": "active", "q": "Rossi"})
    page = paginate(request, ContentType.objects.order_by("id"), per_page=5)
    html = engines["django"].from_string('{% include "core/_pagination.html" %}').render(
        {"page": page}, request)
    assert 'rel="prev" href="?page=1&amp;stato=active&amp;q=Rossi"' in html
    assert 'rel="next" href="?page=3&amp;stato=active&amp;q=Rossi"' in html
    assert "Pagina 2 di" in html
