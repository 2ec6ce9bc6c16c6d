from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ambito.core"
    label = "core"
    verbose_name = _("Ambito")

    def ready(self):
        # Each app's job handlers register themselves on import.
        for config in apps.get_app_configs():
            if config.name.startswith("ambito."):
                try:
                    import_module(f"{config.name}.jobs")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.jobs":
                        raise
