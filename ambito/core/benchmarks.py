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


def _cells(result) -> dict:
    return {cell.key: (None if cell.value is None else round(float(cell.value), 1)) for cell in result.cells}


def _sql_cells(rows) -> dict:
    return {str(row[0]): (None if row[1] is None else round(float(row[1]), 1)) for row in rows}


def _close(app: dict, sql: dict) -> bool:
    """Same keys, and values equal to the shown precision (the app rounds half-up, SQL's round is banker's)."""
    return app.keys() == sql.keys() and all(
        (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= 0.05 + 1e-9)
        for a, b in ((app[k], sql[k]) for k in app)
    )


def indicators(bench, ctx):
    """Each indicator through the app (scope, SQL-backed function, targets, small-cell rule) vs the same
    figure written by hand in SQL; the hand-written query also counts the persons behind each value, which
    the app needs for small-cell suppression."""
    try:
        from ambito.monitoring.indicators import compute
    except ImportError:
        raise NotAvailable("no monitoring app") from None
    from ambito.territory.models import Comune

    period = _period(ctx)
    comune_ids = list(Comune.objects.filter(ambito=ctx["ambito"]).values_list("id", flat=True))
    actor = ctx["users"]["bench.case"]
    start, end = period.start, period.end
    start_at, end_before = period.start_at, period.end_before

    def app(code, by=None):
        return lambda: _cells(compute(code, actor=actor, period=period, by=by))

    cases = [
        ("hours_delivered", "comune", """
            SELECT c.istat_code, SUM(d.hours), COUNT(DISTINCT d.person_id)
            FROM care_delivery d JOIN territory_comune c ON c.id = d.comune_id
            WHERE d.comune_id = ANY(%s) AND d.delivered_on BETWEEN %s AND %s GROUP BY c.istat_code""",
         [comune_ids, start, end]),
        ("waiting_days_median", "service", """
            SELECT wl.service_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY
                   EXTRACT(EPOCH FROM (e.admitted_at - COALESCE(r.received_at, e.entered_at))) / 86400.0), COUNT(*)
            FROM access_waitinglistentry e
            JOIN access_waitinglist wl ON wl.id = e.waiting_list_id
            JOIN access_person p ON p.id = e.person_id
            LEFT JOIN access_accessrequest r ON r.id = e.request_id
            WHERE e.status = 'admitted' AND e.admitted_at >= %s AND e.admitted_at < %s
              AND p.residence_comune_id = ANY(%s)
            GROUP BY wl.service_id""", [start_at, end_before, comune_ids]),
        ("days_to_first_delivery_median", None, """
            SELECT 'total', percentile_cont(0.5) WITHIN GROUP (ORDER BY
                   (f.first_day - (ar.received_at AT TIME ZONE %s)::date)), COUNT(*)
            FROM (SELECT referral_id, MIN(delivered_on) AS first_day FROM care_delivery GROUP BY referral_id) f
            JOIN care_referral r ON r.id = f.referral_id
            JOIN care_careplan cp ON cp.id = r.care_plan_id
            JOIN access_accessrequest ar ON ar.id = cp.request_id
            WHERE r.comune_id = ANY(%s) AND f.first_day BETWEEN %s AND %s""",
         ["Europe/Rome", comune_ids, start, end]),
    ]
    for code, by, sql, params in cases:
        bench.compare_with_sql(f"indicator {code}" + (f" by {by}" if by else ""), app(code, by),
                               lambda sql=sql, params=params: _sql_cells(run_sql(sql, params)), same=_close)


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
