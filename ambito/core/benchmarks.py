"""The benchmark groups of `make bench`, in the order they run. Each takes (bench, ctx)."""

from django.test import Client

from ambito.core.bench import run_sql


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

    last = Delivery.objects.order_by("-delivered_on").values_list("delivered_on", flat=True).first()
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
    from ambito.core.bench_indicators import TWINS, app_cells, same, sql_cells
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
    """The SIUSS PS-PSA export of every benefit delivered in the year, streamed to a file."""
    import tempfile

    try:
        from ambito.monitoring.siuss import psa_write
    except ImportError:
        raise NotAvailable("no SIUSS export") from None
    from ambito.care.models import Delivery
    from ambito.territory.models import Comune

    comune_ids = list(Comune.objects.values_list("id", flat=True))
    year = _period(ctx).start.year
    deliveries = Delivery.objects.filter(delivered_on__year=year).count()

    def export():
        with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as handle:
            return psa_write(handle, comune_ids=comune_ids, year=year)

    bench.memory(f"SIUSS PS-PSA export over {deliveries:,} deliveries", export, rows_of=lambda rows: rows)
    bench.results[-2]["deliveries_per_s"] = round(deliveries * bench.results[-2]["value"] / max(1, bench.results[-2]["rows"]))


def api_throughput(bench, ctx):
    """Requests per second under gunicorn (2 workers) driven by wrk from loopback, vs a bare JSON view."""
    import json
    import shutil
    import tempfile

    from rest_framework.authtoken.models import Token

    from ambito.access.models import Person
    from ambito.core.bench import Server, wrk

    if shutil.which("wrk") is None:
        raise NotAvailable("wrk is not installed (make bench installs it)")
    token, _ = Token.objects.get_or_create(user=ctx["users"]["bench.sw"])
    person = Person.objects.filter(residence_comune__in=ctx["sw_comuni"]).order_by("pk").first()
    with Server() as server:
        baseline = wrk(f"{server.url}/healthz")
        reads = wrk(f"{server.url}/api/v1/requests/?page=2", token=token.key)
        bench.add("GET /api/v1/requests/?page=2 throughput", reads, "req/s", baseline=baseline,
                  ratio=reads / baseline)
        body = json.dumps({"person": person.pk, "channel": "pua_desk", "need": "Richiesta di prova del benchmark",
                           "area": "anziani", "urgency": 2})
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(f'wrk.method = "POST"\nwrk.body = [[{body}]]\n'
                         'wrk.headers["Content-Type"] = "application/json"\n')
        writes = wrk(f"{server.url}/api/v1/requests/", token=token.key, script=script.name)
        bench.add("POST /api/v1/requests/ throughput", writes, "req/s", baseline=baseline, ratio=writes / baseline)


GROUPS = {
    "territory": territory,
    "directory": directory,
    "plan_budget": plan_budget,
    "work_queue": work_queue,
    "case_list": case_list,
    "indicators": indicators,
    "api": api_throughput,
    "siuss": siuss,
}
