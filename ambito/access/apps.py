from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_standard_scales(sender, **kwargs):
    """Reference data, re-created after every migrate and every test flush (idempotent)."""
    from ambito.access.models import Scale, ScaleItem
    from ambito.access.scales import STANDARD_SCALES, scales_ensure

    if Scale.objects.filter(code__in=[s["code"] for s in STANDARD_SCALES]).count() < len(STANDARD_SCALES):
        scales_ensure(Scale, ScaleItem)


class AccessConfig(AppConfig):
    name = "ambito.access"
    label = "access"
    verbose_name = _("PUA access")

    def ready(self):
        from ambito.access import rules
        from ambito.accounts import authorization

        authorization.register_persons(rules.PERSON_FACTS)  # the matrix's relations through persons
        post_migrate.connect(_ensure_standard_scales, sender=self, dispatch_uid="access_standard_scales")
