"""manage.py import_hsds PATH [--ambito CODE] [--approve [--comuni ISTAT,...]] — HSDS 3.0 records (services,
organizations, locations, taxonomies) from a JSON file or a CSV data package folder, validated against the
official schemas; all or nothing, with a report naming each bad record.

By default the file waits for the planning office's review (/rete/importazioni/): nothing reaches the
catalogue, nor the public directory, until the office approves it and names the Comuni it covers.
``--approve`` writes it at once, as an approval by the administrator running the command (restoring an
export of this same Ambito, for instance); ``--comuni`` are then the Comuni of services that name none."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ambito.core.imports import ImportRejected
from ambito.network.hsds import read_documents
from ambito.network.services import hsds_import_approve, hsds_import_stage
from ambito.territory.models import Ambito, Comune


class Command(BaseCommand):
    help = "Import Open Referral HSDS 3.0 records (JSON file or CSV data package folder) for review."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--ambito", help="Code of the Ambito the services belong to (default: the only one).")
        parser.add_argument("--approve", action="store_true", help="Write the records at once, without review.")
        parser.add_argument("--comuni", default="", help="ISTAT codes of the Comuni covered by services that "
                                                         "name none (with --approve).")

    def handle(self, *args, path, ambito=None, approve=False, comuni="", **options):
        source = Path(path)
        if not source.exists():
            raise CommandError(f"{source} does not exist")
        ambiti = Ambito.objects.filter(code=ambito) if ambito else Ambito.objects.all()
        if ambiti.count() != 1:
            raise CommandError("Name the Ambito with --ambito CODE.")
        codes = [c.strip() for c in comuni.split(",") if c.strip()]
        chosen = list(Comune.objects.filter(istat_code__in=codes))
        if len(chosen) != len(set(codes)):
            raise CommandError("Unknown ISTAT code in --comuni.")
        try:
            batch = hsds_import_stage(actor=None, ambito=ambiti.get(), documents=read_documents(source),
                                      source_name=source.name or str(source))
            if not approve:
                self.stdout.write(f"{len(batch.documents)} records waiting for review (import {batch.pk})")
                return
            result = hsds_import_approve(actor=None, batch=batch, comuni=chosen)
        except ImportRejected as rejected:
            raise CommandError("Nothing imported.\n" + rejected.report()) from rejected
        except ValidationError as error:
            raise CommandError("Nothing imported.\n" + "; ".join(error.messages)) from error
        self.stdout.write(
            f"{result['services']} services, {result['organisations']} organisations, "
            f"{result['locations']} locations, {result['taxonomies']} taxonomy records imported"
        )
