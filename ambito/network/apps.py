from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _ensure_nomenclatore(sender, **kwargs):
    """Reference data, re-created after every migrate and every test flush (idempotent)."""
    from ambito.network.models import TaxonomyTerm
    from ambito.network.services import taxonomy_load_nomenclatore

    if not TaxonomyTerm.objects.exists():
        taxonomy_load_nomenclatore()


def _refresh_search(sender, instance, raw=False, **kwargs):
    """A service saved (or its Comuni changed) anywhere gets its search document again, so the directory finds
    it whoever wrote it (a demo loader, the admin, an import). Bulk writes call ``search.refresh``."""
    if raw or kwargs.get("action", "post_add") not in ("post_add", "post_remove", "post_clear"):
        return
    from ambito.network import search
    from ambito.network.models import Service

    if isinstance(instance, Service):
        search.refresh([instance])
    elif kwargs.get("pk_set"):  # comune.services.add(...): the services named
        search.refresh([Service(pk=pk) for pk in kwargs["pk_set"]])


class NetworkConfig(AppConfig):
    name = "ambito.network"
    label = "network"
    verbose_name = _("Services network")

    def ready(self):
        post_migrate.connect(_ensure_nomenclatore, sender=self, dispatch_uid="network_nomenclatore")
        from ambito.network.models import Service

        post_save.connect(_refresh_search, sender=Service, dispatch_uid="network_search_save")
        m2m_changed.connect(_refresh_search, sender=Service.comuni.through, dispatch_uid="network_search_comuni")
