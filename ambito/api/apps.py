from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "ambito.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        install_text_validator()
        install_date_validator()


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


def install_date_validator():
    """Every DRF ``DateField`` and ``DateTimeField`` checks that the date falls in a sane range
    (``ambito.core.validators``: by the field's name, e.g. a birth date not in the future), the same rule as
    the forms, with the same one hook."""
    from rest_framework import fields

    from ambito.core.validators import SerializerDateValidator

    for cls in (fields.DateField, fields.DateTimeField):
        if cls.__dict__.get("_ambito_date_validator", False):
            continue
        original = cls.__init__

        def __init__(self, *args, _original=original, **kwargs):
            _original(self, *args, **kwargs)
            self.validators.append(SerializerDateValidator())

        cls.__init__ = __init__
        cls._ambito_date_validator = True
