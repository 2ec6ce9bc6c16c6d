"""Stored indicator values (``monitoring.materialise``): the same figures as computing them, the same
small-cell rule, stale after a write to a source and recomputed by the worker, and said to be stored."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ambito.core.models import Job, JobStatus
from ambito.monitoring import indicators
from ambito.monitoring.materialise import indicator_cells_refresh, mark_stale, standard_periods
from ambito.monitoring.models import IndicatorCell, IndicatorRefresh
from ambito.territory.models import Ambito


def _fresh(username):
    """The user as a new request would load it: nothing read before is kept on it."""
    return get_user_model().objects.get(username=username)


def _table(result):
    return [(c.key, c.label, c.value, c.n, c.target, c.suppressed, c.complementary) for c in result.cells]


@pytest.fixture
def whole_demo(demo_with):
    return demo_with("network", "planning", "access", "care", "monitoring")


def test_stored_values_equal_computed_ones_for_every_indicator_with_the_small_cell_rule(whole_demo):
    ambito = Ambito.objects.get()
    comuni = set(ambito.comuni.values_list("pk", flat=True))
    one_comune = {min(comuni)}
    live = {}
    periods = standard_periods()[:2]  # the dashboard's: the year to date and the period before
    indicator_cells_refresh(ambito=ambito, periods=periods)
    refresh = IndicatorRefresh.objects.get(ambito=ambito)
    for stored_now in (False, True):
        if not stored_now:
            IndicatorRefresh.objects.filter(pk=refresh.pk).update(computed_at=None)
        else:
            IndicatorRefresh.objects.filter(pk=refresh.pk).update(computed_at=refresh.computed_at)
        for username in ("observer", "planner"):  # the small-cell rule, and without it
            actor = _fresh(username)
            for spec in indicators.definitions():
                for by in (None, *spec.breakdowns):
                    for period in periods:
                        for wanted in (comuni, one_comune):
                            result = indicators.compute(spec.code, actor=actor, period=period, by=by,
                                                        comune_ids=wanted)
                            key = (username, spec.code, by, str(period), len(wanted))
                            if not stored_now:
                                assert result.computed_at is None
                                live[key] = _table(result)
                            else:
                                if by != indicators.Breakdown.COMUNE or len(wanted) > 1:
                                    assert result.computed_at == refresh.computed_at, key
                                assert _table(result) == live[key], key
    suppressed = [key for key, table in live.items() if any(row[5] for row in table)]
    assert suppressed, "the demo has small cells: the rule is exercised on stored values too"


def test_a_custom_period_is_computed_live(demo_with):
    demo_with("network", "access")
    ambito = Ambito.objects.get()
    indicator_cells_refresh(ambito=ambito, periods=standard_periods()[:1])
    today = dt.date.today()
    custom = indicators.Period.of(today.replace(month=1, day=2), today)
    result = indicators.compute("requests_received", actor=_fresh("planner"), period=custom)
    assert result.computed_at is None
    stored = indicators.compute("requests_received", actor=_fresh("planner"), period=standard_periods()[0])
    assert stored.computed_at is not None


@pytest.fixture
def quick(settings, monkeypatch):
    """No wait after a write, and the refresh job stores the current year to date only (the test's time)."""
    from ambito.monitoring import materialise

    settings.AMBITO_INDICATOR_REFRESH_DELAY = 0
    current = materialise.standard_periods()[:1]
    monkeypatch.setattr(materialise, "standard_periods", lambda today=None: current)


def test_a_write_to_a_source_marks_the_values_stale_and_the_worker_recomputes_them(
        demo_with, run_jobs, quick, django_capture_on_commit_callbacks):
    from ambito.access.models import AccessRequest

    demo_with("network", "access")
    ambito = Ambito.objects.get()
    period = standard_periods()[0]
    indicator_cells_refresh(ambito=ambito, periods=[period])
    before = indicators.compute("requests_received", actor=_fresh("planner"), period=period)
    assert before.computed_at is not None
    clone = AccessRequest.objects.filter(ambito=ambito).order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        clone.pk, clone.received_at = None, dt.datetime.combine(period.start, dt.time(12), tzinfo=dt.UTC)
        clone.save()
    state = IndicatorRefresh.objects.get(ambito=ambito)
    assert state.dirty_since is not None
    assert Job.objects.filter(kind="monitoring.indicator_refresh", status=JobStatus.QUEUED).count() == 1
    with django_capture_on_commit_callbacks(execute=True):  # still stale: no second refresh queued
        mark_stale([ambito.pk])
    assert Job.objects.filter(kind="monitoring.indicator_refresh").count() == 1
    # until the refresh, readers get the values as computed, with when (as a dashboard of analytics tables does)
    stale = indicators.compute("requests_received", actor=_fresh("planner"), period=period)
    assert (stale.computed_at, stale.total.value) == (before.computed_at, before.total.value)
    live = indicators.IndicatorResult(definition=stale.definition, query=stale.query, cells=indicators.computed_cells(
        stale.definition, stale.query))
    run_jobs()
    job = Job.objects.get(kind="monitoring.indicator_refresh")
    assert job.status == JobStatus.DONE, job.message
    state.refresh_from_db()
    assert state.dirty_since is None and state.computed_at > before.computed_at
    after = indicators.compute("requests_received", actor=_fresh("planner"), period=period)
    assert after.computed_at == state.computed_at
    assert after.total.value == live.total.value == before.total.value + 1


def test_nothing_stored_nothing_marked(demo_with, django_capture_on_commit_callbacks):
    demo_with("network")
    with django_capture_on_commit_callbacks(execute=True):
        assert mark_stale(None) == []
    assert not Job.objects.filter(kind="monitoring.indicator_refresh").exists()
    assert not IndicatorCell.objects.exists()


def _dashboard_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/monitoraggio/")
    assert page.status_code == 200
    return len(ctx.captured_queries), page.content.decode()


def test_the_dashboard_reads_stored_values_says_when_and_takes_the_same_queries_for_more_data(
        demo_with, client_as):
    from ambito.monitoring.models import SurveyResponse

    demo_with("network", "monitoring")
    ambito = Ambito.objects.get()
    indicator_cells_refresh(ambito=ambito, periods=standard_periods()[:2])
    client = client_as("planner")
    client.get("/monitoraggio/")  # the first request of the session reads what later ones keep
    few, html = _dashboard_queries(client)
    stamp = IndicatorRefresh.objects.get(ambito=ambito).computed_at
    assert 'id="computed-at"' in html and 'id="computed-now"' not in html
    keep = SurveyResponse.objects.order_by("pk").first()
    for _n in range(40):
        SurveyResponse.objects.create(survey=keep.survey, submitted_at=keep.submitted_at)
    indicator_cells_refresh(ambito=ambito, periods=standard_periods()[:2])
    many, html = _dashboard_queries(client)
    assert many == few
    assert IndicatorRefresh.objects.get(ambito=ambito).computed_at > stamp


def test_the_dashboard_says_a_custom_period_is_computed_now(demo_with, client_as):
    demo_with("network", "monitoring")
    indicator_cells_refresh(ambito=Ambito.objects.get(), periods=standard_periods()[:2])
    html = client_as("planner").get("/monitoraggio/?dal=2023-01-01").content.decode()
    assert 'id="computed-now"' in html and 'id="computed-at"' not in html
