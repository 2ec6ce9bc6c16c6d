from django.core.management.base import BaseCommand, CommandError

from ambito.core.backup import BackupError, backup_key_from_environment, backup_restore


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup` into an empty database, then migrate it to this release, "
            "all or nothing (key from AMBITO_BACKUP_KEY or AMBITO_BACKUP_KEY_FILE).")

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE")
        parser.add_argument("--replace", action="store_true",
                            help="replace a database that holds data (otherwise it is refused)")
        parser.add_argument("--check", action="store_true",
                            help="decrypt and verify the whole file without touching the database")
        parser.add_argument("--extract", metavar="DIR",
                            help="decrypt and verify, then unpack the manifest, the dump and the files into the new "
                                 "directory DIR (in clear: delete it when done)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path, replace=False, check=False, extract=None, database="default", **options):
        try:
            summary = backup_restore(path=path, key=backup_key_from_environment(), using=database, replace=replace,
                                     check=check, extract_to=extract)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = summary.manifest
        if options["verbosity"] > 1:
            for table, rows in manifest["tables"].items():
                self.stdout.write(f"  {table}: {rows:,} rows")
        what = (f"{summary.rows:,} rows in {len(manifest['tables'])} tables and {summary.files:,} stored files of the "
                f"{manifest['engine']} backup of {manifest['created_at']}")
        if extract:
            self.stdout.write(self.style.SUCCESS(f"Verified and unpacked {what} into {extract}."))
            self.stderr.write(self.style.WARNING(f"{extract} holds personal data in clear: delete it when done."))
        elif check:
            self.stdout.write(self.style.SUCCESS(f"Verified {what}; {summary.seconds:.1f}s."))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Restored {what}; every table's row count matched the manifest, then the database was migrated "
                f"to this release. {summary.seconds:.1f}s."
            ))
