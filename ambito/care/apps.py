from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "ambito.care"
    label = "care"
    verbose_name = _("Care")

    def ready(self):
        from ambito.care import work_queue

        work_queue.register()  # care's sections of the PUA work queue (access.work_queue)
