from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ambito.accounts"
    label = "accounts"
    verbose_name = _("Organisations and accounts")

    def ready(self):
        from ambito.accounts import twofactor  # noqa: F401 - connects the sign-in receiver of two-factor
