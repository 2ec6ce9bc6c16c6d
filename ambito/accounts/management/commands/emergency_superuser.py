"""Grant or revoke a Django superuser, for emergencies only (docs/operations.md §5).

Day-to-day administration is the administrator role's (a staff user with an administrator membership): user
accounts, organisations, memberships and reference data in ``/admin/``. A superuser sees the same admin pages,
without person data, and nothing more in the application (the authorisation matrix ignores the flag); it is
needed only when no administrator can sign in, e.g. to give the role back. Every grant and revocation is
written to the ``ambito.security`` log with its reason."""

import logging
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

logger = logging.getLogger("ambito.security")


class Command(BaseCommand):
    help = ("Make USERNAME a superuser for an emergency (a new account gets a one-time password, shown once), or "
            "take the flag away again with --revoke. Every use is logged with its reason.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--reason", help="Why a superuser is needed (logged).")
        group.add_argument("--revoke", action="store_true",
                           help="Take superuser and staff status away (memberships are kept).")

    @transaction.atomic
    def handle(self, *args, username, reason=None, revoke=False, **options):
        User = get_user_model()
        if revoke:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"no user {username!r}")
            user.is_superuser = user.is_staff = False
            user.save(update_fields=["is_superuser", "is_staff"])
            logger.warning("emergency superuser revoked: user id %s", user.pk)
            self.stdout.write(f"{username} is no longer a superuser")
            return
        if not reason or not reason.strip():
            raise CommandError("give the reason with --reason")
        user, created = User.objects.get_or_create(username=username)
        password = ""
        if created:
            password = secrets.token_urlsafe(18)
            user.set_password(password)
        user.is_superuser = user.is_staff = user.is_active = True
        user.save()
        logger.warning("emergency superuser granted: user id %s (%s), reason: %s", user.pk,
                       "new account" if created else "existing account", reason.strip()[:200])
        self.stdout.write(f"{username} is a superuser until `manage.py emergency_superuser {username} --revoke`")
        if password:
            self.stdout.write(f"password of the new account, shown only now: {password}")
