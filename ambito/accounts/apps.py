from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ambito.accounts"
    label = "accounts"
    verbose_name = _("Organisations and accounts")

    def ready(self):
        from ambito.accounts import admin_policy, twofactor  # noqa: F401 - twofactor connects its sign-in receiver

        # The admin modules are loaded by now (django.contrib.admin is the first installed app).
        admin_policy.apply()
