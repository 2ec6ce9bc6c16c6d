from django.core.management.base import BaseCommand, CommandError

from ambito.core.backup import BackupError, backup_create, backup_key_from_environment, backup_key_generate


class Command(BaseCommand):
    help = ("Write an encrypted backup of the database (pg_dump -Fc, or SQLite's backup API) and the stored files "
            "to FILE (key from AMBITO_BACKUP_KEY or AMBITO_BACKUP_KEY_FILE). --generate-key prints a new key.")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", metavar="FILE", help="where to write the backup")
        parser.add_argument("--generate-key", action="store_true", help="print a new key and exit")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path=None, generate_key=False, database="default", **options):
        if generate_key:
            self.stdout.write(backup_key_generate())
            return
        if not path:
            raise CommandError("Name the file to write: manage.py backup FILE")
        try:
            summary = backup_create(path=path, key=backup_key_from_environment(), using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 1:
            for table, rows in summary.manifest["tables"].items():
                self.stdout.write(f"  {table}: {rows:,} rows")
        self.stdout.write(self.style.SUCCESS(
            f"Backup written to {path}: {len(summary.manifest['tables'])} tables, {summary.rows:,} rows, "
            f"{summary.files:,} stored files, {summary.size:,} bytes, {summary.seconds:.1f}s."
        ))
