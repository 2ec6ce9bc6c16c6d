from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "ambito.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        # writes to the indicators' sources mark the stored values stale (the source apps import nothing here)
        from ambito.monitoring import materialise

        materialise.connect()
