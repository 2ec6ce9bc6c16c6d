"""The benchmark groups of `make bench`, in the order they run. Each takes (bench, ctx)."""

import os
import time

from django.test import Client

from ambito.devtools.bench import run_sql


class NotAvailable(Exception):
    """The capability this benchmark measures is not in the code base yet."""


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def territory(bench, ctx):
    from ambito.territory.models import Comune
    from ambito.territory.selectors import latest_population_year, needs_indicators

    comune_ids = list(Comune.objects.filter(ambito=ctx["ambito"]).values_list("id", flat=True))
    year = latest_population_year()
    placeholders = ", ".join(["%s"] * len(comune_ids))
    sql = f"""
        SELECT SUM(count), SUM(CASE WHEN age <= 14 THEN count ELSE 0 END),
               SUM(CASE WHEN age BETWEEN 15 AND 64 THEN count ELSE 0 END),
               SUM(CASE WHEN age >= 65 THEN count ELSE 0 END), SUM(CASE WHEN age >= 75 THEN count ELSE 0 END),
               SUM(CASE WHEN age <= 17 THEN count ELSE 0 END)
        FROM territory_populationrecord WHERE year = %s AND comune_id IN ({placeholders})"""  # noqa: S608

    def app():
        ind = needs_indicators(comune_ids=comune_ids, year=year)
        return (ind.residents, ind.aged_0_14, ind.aged_15_64, ind.aged_65_plus, ind.aged_75_plus, ind.minors)

    bench.compare_with_sql("needs indicators (Ambito)", app, lambda: tuple(run_sql(sql, [year, *comune_ids])[0]))
    bench.page("territory page", _client(ctx["users"]["bench.planner"]), "/territorio/")
    bench.page("GET /api/v1/comuni/", _client(ctx["users"]["bench.planner"]), "/api/v1/comuni/")


def _url(name, *args, query=""):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        raise NotAvailable(f"no URL named {name}") from None


def directory(bench, ctx):
    from ambito.network.models import Service

    comune = ctx["ambito"].comuni.order_by("pk").first()
    anonymous = Client()
    bench.page(f"directory search ({Service.objects.count():,} services)", anonymous,
               _url("portal-directory", query="?q=assistenza+domiciliare"))
    bench.page("directory filtered by Comune", anonymous,
               _url("portal-directory", query=f"?q=assistenza&comune={comune.istat_code}"))


def plan_budget(bench, ctx):
    from ambito.planning.models import Plan

    plan = Plan.objects.filter(ambito=ctx["ambito"]).order_by("pk").first()
    if plan is None:
        raise NotAvailable("no plan in the synthetic Ambito")
    client = _client(ctx["users"]["bench.planner"])
    bench.page("plan budget page", client, _url("planning-budget", plan.pk))
    bench.page("GET /api/v1/plans/{id}/budget/", client,
               _url("api-plan-budget", plan.pk, query=f"?year={plan.start_year}"))


def work_queue(bench, ctx):
    client = _client(ctx["users"]["bench.sw"])
    bench.page("social worker work queue", client, _url("access-work-queue"))


def case_list(bench, ctx):
    client = _client(ctx["users"]["bench.sw"])
    bench.page("case list (page 2)", client, _url("care-plan-list", query="?page=2"))
    bench.page("GET /api/v1/requests/?page=2", client, _url("api-request-list", query="?page=2"))


def _period(ctx):
    import datetime as dt

    from ambito.care.models import Delivery
    from ambito.monitoring.indicators import Period

    # The seeded year: deliveries logged through the API (the load test's) are dated today and must not move it.
    last = (Delivery.objects.exclude(source="api").order_by("-delivered_on")
            .values_list("delivered_on", flat=True).first())
    if last is None:
        raise NotAvailable("no deliveries in the synthetic data")
    return Period.of(dt.date(last.year, 1, 1), dt.date(last.year, 12, 31))


