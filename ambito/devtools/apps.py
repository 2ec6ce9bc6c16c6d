from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "ambito.devtools"
    label = "devtools"
    verbose_name = "Ambito developer tools"
