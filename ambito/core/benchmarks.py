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


GROUPS = {
    "territory": territory,
    "directory": directory,
    "plan_budget": plan_budget,
    "work_queue": work_queue,
    "case_list": case_list,
}
