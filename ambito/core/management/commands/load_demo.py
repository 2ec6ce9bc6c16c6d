from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ambito.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Build (or complete) the demo Ambito of Monza. Idempotent. Refused when DEBUG is off."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="Do not print the demo accounts.")

    def handle(self, *args, quiet_accounts=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "The demo Ambito has accounts with published passwords: it is loaded only with DEBUG on."
            )
        self.stdout.write("Loading the demo Ambito (idempotent)…")
        with transaction.atomic():
            ctx = load_demo(stdout=self.stdout)
        if quiet_accounts:
            return
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD})"))
        width = max(len(a[0]) for a in ctx.accounts) if ctx.accounts else 10
        for username, role, organisation, hint in ctx.accounts:
            self.stdout.write(f"  {username.ljust(width)}  {role} — {organisation}. {hint}")
