import time

from django.core.management.base import BaseCommand
from django.db import transaction

from ambito.devtools import synthetic
from ambito.devtools.synthetic import Scale, seeded_ambiti


class Command(BaseCommand):
    help = "Load a synthetic region (seeded, reproducible) for benchmarks. Skips when already seeded."

    def add_arguments(self, parser):
        parser.add_argument("--ambiti", type=int, default=1)
        parser.add_argument("--residents-per-ambito", type=int, default=100_000)
        parser.add_argument("--years", type=int, default=1)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, ambiti, residents_per_ambito, years, seed: int, **options):
        scale = Scale(ambiti=ambiti, residents_per_ambito=residents_per_ambito, years=years, seed=seed)
        present = seeded_ambiti()
        if present:
            self.stdout.write(f"{present} synthetic Ambiti already present: nothing to do.")
            return
        started = time.monotonic()
        self.stdout.write(f"Seeding {ambiti} Ambiti × {residents_per_ambito:,} residents, {years} year(s), seed {seed}…")
        with transaction.atomic():
            gen = synthetic.seed(scale, stdout=self.stdout)
        total = sum(gen.counts.values())
        self.stdout.write(self.style.SUCCESS(f"{total:,} rows in {time.monotonic() - started:.1f}s"))
