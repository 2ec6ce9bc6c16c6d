from django.core.management.base import BaseCommand, CommandError

from ambito.core.backup import BackupError, backup_create, backup_key_from_environment, backup_key_generate


class Command(BaseCommand):
    help = ("Write an encrypted, compressed, consistent dump of the whole database to FILE "
            "(key from AMBITO_BACKUP_KEY). --generate-key prints a new key.")

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
        verbose = options["verbosity"] > 1
        try:
            summary = backup_create(
                path=path, key=backup_key_from_environment(), using=database,
                progress=(lambda table, rows: self.stdout.write(f"  {table}: {rows:,} rows")) if verbose else None,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Backup written to {summary.path}: {len(summary.tables)} tables, {summary.rows:,} rows, "
            f"{summary.files:,} stored files, {summary.size:,} bytes in {summary.chunks} encrypted chunks, "
            f"{summary.seconds:.1f}s."
        ))
        if summary.missing_files:
            self.stderr.write(self.style.WARNING(
                f"{summary.missing_files} stored files named by rows were missing on disk and are not in the backup."
            ))