def indicators(bench, ctx):
    """Every indicator through the app (scope, SQL-backed function, targets, labels, small-cell rule) vs
    the same figure written by hand in SQL (``bench_indicators.TWINS``); each pair must agree first."""
    try:
        from ambito.monitoring.indicators import compute, definitions
    except ImportError:
        raise NotAvailable("no monitoring app") from None
    from ambito.devtools.bench_indicators import TWINS, app_cells, same, sql_cells
    from ambito.territory.models import Comune

    period = _period(ctx)
    params = {
        "comuni": list(Comune.objects.filter(ambito=ctx["ambito"]).values_list("id", flat=True)),
        "start": period.start, "end": period.end, "start_at": period.start_at, "end_before": period.end_before,
        "start_year": period.start.year, "end_year": period.end.year,
    }
    actor = ctx["users"]["bench.case"]
    twinned = {twin.code for twin in TWINS}
    for spec in definitions():
        if spec.code not in twinned:
            bench.notes.append(f"indicators: {spec.code} has no hand-written SQL twin")
            bench.say(f"  not measured: {spec.code} has no hand-written SQL twin")
    for twin in TWINS:
        bench.compare_with_sql(
            f"indicator {twin.code}" + (f" by {twin.by}" if twin.by else ""),
            lambda twin=twin: app_cells(compute(twin.code, actor=actor, period=period, by=twin.by)),
            lambda twin=twin: sql_cells(run_sql(twin.sql, params)), same=same)


def siuss(bench, ctx):
    """The SIUSS PS-PSA records of every Comune for the year, built and written as INPS XML (validated against
    the XSD) — the complete ones, as the "send the complete ones" choice does."""
    try:
        from ambito.monitoring.siuss import flows
    except ImportError:
        raise NotAvailable("no SIUSS export") from None
    from ambito.care.models import Delivery
    from ambito.territory.models import Comune

    comuni = list(Comune.objects.select_related("ambito"))
    year = _period(ctx).start.year
    deliveries = Delivery.objects.filter(delivered_on__year=year).count()

    def export():
        rows = 0
        for comune in comuni:
            complete = [row for row in flows.records(comune, year, "psa") if row.complete]
            if complete:
                flows.validate("psa", flows.build_xml(comune, year, "psa", complete))
            rows += len(complete)
        return rows

    bench.memory(f"SIUSS PS-PSA XML over {deliveries:,} deliveries", export, rows_of=lambda rows: rows)
    bench.results[-2]["deliveries_per_s"] = round(deliveries * bench.results[-2]["value"] / max(1, bench.results[-2]["rows"]))


def api_throughput(bench, ctx):
    """Requests per second under gunicorn (2 workers) driven by wrk from loopback: each list endpoint of the
    API against its plain DRF baseline (``baseline.py``: same rows, fields and page size) in the same server
    and run (goal: ratio ≥ 0.9); the request creation against the request list's baseline."""
    import json
    import shutil
    import tempfile

    from ambito.access.models import Person
    from ambito.accounts.services import api_token_issue
    from ambito.devtools.baseline import BASELINES
    from ambito.devtools.bench import Server, wrk

    if shutil.which("wrk") is None:
        raise NotAvailable("wrk is not installed (make bench installs it)")
    tokens = {name: api_token_issue(user=user)[0] for name, user in ctx["users"].items()}
    person = Person.objects.filter(residence_comune__in=ctx["sw_comuni"]).order_by("pk").first()
    seconds = int(os.environ.get("BENCH_WRK_SECONDS", "5"))
    with Server() as server:
        request_list_baseline = None
        for spec in BASELINES:
            token = tokens[spec.persona]
            endpoint = wrk(server.url + spec.endpoint_url(), token=token, seconds=seconds)
            plain = wrk(server.url + spec.baseline_url(), token=token, seconds=seconds)
            if spec.url_name == "api-request-list":
                request_list_baseline = plain
            bench.add(f"GET {spec.endpoint_url()} throughput", endpoint, "req/s", baseline=plain,
                      ratio=endpoint / plain if plain else None, baseline_kind="plain DRF ListAPIView",
                      persona=spec.persona,
                      **({} if spec.seeded else {"note": "no such rows in the synthetic data: an empty page"}))
        body = json.dumps({"person": person.pk, "channel": "pua_desk", "need": "Richiesta di prova del benchmark",
                           "area": "anziani", "urgency": 2})
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(f'wrk.method = "POST"\nwrk.body = [[{body}]]\n'
                         'wrk.headers["Content-Type"] = "application/json"\n')
        writes = wrk(f"{server.url}/api/v1/requests/", token=tokens["bench.sw"], script=script.name, seconds=seconds)
        bench.add("POST /api/v1/requests/ throughput", writes, "req/s", baseline=request_list_baseline,
                  ratio=writes / request_list_baseline if request_list_baseline else None,
                  baseline_kind="plain DRF list of requests")


