import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count

from ambito.devtools import benchmarks
from ambito.devtools.bench import Bench
from ambito.devtools.synthetic import SYNTHETIC_PREFIX, seeded_ambiti


class Command(BaseCommand):
    help = "Seed a synthetic scale if missing, then measure the app against hand-written SQL (see README)."

    def add_arguments(self, parser):
        parser.add_argument("--ambiti", type=int, default=1)
        parser.add_argument("--residents-per-ambito", type=int, default=100_000)
        parser.add_argument("--years", type=int, default=1)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--only", nargs="*", choices=list(benchmarks.GROUPS), metavar="GROUP",
                            help=f"Run only these benchmark groups: {', '.join(benchmarks.GROUPS)}.")
        parser.add_argument("--load-seconds", type=int, default=120, help="Length of the load test (group load).")
        parser.add_argument("--load-users", type=int, default=15,
                            help="Simulated users of the load test: social workers, providers, planners 5:3:2, "
                                 "and one regional observer.")
        parser.add_argument("--load-answers", type=int, default=40,
                            help="Referrals waiting for the provider's answer at the start of the load test.")
        parser.add_argument("--output", default=str(Path(settings.VAR_DIR) / "bench.json"))

    def handle(self, *args, ambiti, residents_per_ambito, years, seed, only, output, load_seconds, load_users,
               load_answers, **options):
        if connection.vendor != "postgresql":
            raise CommandError("make bench measures PostgreSQL: set DATABASE_URL=postgres://…")
        started = time.monotonic()
        if seeded_ambiti() < ambiti:
            if seeded_ambiti():
                raise CommandError("A smaller synthetic scale is loaded: drop the bench database first.")
            call_command("seed_synthetic", ambiti=ambiti, residents_per_ambito=residents_per_ambito, years=years,
                         seed=seed, stdout=self.stdout)
        _analyze()
        scale = {"ambiti": seeded_ambiti(), "residents_per_ambito": residents_per_ambito, "years": years,
                 "seed": seed, "rows": _row_counts()}
        bench = Bench(scale=scale, stdout=self.stdout)
        ctx = _context()
        ctx["load"] = {"seconds": load_seconds, "users": load_users, "answers": load_answers}
        self.stdout.write(f"Scale: {scale}")
        for name, function in benchmarks.GROUPS.items():
            if only and name not in only:
                continue
            self.stdout.write(f"[{name}]")
            try:
                function(bench, ctx)
            except benchmarks.NotAvailable as missing:
                bench.notes.append(f"{name}: {missing}")
                self.stdout.write(f"  not measured: {missing}")
        bench.write(Path(output))
        if bench.failures:
            raise CommandError(f"Wrote {output}; failed: " + "; ".join(bench.failures))
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} in {time.monotonic() - started:.0f}s"))


def _analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _row_counts() -> dict:
    tables = ["territory_populationrecord", "network_service", "access_person", "access_accessrequest",
              "care_delivery", "care_referral"]
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - fixed table names
            counts[table] = cursor.fetchone()[0]
    return counts


def _context() -> dict:
    """Bench personas inside the first synthetic Ambito."""
    from ambito.accounts.models import Membership, Organisation, OrganisationKind
    from ambito.accounts.roles import Role
    from ambito.territory.models import Ambito

    ambito = Ambito.objects.filter(code__startswith=SYNTHETIC_PREFIX).order_by("pk").first()
    User = get_user_model()
    users = {}
    for username, role, kind in [("bench.planner", Role.PLANNER, OrganisationKind.PLANNING_OFFICE),
                                 ("bench.sw", Role.SOCIAL_WORKER, OrganisationKind.COMUNE),
                                 ("bench.case", Role.SOCIAL_WORKER, OrganisationKind.PLANNING_OFFICE)]:
        user, _ = User.objects.get_or_create(username=username)
        organisation = Organisation.objects.filter(ambito=ambito, kind=kind).order_by("pk").first()
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
        users[username] = user
    sw_org = Organisation.objects.filter(ambito=ambito, kind=OrganisationKind.COMUNE).order_by("pk").first()
    # The provider persona works for the ETS with the most referrals in the social worker's Comune.
    provider = (Organisation.objects.filter(ambito=ambito, kind=OrganisationKind.ETS,
                                            referrals__comune_id=sw_org.comune_id)
                .annotate(n=Count("referrals")).order_by("-n", "pk").first())
    user, _ = User.objects.get_or_create(username="bench.provider")
    Membership.objects.get_or_create(user=user, organisation=provider, role=Role.PROVIDER_OPERATOR)
    users["bench.provider"] = user
    # The regional observer (*osservatorio regionale*) of the synthetic region: every Ambito, aggregates only.
    region, _ = Organisation.objects.get_or_create(kind=OrganisationKind.REGION, region_code=ambito.region_code,
                                                   ambito=None, defaults={"name": ambito.region_name})
    user, _ = User.objects.get_or_create(username="bench.observer")
    Membership.objects.get_or_create(user=user, organisation=region, role=Role.REGIONAL_OBSERVER)
    users["bench.observer"] = user
    return {"ambito": ambito, "users": users, "sw_comuni": [sw_org.comune_id], "provider_id": provider.pk}
