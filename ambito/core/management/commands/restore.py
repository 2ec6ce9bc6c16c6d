from django.core.management.base import BaseCommand, CommandError

from ambito.core.backup import BackupError, backup_key_from_environment, backup_restore, backup_verify


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup` into an empty, migrated database, all or nothing "
            "(key from AMBITO_BACKUP_KEY). --check only reads and verifies the file.")

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE")
        parser.add_argument("--replace", action="store_true",
                            help="delete everything in the database first (otherwise a non-empty database is refused)")
        parser.add_argument("--check", action="store_true",
                            help="decrypt and verify the whole file without touching the database")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path, replace=False, check=False, database="default", **options):
        verbose = options["verbosity"] > 1
        try:
            key = backup_key_from_environment()
            if check:
                summary = backup_verify(path=path, key=key)
            else:
                summary = backup_restore(
                    path=path, key=key, replace=replace, using=database,
                    progress=(lambda table, rows: self.stdout.write(f"  {table}: {rows:,} rows")) if verbose else None,
                )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if summary.mismatches:
            raise CommandError("The backup's rows do not match its header:\n  " + "\n  ".join(summary.mismatches))
        if options["verbosity"] > 0:
            width = max(map(len, summary.tables), default=10)
            for table, rows in summary.tables.items():
                if rows:
                    self.stdout.write(f"  {table.ljust(width)}  {rows:>10,}")
        verb = "Verified" if summary.checked_only else "Restored"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {summary.rows:,} rows in {len(summary.tables)} tables and {summary.files:,} stored files from the backup of {summary.created_at} "
            f"({summary.source_vendor}); every table's row count matches the backup's header. {summary.seconds:.1f}s."
        ))
