"""One figure, one number: the people waiting on a list are counted once, by ``selectors.waiting_list_list``, and
the index, each list's page and the API show that count to everyone who may see the list, whatever entries
they may open (the planning office opens none: its page no longer says "nobody is waiting")."""

import re

import pytest
from django.urls import reverse

from ambito.access.models import EntryStatus, WaitingListEntry

pytestmark = pytest.mark.django_db


def _count(text: str) -> int:
    return int(text.replace(".", "").strip())


def _index_counts(html: str) -> dict[int, int]:
    rows = re.findall(r'href="/pua/liste-attesa/(\d+)/">[^<]*</a></th>\s*<td class="text-end">([\d.]+)</td>', html)
    return {int(pk): _count(n) for pk, n in rows}


def test_every_list_shows_the_same_count_on_the_index_its_page_and_the_api(demo_with, client):
    ctx = demo_with("network", "access")
    truth = {}
    for entry in WaitingListEntry.objects.filter(status=EntryStatus.WAITING).values("waiting_list_id"):
        truth[entry["waiting_list_id"]] = truth.get(entry["waiting_list_id"], 0) + 1
    assert sum(truth.values()) > 0, "the access demo has people waiting"
    fewer_rows_seen = False
    for username in ("planner", "sw.monza", "sw.brugherio"):
        client.force_login(ctx.users[username])
        index = _index_counts(client.get(reverse("access-waiting-lists")).content.decode())
        assert index, username
        api = {row["id"]: row["waiting"] for row in client.get("/api/v1/waiting-lists/").json()["results"]}
        for pk, waiting in index.items():
            assert waiting == truth.get(pk, 0), (username, pk)
            page = client.get(reverse("access-waiting-list", args=[pk])).content.decode()
            shown = int(re.search(r'id="waiting-count" data-waiting="(\d+)"', page).group(1))
            assert shown == waiting, (username, pk)
            assert api[pk] == waiting, (username, pk)
            if waiting:
                assert "Nessuno è in attesa." not in page
                fewer_rows_seen |= "Vede " in page or "Nessuna persona di cui" in page
    assert fewer_rows_seen, "some user opens fewer entries than the list holds, and the page says so"
