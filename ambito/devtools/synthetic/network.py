"""A catalogue per synthetic Ambito: the service types every Ambito runs, one provider each."""

from ambito.devtools.synthetic import as_json
from ambito.network.models import CapacityUnit, Service
from ambito.network.taxonomy import Area, ServiceType

CATALOGUE = [
    (ServiceType.SAD, Area.ELDERLY, 30), (ServiceType.ADI, Area.ELDERLY, 15),
    (ServiceType.SCHOOL_INTEGRATION, Area.DISABILITY, 20), (ServiceType.DAY_CENTRE, Area.DISABILITY, 90),
    (ServiceType.RESIDENTIAL, Area.ELDERLY, 180), (ServiceType.ECONOMIC_SUPPORT, Area.POVERTY, 30),
    (ServiceType.FAMILY_CENTRE, Area.FAMILY_MINORS, 15), (ServiceType.EDUCATIONAL, Area.FAMILY_MINORS, 30),
    (ServiceType.MENTAL_HEALTH_SUPPORT, Area.MENTAL_HEALTH, 30), (ServiceType.PUA, Area.MULTI_USER, None),
    (ServiceType.SOCIAL_EMERGENCY, Area.MULTI_USER, None), (ServiceType.ANTI_VIOLENCE, Area.FAMILY_MINORS, 7),
    (ServiceType.HOUSING, Area.POVERTY, 60), (ServiceType.TRANSPORT, Area.DISABILITY, 15),
    (ServiceType.YOUTH, Area.FAMILY_MINORS, None), (ServiceType.INFO_POINT, Area.MULTI_USER, None),
]
NAMES = {
    ServiceType.SAD: "Assistenza domiciliare", ServiceType.ADI: "Assistenza domiciliare integrata",
    ServiceType.SCHOOL_INTEGRATION: "Assistenza educativa scolastica", ServiceType.DAY_CENTRE: "Centro diurno disabili",
    ServiceType.RESIDENTIAL: "RSA convenzionata", ServiceType.ECONOMIC_SUPPORT: "Contributi economici",
    ServiceType.FAMILY_CENTRE: "Centro per la famiglia", ServiceType.EDUCATIONAL: "Educativa domiciliare minori",
    ServiceType.MENTAL_HEALTH_SUPPORT: "Progetti di salute mentale", ServiceType.PUA: "Punto unico di accesso",
    ServiceType.SOCIAL_EMERGENCY: "Pronto intervento sociale", ServiceType.ANTI_VIOLENCE: "Centro antiviolenza",
    ServiceType.HOUSING: "Sportello casa", ServiceType.TRANSPORT: "Trasporto sociale",
    ServiceType.YOUTH: "Centro giovani", ServiceType.INFO_POINT: "Info-point oncologico",
}


def seed(gen):
    organisations = gen.state["organisations"]
    comuni_by_ambito: dict[int, list[int]] = {}
    for comune_id, ambito_id, _ in gen.state["comuni"]:
        comuni_by_ambito.setdefault(ambito_id, []).append(comune_id)
    ids = iter(gen.reserve_ids(Service, len(organisations) * len(CATALOGUE)))
    rows, links, services, providers = [], [], {}, {}
    for ambito_id, orgs in organisations.items():
        for n, (service_type, area, wait) in enumerate(CATALOGUE):
            pk = next(ids)
            provider = orgs["health"] if service_type == ServiceType.ADI else orgs["ets"][n % len(orgs["ets"])]
            hours = service_type in (ServiceType.SAD, ServiceType.ADI, ServiceType.SCHOOL_INTEGRATION)
            rows.append((pk, ambito_id, provider, f"{NAMES[service_type]} — Ambito {ambito_id}", service_type, area,
                         as_json([]), CapacityUnit.HOURS_PER_WEEK if hours else CapacityUnit.PLACES,
                         gen.rng.randint(20, 900), wait, True))
            services[(ambito_id, str(service_type))] = pk
            providers[pk] = provider
            links.extend((pk, comune_id) for comune_id in comuni_by_ambito[ambito_id])
    gen.load(Service, ["id", "ambito_id", "provider_id", "name", "service_type", "area", "leps", "capacity_unit",
                       "capacity", "target_wait_days", "active"], rows)
    through = Service.comuni.through
    link_ids = gen.reserve_ids(through, len(links))
    gen.load(through, ["id", "service_id", "comune_id"], ((i, s, c) for i, (s, c) in zip(link_ids, links, strict=True)))
    gen.state["services"] = services
    gen.state["service_provider"] = providers
