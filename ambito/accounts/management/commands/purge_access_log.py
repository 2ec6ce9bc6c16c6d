"""Delete access log entries older than ACCESS_LOG_RETENTION_DAYS. Run it daily (cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from ambito.accounts.services import access_log_purge, access_log_retention_days
from ambito.core.services import job_start


class Command(BaseCommand):
    help = "Delete access log entries past their retention period (the only delete the log allows)."

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="store_true",
                            help="Queue the purge as a background job for the task worker instead of running it now.")

    def handle(self, *args, **options):
        if options["queue"]:
            job = job_start(kind="accounts.access_log_purge", actor=None, params={}, title="Access log retention purge")
            self.stdout.write(f"purge queued as job {job.pk}")
            return
        deleted = access_log_purge()
        self.stdout.write(f"{deleted} access log entr{'y' if deleted == 1 else 'ies'} older than "
                          f"{access_log_retention_days()} days deleted")
