"""Stored indicator values (*valori calcolati degli indicatori*): writing them and knowing when they are stale.

For every Ambito the refresh computes, in the database, every indicator for the standard periods (the
current year to date, last year and the two before, and the period before each, which the trends compare
with) as a whole Ambito and for each of its Comuni, in total and by each breakdown the indicator allows,
and stores the cells before small-cell suppression with the persons behind them (``IndicatorCell``).
Readers (``indicators.stored``) use them in place of computing; the suppression rule runs on read.

When it runs, by the task worker:

- after writes to an indicator's sources: a committed write to a model of a source app marks its Ambito
  stale (``IndicatorRefresh.dirty_since``), and only the write that finds it fresh queues a refresh, held back
  by ``AMBITO_INDICATOR_REFRESH_DELAY`` seconds so a burst of writes makes one refresh (debounce). Writes that
  send no signal (``update()``, ``bulk_create``, SQL ``COPY``) are left to the nightly run;
- nightly: ``manage.py monitoring_refresh_indicators`` (cron, see ``docs/operations.md``);
- on demand: the planning office's button on the dashboard, a job with its progress page.

The source apps know nothing of this: the signals are connected here, from ``MonitoringConfig.ready``."""

import datetime as dt
import logging

from django.apps import apps as global_apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from ambito.monitoring import indicators
from ambito.monitoring.indicators import Breakdown, Period, Query, year_period

logger = logging.getLogger(__name__)

REFRESH_KIND = "monitoring.indicator_refresh"
# Apps whose records indicators are computed from (``IndicatorDefinition.source``, plus spending in planning).
SOURCE_APPS = {"territory", "network", "planning", "access", "care", "monitoring"}
NOT_SOURCES = {"monitoring.indicatorcell", "monitoring.indicatorrefresh", "monitoring.reportnarrative",
               "monitoring.surveysubmission"}


def standard_periods(today: dt.date | None = None) -> list[Period]:
    """The periods stored: the current year to date (the dashboard's default), last year and the year before
    (the annual report and its comparison), and the period before each (the dashboard's trend)."""
    today = today or dt.date.today()
    found: list[Period] = []
    for year in (today.year, today.year - 1, today.year - 2):
        if year < indicators.EARLIEST_DATE.year:
            continue  # nothing recorded before 2000
        period = year_period(year)
        for each in (period, period.previous()):
            if each not in found and each.start >= indicators.EARLIEST_DATE:
                found.append(each)
    return found


def _scopes(ambito) -> list[tuple]:
    from ambito.territory.models import Comune

    comuni = list(Comune.objects.filter(ambito=ambito).order_by("pk").values_list("pk", flat=True))
    scopes = [(None, frozenset(comuni))]
    if len(comuni) > 1:
        scopes += [(pk, frozenset([pk])) for pk in comuni]
    return scopes


def _text(value):
    return None if value is None else str(value)


def indicator_cells_refresh(*, ambito, periods: list[Period] | None = None, progress=lambda *a: None) -> int:
    """Compute and store every indicator's cells for ``ambito`` (see the module's docstring); returns the
    number of rows stored. The values are computed first, outside any transaction; then the Ambito's rows
    are swapped in one transaction, so a reader sees the old values or the new ones, never half of each."""
    from ambito.monitoring.models import IndicatorCell, IndicatorRefresh

    periods = standard_periods() if periods is None else periods
    started = timezone.now()
    # taken now: a write from here on marks the Ambito stale again and queues another refresh
    IndicatorRefresh.objects.filter(ambito=ambito, dirty_since__lte=started).update(dirty_since=None)
    try:
        scopes = _scopes(ambito)
        if not scopes[0][1]:
            return 0
        definitions = indicators.definitions()
        steps, done, rows = len(periods) * len(scopes), 0, []
        for period in periods:
            for comune_id, comune_ids in scopes:
                progress(5 + int(85 * done / steps), f"{period} {comune_id or ambito.code}")
                done += 1
                for spec in definitions:
                    for by in (None, *spec.breakdowns):
                        if comune_id is not None and by == Breakdown.COMUNE:
                            continue  # one Comune broken down by Comune: its own total
                        query = Query(period=period, by=by, comune_ids=comune_ids)
                        common = {"ambito_id": ambito.pk, "comune_id": comune_id, "code": spec.code,
                                  "period_start": period.start, "period_end": period.end, "breakdown": by or "",
                                  "computed_at": started}
                        cells = indicators.computed_cells(spec, query)
                        rows += [IndicatorCell(key=cell.key, label=(cell.label or "")[:300], value=_text(cell.value),
                                               n=cell.n, target=_text(cell.target), **common) for cell in cells]
                        if not cells:
                            rows.append(IndicatorCell(key="", **common))
        progress(92, "")
        with transaction.atomic():
            IndicatorCell.objects.filter(ambito=ambito).delete()
            IndicatorCell.objects.bulk_create(rows, batch_size=2000)
            IndicatorRefresh.objects.update_or_create(ambito=ambito, defaults={
                "computed_at": started, "periods": [[p.start.isoformat(), p.end.isoformat()] for p in periods]})
    except Exception:
        IndicatorRefresh.objects.filter(ambito=ambito, dirty_since__isnull=True).update(dirty_since=started)
        raise
    return len(rows)


