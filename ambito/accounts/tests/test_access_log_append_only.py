"""The access log is append-only for application users: the model, its queryset and (on PostgreSQL) a
database trigger refuse every update and delete, and the admin has no page for it; only the retention purge
deletes."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from ambito.accounts.models import AccessAction, AccessLog, AppendOnlyError
from ambito.accounts.services import access_log_purge, access_log_record
from ambito.core.tests.vendor import postgresql_only

on_postgresql = postgresql_only("the append-only database trigger")


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


def test_the_admin_has_no_page_for_it_not_even_for_a_superuser(entry, client, demo):
    """The access log names the persons whose records were touched: it is read through the DPO's audited pages,
    never the Django admin (ambito/accounts/admin_policy.py)."""
    from django.contrib.auth import get_user_model
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("admin:accounts_accesslog_changelist")
    client.force_login(get_user_model().objects.create_superuser("emergenza", password="x-long-pass-123"))
    assert client.get("/admin/accounts/accesslog/").status_code == 404
    assert client.post(f"/admin/accounts/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 404
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
