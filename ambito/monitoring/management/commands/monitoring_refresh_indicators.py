"""Recompute the stored indicator values of every Ambito (or of one). Run it nightly (cron, see
docs/operations.md): the year to date moves on by a day, and writes that sent no signal are caught up."""

from django.core.management.base import BaseCommand

from ambito.monitoring.materialise import indicator_cells_refresh, refresh_start
from ambito.territory.models import Ambito


class Command(BaseCommand):
    help = "Recompute the stored indicator values the dashboard, the annual report and the API read."

    def add_arguments(self, parser):
        parser.add_argument("--ambito", help="Only this Ambito (its code).")
        parser.add_argument("--queue", action="store_true",
                            help="Queue one background job per Ambito for the task worker instead of running now.")

    def handle(self, *args, **options):
        ambiti = Ambito.objects.order_by("code")
        if options["ambito"]:
            ambiti = ambiti.filter(code=options["ambito"])
        for ambito in ambiti:
            if options["queue"]:
                job = refresh_start(actor=None, ambito=ambito)
                self.stdout.write(f"{ambito.code}: refresh queued as job {job.pk}")
            else:
                stored = indicator_cells_refresh(ambito=ambito)
                self.stdout.write(f"{ambito.code}: {stored} values stored")