def refresh_start(*, actor, ambito, delay: int = 0, stale_since=None):
    """Queue the refresh of ``ambito``'s stored values as a background job (``actor`` None: the system's)."""
    from django.utils.translation import gettext as _

    from ambito.core.services import job_start

    params = {"ambito": ambito.pk if hasattr(ambito, "pk") else ambito}
    if stale_since is not None:
        params["stale_since"] = stale_since.isoformat()
    run_after = timezone.now() + dt.timedelta(seconds=delay) if delay else None
    return job_start(kind=REFRESH_KIND, actor=actor, params=params, run_after=run_after,
                     title=_("Indicators recomputed for the dashboard"))


def refresh_delay() -> int:
    """Seconds a refresh after a write waits for the writes that follow (``AMBITO_INDICATOR_REFRESH_DELAY``)."""
    return int(getattr(settings, "AMBITO_INDICATOR_REFRESH_DELAY", 300))


def mark_stale(ambito_ids=None) -> list[int]:
    """Mark stale the stored values of ``ambito_ids`` (None: every Ambito), and queue one refresh for each
    Ambito that was fresh until now. Ambiti with nothing stored are left alone."""
    from ambito.monitoring.models import IndicatorRefresh

    now = timezone.now()
    with transaction.atomic():
        fresh = IndicatorRefresh.objects.select_for_update().filter(computed_at__isnull=False,
                                                                    dirty_since__isnull=True)
        if ambito_ids is not None:
            fresh = fresh.filter(ambito_id__in=ambito_ids)
        ids = list(fresh.values_list("ambito_id", flat=True))
        if ids:
            IndicatorRefresh.objects.filter(ambito_id__in=ids).update(dirty_since=now)
            for ambito_id in ids:
                refresh_start(actor=None, ambito=ambito_id, delay=refresh_delay(),
                              stale_since=now)
    return ids


# --- writes to the sources --------------------------------------------------------------------------------


def _watched(sender) -> bool:
    meta = sender._meta
    # a migration's historical models (their own registry) write before the tables here exist
    return meta.apps is global_apps and meta.app_label in SOURCE_APPS and meta.label_lower not in NOT_SOURCES


def _marker(instance) -> tuple:
    """What an instance says of its Ambito without a query: its Ambito, its Comune, its service; else all."""
    for kind in ("ambito", "comune", "service"):
        pk = getattr(instance, f"{kind}_id", None)
        if isinstance(pk, int):
            return kind, pk
    if instance._meta.label_lower == "territory.ambito":
        return "ambito", instance.pk
    return "all", None


def _flush():
    connection = transaction.get_connection()
    markers = connection.__dict__.pop("_ambito_stale", set())
    if not markers:
        return
    if any(kind == "all" for kind, _pk in markers):
        mark_stale(None)
        return
    from ambito.network.models import Service
    from ambito.territory.models import Comune

    ids = {pk for kind, pk in markers if kind == "ambito"}
    comuni = [pk for kind, pk in markers if kind == "comune"]
    services = [pk for kind, pk in markers if kind == "service"]
    if comuni:
        ids |= set(Comune.objects.filter(pk__in=comuni).exclude(ambito=None).values_list("ambito_id", flat=True))
    if services:
        ids |= set(Service.objects.filter(pk__in=services).values_list("ambito_id", flat=True))
    ids.discard(None)
    if ids:
        mark_stale(ids)


def _written(sender, instance, **kwargs):
    """A write to a source: remembered for the end of the transaction. Each write asks for the flush, the
    first flush after the commit does them all (a rolled-back write at worst costs a needless refresh)."""
    if kwargs.get("raw") or not _watched(sender):
        return
    transaction.get_connection().__dict__.setdefault("_ambito_stale", set()).add(_marker(instance))
    transaction.on_commit(_flush)  # outside a transaction: right now


def connect():
    post_save.connect(_written, dispatch_uid="monitoring.indicator_sources.save")
    post_delete.connect(_written, dispatch_uid="monitoring.indicator_sources.delete")
