"""Remind providers of referrals not answered within the agreed days. Run it daily (cron or a scheduler)."""

from django.core.management.base import BaseCommand

from ambito.care.services import referral_reminders_send


class Command(BaseCommand):
    help = "E-mail a reminder for each referral still unanswered after its agreed days (once a day at most)."

    def handle(self, *args, **options):
        reminded = referral_reminders_send()
        self.stdout.write(f"{len(reminded)} referral reminder(s) sent")
