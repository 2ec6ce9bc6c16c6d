from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "ambito.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        install_text_validator()


def install_text_validator():
    """Every DRF ``CharField`` (declared or built by a ModelSerializer, with or without its own validators)
    refuses control and text-direction characters, as DRF's own ``CharField.__init__`` appends its NUL check:
    one hook here rather than a base class every serializer of every app would have to remember."""
    from rest_framework import fields

    from ambito.core.text import SerializerTextValidator

    if getattr(fields.CharField, "_ambito_text_validator", False):
        return
    original = fields.CharField.__init__

    def __init__(self, **kwargs):
        original(self, **kwargs)
        self.validators.append(SerializerTextValidator())

    fields.CharField.__init__ = __init__
    fields.CharField._ambito_text_validator = True
