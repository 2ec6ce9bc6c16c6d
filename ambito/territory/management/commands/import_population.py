from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ambito.core.imports import ImportRejected
from ambito.territory.services import population_import


class Command(BaseCommand):
    help = "Import an ISTAT 'Popolazione residente al 1° gennaio' CSV (by Comune, age and sex). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, help="Reference year, when the title line does not give it.")

    def handle(self, *args, file: Path, year=None, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            result = population_import(data=file.read_bytes(), source_name=file.name, year=year)
        except ImportRejected as rejected:
            self.stderr.write(f"{file.name}: rejected, nothing imported. {len(rejected.errors)} problem(s):")
            for error in rejected.errors:
                self.stderr.write(f"  {error}")
            raise CommandError("population file rejected") from None
        names = ", ".join(c.name for c in result.comuni)
        self.stdout.write(self.style.SUCCESS(f"{file.name}: year {result.year}, {result.rows} age rows for {names}."))
