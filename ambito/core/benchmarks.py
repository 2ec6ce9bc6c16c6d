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


GROUPS = {"territory": territory}