def _session_cookie(user) -> str:
    from django.conf import settings

    client = _client(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _delivery_targets(referrals, period) -> list[dict]:
    """Accepted or running referrals with a day a delivery may be logged on (inside the plan and the
    intervention, not in the future, within the measured ``period`` so the figures of later runs measure
    the same year), and a delivery type that fits the service."""
    from django.utils import timezone

    from ambito.care.models import DeliveryType

    today = min(timezone.localdate(), period.end)
    types = {"sad": DeliveryType.HOME_CARE_VISIT, "adi": DeliveryType.NURSING_VISIT,
             "school_integration": DeliveryType.SCHOOL_ASSISTANCE, "day_centre": DeliveryType.DAY_CENTRE_ATTENDANCE}
    targets = []
    for referral in referrals.select_related("intervention", "care_plan", "service").order_by("pk")[:200]:
        first = max(referral.intervention.start_date, referral.care_plan.start_date)
        last = min(referral.intervention.end_date, referral.care_plan.end_date, today)
        if first <= last:
            targets.append({"referral": referral.pk, "day": last.isoformat(),
                            "type": types.get(referral.service.service_type, DeliveryType.OTHER)})
    return targets[:50]


def _referrals_to_answer(*, actor, provider_id: int, comune_ids, wanted: int) -> list[int]:
    """Referrals waiting for the provider's answer: the ones already sent, topped up to ``wanted`` by sending
    again, through the service, interventions whose last referral is closed (declined ones come back each
    run; accepted ones are spent)."""
    from ambito.care import services
    from ambito.care.models import OPEN_REFERRAL_STATUSES, PlannedIntervention, Referral, ReferralStatus

    sent = list(Referral.objects.filter(provider_id=provider_id, status=ReferralStatus.SENT, comune_id__in=comune_ids)
                .order_by("pk").values_list("pk", flat=True)[:wanted])
    closed = (PlannedIntervention.objects.filter(provider_id=provider_id, care_plan__comune_id__in=comune_ids,
                                                 care_plan__status="active")
              .exclude(referrals__status__in=OPEN_REFERRAL_STATUSES).select_related("care_plan").order_by("pk"))
    for intervention in closed[: max(0, wanted - len(sent))]:
        sent.append(services.referral_send(actor=actor, intervention=intervention).pk)
    return sent


def stored_indicators(bench, ctx):
    """The nightly job's work for the bench Ambito (``monitoring_refresh_indicators``): every indicator's cells
    stored for the standard periods, so the dashboard reads them as in production. Timed; the load group
    calls it when the Ambito has never been refreshed."""
    from ambito.monitoring.materialise import indicator_cells_refresh

    started = time.monotonic()
    rows = indicator_cells_refresh(ambito=ctx["ambito"])
    bench.add("stored indicators: refresh of one Ambito", time.monotonic() - started, "s", rows=rows)


def load(bench, ctx):
    """Social workers, providers, planners and a regional observer at once: locust (headless, from loopback)
    against gunicorn with 2 workers, for ``--load-seconds``; every request must succeed. Never part of
    `make test`."""
    import json
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from django.conf import settings
    from django.urls import reverse

    from ambito.access.models import AccessRequest, Person
    from ambito.accounts.services import api_token_issue
    from ambito.care.models import Referral, ReferralStatus
    from ambito.devtools.bench import Server
    from ambito.devtools.loadtest import stats
    from ambito.monitoring.models import IndicatorRefresh
    from ambito.planning.models import Plan

    locust = Path(sys.executable).parent / "locust"
    if not locust.exists():
        raise NotAvailable("locust is not installed in the virtualenv")
    if not IndicatorRefresh.objects.filter(ambito=ctx["ambito"], computed_at__isnull=False).exists():
        stored_indicators(bench, ctx)
    users, seconds = ctx["load"]["users"], ctx["load"]["seconds"]
    sw, provider, planner, observer = (ctx["users"][name] for name in
                                       ("bench.sw", "bench.provider", "bench.planner", "bench.observer"))
    comuni = ctx["sw_comuni"]
    plan = Plan.objects.filter(ambito=ctx["ambito"]).order_by("pk").first()
    period = _period(ctx)
    persons = list(Person.objects.filter(residence_comune__in=comuni).order_by("pk")[:30])
    running = Referral.objects.filter(status__in=[ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS])
    token = {user: api_token_issue(user=user)[0] for user in (sw, provider, planner, observer)}
    config = {
        "urls": {"requests": reverse("api-request-list"), "deliveries": reverse("api-delivery-list"),
                 "accept": reverse("api-referral-accept", args=[0]).replace("/0/", "/{pk}/"),
                 "decline": reverse("api-referral-decline", args=[0]).replace("/0/", "/{pk}/")},
        "social_worker": {
            "cookie": _session_cookie(sw), "token": token[sw], "work_queue": reverse("access-work-queue"),
            "case_list": reverse("care-plan-list") + "?stato=active",
            "persons": [reverse("access-person", args=[p.pseudonym]) for p in persons],
            "person_ids": [p.pk for p in persons],
            "requests": [reverse("access-request", args=[pk]) for pk in AccessRequest.objects.filter(
                comune_id__in=comuni).order_by("-pk").values_list("pk", flat=True)[:30]],
            "new_request": {"channel": "pua_desk", "need": "Richiesta della prova di carico", "area": "anziani",
                            "urgency": 2},
            "deliveries": _delivery_targets(
                running.filter(comune_id__in=comuni, person__residence_comune__in=comuni), period),
        },
        "provider": {
            "cookie": _session_cookie(provider), "token": token[provider], "inbox": reverse("care-referral-inbox"),
            "sent_list": reverse("api-referral-list") + "?status=sent",
            "to_answer": _referrals_to_answer(actor=sw, provider_id=ctx["provider_id"], comune_ids=comuni,
                                              wanted=ctx["load"]["answers"]),
            "deliveries": _delivery_targets(running.filter(provider_id=ctx["provider_id"]), period),
        },
        "planner": {
            "cookie": _session_cookie(planner), "token": token[planner],
            "budget_page": _url("planning-budget", plan.pk), "dashboard": _url("monitoring-dashboard"),
            "budget_api": _url("api-plan-budget", plan.pk, query=f"?year={plan.start_year}"),
            "directory": [_url("portal-directory", query=f"?q={q}") for q in
                          ("assistenza+domiciliare", "centro+diurno", "trasporto", "casa")],
        },
        "observer": {
            "cookie": _session_cookie(observer), "token": token[observer], "region": _url("monitoring-region"),
            "region_api": _url("api-monitoring-region"),
        },
    }
    for persona in ("social_worker", "provider"):
        if not config[persona]["deliveries"]:
            raise NotAvailable(f"no referral the {persona} may log a delivery on")
    with tempfile.TemporaryDirectory() as folder, Server() as server:
        config_path = Path(folder, "config.json")
        config_path.write_text(json.dumps(config))
        prefix = str(Path(folder, "load"))
        command = [str(locust), "-f", str(Path(__file__).parent / "loadtest" / "locustfile.py"), "--headless",
                   "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s", "--host", server.url,
                   "--csv", prefix, "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"]
        bench.say(f"  locust: {users} users for {seconds} s, {len(config['provider']['to_answer'])} referrals to "
                  f"answer")
        finished = subprocess.run(command, cwd=settings.BASE_DIR, capture_output=True, text=True,  # noqa: S603
                                  timeout=seconds + 120, env={**os.environ, "AMBITO_LOAD_CONFIG": str(config_path)})
        stats_csv = Path(f"{prefix}_stats.csv")
        if not stats_csv.exists():
            raise AssertionError(f"locust wrote no statistics (exit {finished.returncode}):\n{finished.stderr[-2000:]}")
        failures_csv = Path(f"{prefix}_failures.csv")
        failures = failures_csv.read_text().splitlines()[1:6] if failures_csv.exists() else []
        for row in stats.bench_results(stats_csv.read_text(), users=users, seconds=seconds):
            bench.add(row.pop("name"), row.pop("value"), row.pop("unit"), **row)
    total_failures = next(r["value"] for r in bench.results if r["name"] == "load: failures")
    if total_failures:
        bench.failures.append(f"load: {total_failures} failed requests; first: {failures}")
        bench.say(f"  FAILED requests: {failures}")


GROUPS = {
    "territory": territory,
    "directory": directory,
    "plan_budget": plan_budget,
    "work_queue": work_queue,
    "case_list": case_list,
    "indicators": indicators,
    "api": api_throughput,
    "siuss": siuss,
    "stored": stored_indicators,
    "load": load,
}
