"""Demo catalogue of the Ambito di Monza (fictional services on real Comuni)."""

from ambito.network.models import CapacityUnit, Service
from ambito.network.taxonomy import Area, Leps, ServiceType

SERVICES = [
    # key, name, provider key, type, area, comuni keys (None = all), capacity, unit, target wait, leps
    ("sad_monza", "Assistenza domiciliare (SAD) — Monza", "coop_ponte", ServiceType.SAD, Area.ELDERLY, ["monza"],
     600, CapacityUnit.HOURS_PER_WEEK, 30, [Leps.HOME_CARE_ELDERLY]),
    ("sad_brugherio", "Assistenza domiciliare (SAD) — Brugherio e Villasanta", "coop_spazio", ServiceType.SAD,
     Area.ELDERLY, ["brugherio", "villasanta"], 240, CapacityUnit.HOURS_PER_WEEK, 30, [Leps.HOME_CARE_ELDERLY]),
    ("adi", "Assistenza domiciliare integrata (ADI)", "asst", ServiceType.ADI, Area.ELDERLY, None,
     900, CapacityUnit.HOURS_PER_WEEK, 15, [Leps.PROTECTED_DISCHARGE]),
    ("school", "Assistenza educativa scolastica per alunni con disabilità", "coop_ponte",
     ServiceType.SCHOOL_INTEGRATION, Area.DISABILITY, None, 1400, CapacityUnit.HOURS_PER_WEEK, 20, []),
    ("cdd", "Centro diurno disabili (CDD) Il Girasole", "fondazione_casa", ServiceType.DAY_CENTRE,
     Area.DISABILITY, None, 30, CapacityUnit.PLACES, 90, []),
    ("pua", "Punto Unico di Accesso (PUA)", "udp", ServiceType.PUA, Area.MULTI_USER, None, None,
     CapacityUnit.PLACES, None, [Leps.PUA]),
]


def load(ctx):
    for key, name, provider_key, service_type, area, comuni_keys, capacity, unit, target, leps in SERVICES:
        service, created = Service.objects.get_or_create(
            ambito=ctx.ambito,
            name=name,
            defaults={
                "provider": ctx.organisations[provider_key],
                "service_type": service_type,
                "area": area,
                "capacity": capacity,
                "capacity_unit": unit,
                "target_wait_days": target,
                "leps": [str(code) for code in leps],
            },
        )
        if created:
            keys = comuni_keys or list(ctx.comuni)
            service.comuni.set([ctx.comuni[k] for k in keys])
        ctx.services[key] = service
