"""manage.py import_hsds PATH [--ambito CODE] — HSDS 3.0 services from a JSON file or a CSV data package
folder, validated against the official schema; all or nothing, with a report naming each bad record."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ambito.core.imports import ImportRejected
from ambito.network.hsds import import_documents, read_documents
from ambito.territory.models import Ambito


class Command(BaseCommand):
    help = "Import Open Referral HSDS 3.0 services (JSON file or CSV data package folder)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--ambito", help="Code of the Ambito the services belong to (default: the only one).")

    def handle(self, *args, path, ambito=None, **options):
        source = Path(path)
        if not source.exists():
            raise CommandError(f"{source} does not exist")
        ambiti = Ambito.objects.filter(code=ambito) if ambito else Ambito.objects.all()
        if ambiti.count() != 1:
            raise CommandError("Name the Ambito with --ambito CODE.")
        try:
            result = import_documents(read_documents(source), ambito=ambiti.get())
        except ImportRejected as rejected:
            raise CommandError("Nothing imported.\n" + rejected.report()) from rejected
        self.stdout.write(
            f"{result['services']} services, {result['organisations']} organisations, "
            f"{result['locations']} locations imported"
        )
