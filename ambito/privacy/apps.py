from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "ambito.privacy"
    label = "privacy"
    verbose_name = _("Data protection")

    def ready(self):
        from ambito.privacy.history import register_auditlog

        register_auditlog()
