"""manage.py export_hsds DIR — the whole catalogue as Open Referral HSDS 3.0: DIR/services.json and the
tabular data package (DIR/datapackage.json and one CSV per resource)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from ambito.network.hsds import dumps_json, export_documents, export_tables


class Command(BaseCommand):
    help = "Export the services catalogue as Open Referral HSDS 3.0 (JSON and CSV data package)."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        documents = export_documents()
        (folder / "services.json").write_text(dumps_json(documents), encoding="utf-8")
        for name, text in export_tables(documents).items():
            (folder / name).write_text(text, encoding="utf-8")
        self.stdout.write(f"{len(documents)} services written to {folder}")
