"""The access log is append-only for application users: the model, its queryset, the admin and (on
PostgreSQL) a database trigger refuse every update and delete; only the retention purge deletes."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from ambito.accounts.models import AccessAction, AccessLog, AppendOnlyError
from ambito.accounts.services import access_log_purge, access_log_record

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")


@pytest.fixture
def entry(demo):
    return access_log_record(actor=demo.users["sw.monza"], record=demo.comuni["monza"], action=AccessAction.READ,
                             purpose="work queue")


def _unchanged(entry):
    stored = AccessLog.objects.get(pk=entry.pk)
    assert (stored.action, stored.purpose, stored.user_id) == ("read", "work queue", entry.user_id)


def test_saving_an_existing_entry_is_refused(entry):
    entry.action = AccessAction.DELETE
    with pytest.raises(AppendOnlyError):
        entry.save()
    _unchanged(entry)


def test_saving_a_new_object_with_an_existing_id_is_refused(entry):
    forged = AccessLog(pk=entry.pk, content_type_id=entry.content_type_id, object_id="0", action="read", purpose="x")
    with pytest.raises(AppendOnlyError):
        forged.save()
    _unchanged(entry)


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AccessLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("write", [
    lambda qs: qs.update(purpose="rewritten"),
    lambda qs: qs.delete(),
    lambda qs: AccessLog.objects.bulk_update([_with_purpose(e) for e in qs], ["purpose"]),
], ids=["update", "delete", "bulk_update"])
def test_bulk_writes_through_the_queryset_are_refused(entry, write):
    with pytest.raises(AppendOnlyError), transaction.atomic():
        write(AccessLog.objects.filter(pk=entry.pk))
    _unchanged(entry)


def _with_purpose(entry):
    entry.purpose = "rewritten"
    return entry


def test_the_admin_is_read_only_even_for_a_superuser(entry, client_as):
    client = client_as("admin")
    assert client.get(reverse("admin:accounts_accesslog_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_accesslog_add")).status_code == 403
    assert client.post(reverse("admin:accounts_accesslog_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    response = client.post(reverse("admin:accounts_accesslog_change", args=[entry.pk]), {"purpose": "rewritten"})
    assert response.status_code == 403
    changelist = client.post(reverse("admin:accounts_accesslog_changelist"),
                             {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert changelist.status_code in (200, 302)
    _unchanged(entry)


@on_postgresql
@pytest.mark.parametrize("sql", [
    "UPDATE accounts_accesslog SET purpose = 'rewritten' WHERE id = %s",
    "DELETE FROM accounts_accesslog WHERE id = %s",
], ids=["update", "delete"])
def test_the_database_refuses_plain_sql_updates_and_deletes(entry, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    _unchanged(entry)


@on_postgresql
def test_the_purge_setting_lets_a_delete_through_but_never_an_update(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ambito.retention_purge = 'on'")
        cursor.execute("UPDATE accounts_accesslog SET purpose = 'rewritten' WHERE id = %s", [entry.pk])
    _unchanged(entry)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ambito.retention_purge = 'on'")
        cursor.execute("DELETE FROM accounts_accesslog WHERE id = %s", [entry.pk])
    assert not AccessLog.objects.filter(pk=entry.pk).exists()


@on_postgresql
def test_after_a_purge_a_plain_delete_is_refused_again(entry, settings):
    """The purge's SET LOCAL ends with its transaction: the same connection cannot delete afterwards."""
    access_log_purge(now=timezone.now() + datetime.timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS + 1))
    kept = access_log_record(actor=None, record=entry.content_type, action=AccessAction.READ, purpose="work queue")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_accesslog WHERE id = %s", [kept.pk])
    assert AccessLog.objects.filter(pk=kept.pk).exists()
