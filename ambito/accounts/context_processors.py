"""What every page's header needs: the user's scope and menu entries, and the Ambito it is about."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from ambito.accounts.selectors import scope_for
from ambito.core.navigation import items_for
from ambito.territory.models import Ambito


def _current_ambito(scope):
    ambiti = Ambito.objects.order_by("pk")
    if scope.ambito_ids():
        ambiti = ambiti.filter(id__in=scope.ambito_ids())
    return ambiti.first()


def navigation(request):
    scope = scope_for(getattr(request, "user", None))
    return {
        "nav_items": items_for(scope),
        "user_scope": scope,
        "current_ambito": SimpleLazyObject(lambda: _current_ambito(scope)),
        "site_name": getattr(settings, "AMBITO_SITE_NAME", "Ambito"),
    }
