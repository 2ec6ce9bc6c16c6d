"""Retention of the access log (*conservazione*): entries older than ACCESS_LOG_RETENTION_DAYS are purged by
the service, the management command and the background job; nothing younger is touched."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from ambito.accounts.models import AccessAction, AccessLog
from ambito.accounts.services import access_log_purge, access_log_record
from ambito.core.models import Job, JobStatus
from ambito.core.services import job_start

NOW = timezone.now()


def _entry_at(monkeypatch, demo, when, purpose):
    monkeypatch.setattr(timezone, "now", lambda: when)  # ``at`` is auto_now_add: write it as if at ``when``
    try:
        return access_log_record(actor=demo.users["sw.monza"], record=demo.comuni["monza"], action=AccessAction.READ,
                                 purpose=purpose)
    finally:
        monkeypatch.undo()


@pytest.fixture
def aged(demo, monkeypatch, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 400
    return {
        "old": _entry_at(monkeypatch, demo, NOW - datetime.timedelta(days=401), "old"),
        "edge": _entry_at(monkeypatch, demo, NOW - datetime.timedelta(days=399, hours=23), "edge"),
        "recent": _entry_at(monkeypatch, demo, NOW - datetime.timedelta(days=3), "recent"),
    }


def _left():
    return set(AccessLog.objects.values_list("purpose", flat=True))


def test_the_purge_removes_only_entries_older_than_the_retention(aged):
    assert access_log_purge(now=NOW) == 1
    assert _left() == {"edge", "recent"}
    assert access_log_purge(now=NOW) == 0  # nothing left to purge: idempotent


def test_the_purge_works_in_batches(aged):
    assert access_log_purge(now=NOW + datetime.timedelta(days=500), batch=1) == 3
    assert _left() == set()


def test_a_retention_below_six_months_is_refused(aged, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    with pytest.raises(ImproperlyConfigured):
        access_log_purge(now=NOW)
    assert _left() == {"old", "edge", "recent"}


def test_the_management_command_purges(aged, capsys):
    call_command("purge_access_log")
    assert "1 access log entry older than 400 days deleted" in capsys.readouterr().out
    assert _left() == {"edge", "recent"}


def test_the_purge_runs_as_a_background_job(aged, run_jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="accounts.access_log_purge", actor=None, params={}, title="purge")
    run_jobs()
    job = Job.objects.get(pk=job.pk)
    assert (job.status, job.result_data) == (JobStatus.DONE, {"deleted": 1})
    assert _left() == {"edge", "recent"}


def test_the_retention_is_read_from_the_environment():
    root = Path(__file__).resolve().parents[3]
    code = "import django; django.setup(); from django.conf import settings; print(settings.ACCESS_LOG_RETENTION_DAYS)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ambito.settings"}
    read = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
                          env={**env, "ACCESS_LOG_RETENTION_DAYS": "730"})
    assert read.stdout.strip() == "730"
    default = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
                             env={k: v for k, v in env.items() if k != "ACCESS_LOG_RETENTION_DAYS"})
    assert default.stdout.strip() == "1826"
    wrong = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                           env={**env, "ACCESS_LOG_RETENTION_DAYS": "five years"})
    assert wrong.returncode != 0 and "ACCESS_LOG_RETENTION_DAYS must be an integer" in wrong.stderr
