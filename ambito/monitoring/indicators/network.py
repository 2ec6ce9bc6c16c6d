"""LEPS presence from the services catalogue (``network``): is there, in each Comune, an active service
of the kind the essential level asks for? A service counts when its type matches or it is tagged with the
LEPS (L. 234/2021 art. 1 c. 170: PUA, protected discharges, social emergency service). Each Comune
scores 100 (present) or 0 (absent); the Ambito's value is the share of its Comuni covered. The catalogue
holds the current state, so the value is read at the time of the request."""

from django.db.models import Case, Exists, FloatField, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from ambito.monitoring.indicators import Breakdown, Direction, IndicatorDefinition, register
from ambito.monitoring.indicators.common import grouped
from ambito.monitoring.sql import JsonListHas

LEPS_PRESENCE = [
    # code, name, LEPS code, service type
    ("leps_pua_coverage", _("Single point of access (PUA) in the Comune"), "pua", "pua", 30),
    ("leps_protected_discharge_coverage", _("Protected-discharge service in the Comune"), "protected_discharge",
     None, 31),
    ("leps_social_emergency_coverage", _("Social emergency service in the Comune"), "social_emergency",
     "social_emergency", 32),
]


def _presence(leps_code, service_type):
    from ambito.network.models import Service
    from ambito.territory.models import Comune

    def comuni(query):
        services = Service.objects.filter(comuni=OuterRef("pk"), active=True).filter(
            JsonListHas("leps", leps_code) | (Q(service_type=service_type) if service_type else Q(pk__in=[]))
        )
        return Comune.objects.filter(id__in=query.comune_ids).annotate(
            present=Case(When(Exists(services), then=Value(100.0)), default=Value(0.0), output_field=FloatField())
        )

    def compute(query):
        from django.db.models import Avg

        return grouped(query, f"network.presence.{leps_code}.{service_type}", comuni,
                       {Breakdown.COMUNE: "istat_code"}, Avg("present"), places=1)

    return compute


def _full_coverage(query, cells):
    from decimal import Decimal

    return {cell.key: Decimal(100) for cell in cells}


for code, name, leps_code, service_type, order in LEPS_PRESENCE:
    register(IndicatorDefinition(
        code=code, name=name, unit="percent", source="network",
        formula=_("Comuni with at least one active service of this essential level × 100 / Comuni."),
        breakdowns=(Breakdown.COMUNE,), compute=_presence(leps_code, service_type),
        direction=Direction.HIGHER_IS_BETTER, target=_full_coverage,
        target_description=_("Every Comune covered (LEPS, L. 234/2021)."), order=order,
    ))
