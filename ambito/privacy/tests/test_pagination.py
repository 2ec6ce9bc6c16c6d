"""The DPO's lists are paginated, never cut at 200: the requests (with the status filter kept in the links) and
a person's change history reach their 201st row."""

import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from ambito.access.models import Person
from ambito.core.tests.paging import query, walk_pages
from ambito.privacy.models import PrivacyRequest
from ambito.privacy.tests.conftest import make_subject

N = 201


def test_the_request_list_reaches_its_201st_request_with_the_status_filter_kept(world, client_as):
    person = make_subject(world, full=False)
    now = timezone.now()
    PrivacyRequest.objects.bulk_create(
        PrivacyRequest(ambito=world.ambito, person=person, kind="access", status="received",
                       received_at=now - datetime.timedelta(days=1), notes=f"R{i:03d}",
                       due_by=timezone.localdate() + datetime.timedelta(days=i)) for i in range(N))
    PrivacyRequest.objects.bulk_create(
        PrivacyRequest(ambito=world.ambito, person=person, kind="erasure", status="rejected", received_at=now,
                       due_by=timezone.localdate()) for _ in range(3))
    last = PrivacyRequest.objects.filter(status="received").order_by("-due_by", "-id").first()
    pages, links = walk_pages(client_as("dpo"), "/privacy/richieste/?status=received")
    assert len(pages) == 5 and all(query(link)["status"] == "received" for link in links)
    anchor = f'href="/privacy/richieste/{last.pk}/"'
    assert anchor in pages[-1] and anchor not in "".join(pages[:-1])
    rejected = PrivacyRequest.objects.filter(status="rejected").first()
    assert f'href="/privacy/richieste/{rejected.pk}/"' not in "".join(pages)


def test_the_change_history_reaches_its_201st_change(world, client_as):
    person = make_subject(world, full=False)
    person_type = ContentType.objects.get_for_model(Person)
    now = timezone.now()
    LogEntry.objects.bulk_create(
        LogEntry(content_type=person_type, object_pk=str(person.pk), object_id=person.pk, object_repr=person.pseudonym,
                 action=LogEntry.Action.UPDATE, changes={"address": ["Via Vecchia", f"Via Nuova {i:03d}"]},
                 timestamp=now - datetime.timedelta(hours=i + 1)) for i in range(N))
    pages, links = walk_pages(client_as("dpo"), f"/privacy/persone/{person.pseudonym}/")
    assert len(pages) == 5, len(pages)  # 201 changes and the registration
    text = "".join(pages)
    assert all(f"Via Nuova {i:03d}" in text for i in range(N))
    assert "Via Nuova 200" in pages[-1] and "Via Nuova 200" not in "".join(pages[:-1])
