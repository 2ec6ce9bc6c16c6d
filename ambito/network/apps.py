from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_nomenclatore(sender, **kwargs):
    """Reference data, re-created after every migrate and every test flush (idempotent)."""
    from ambito.network.models import TaxonomyTerm
    from ambito.network.services import taxonomy_load_nomenclatore

    if not TaxonomyTerm.objects.exists():
        taxonomy_load_nomenclatore()


class NetworkConfig(AppConfig):
    name = "ambito.network"
    label = "network"
    verbose_name = _("Services network")

    def ready(self):
        post_migrate.connect(_ensure_nomenclatore, sender=self, dispatch_uid="network_nomenclatore")
