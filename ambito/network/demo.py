"""Demo catalogue of the Ambito di Monza: fictional services, providers and info-point contacts on real
Comuni. Keys of ``ctx.services`` used by other apps: sad_monza, sad_brugherio, adi, school, cdd, pua."""

import datetime as dt
from decimal import Decimal

from ambito.network import search
from ambito.network.models import (
    AccreditationStatus,
    CapacityUnit,
    ContactChannel,
    ContactTopic,
    InfoPointContact,
    LegalForm,
    Location,
    ProviderProfile,
    RuntsSection,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from ambito.network.services import synonyms_load_defaults, taxonomy_load_nomenclatore
from ambito.network.taxonomy import Area, Fee, Leps, ServiceType
from ambito.network.taxonomy import TargetGroup as T

PROFILES = {
    # organisation key: legal form, RUNTS (number, section), areas, accreditation (status, date, expiry), contact
    "coop_ponte": (LegalForm.SOCIAL_COOPERATIVE, ("MB-2022-004512", RuntsSection.SOCIAL_ENTERPRISE),
                   [Area.ELDERLY, Area.DISABILITY, Area.FAMILY_MINORS],
                   (AccreditationStatus.ACCREDITED, dt.date(2023, 1, 1), dt.date(2026, 12, 31)),
                   ("Marta Oggioni", "accoglienza@coopilponte.example", "039 200 1100"),
                   "Cooperativa sociale di tipo A: assistenza domiciliare ed educativa scolastica."),
    "coop_spazio": (LegalForm.SOCIAL_COOPERATIVE, ("MB-2022-007781", RuntsSection.SOCIAL_ENTERPRISE),
                    [Area.ELDERLY, Area.DISABILITY],
                    (AccreditationStatus.ACCREDITED, dt.date(2024, 3, 1), dt.date(2027, 2, 28)),
                    ("Dario Sangalli", "info@spazioaperto.example", "039 287 4400"),
                    "Cooperativa sociale: domiciliarità, trasporto e sollievo per le famiglie."),
    "odv_oncologia": (LegalForm.ASSOCIATION, ("MB-2023-001207", RuntsSection.ODV), [Area.MULTI_USER],
                      (AccreditationStatus.NONE, None, None),
                      ("Roberta Villa", "infopoint@insiemecontroilcancro.example", "039 233 9090"),
                      "Volontari al fianco di pazienti oncologici e caregiver."),
    "fondazione_casa": (LegalForm.FOUNDATION, ("MB-2022-002020", RuntsSection.OTHER),
                        [Area.DISABILITY, Area.ELDERLY, Area.POVERTY, Area.FAMILY_MINORS],
                        (AccreditationStatus.ACCREDITED, dt.date(2022, 6, 1), dt.date(2027, 5, 31)),
                        ("Franco Galbiati", "segreteria@casaamica.example", "039 730 1200"),
                        "Fondazione: centri diurni, accoglienza e centro antiviolenza."),
    "aps_giovani": (LegalForm.ASSOCIATION, ("MB-2023-003344", RuntsSection.APS),
                    [Area.FAMILY_MINORS, Area.MIGRANTS, Area.ADDICTIONS],
                    (AccreditationStatus.PENDING, None, None),
                    ("Ilaria Brambilla", "ciao@giovaninrete.example", "039 881 2323"),
                    "Associazione di promozione sociale: spazi giovani, mediazione, auto-mutuo aiuto."),
    "asst": (LegalForm.PUBLIC_BODY, ("", ""), [Area.ELDERLY, Area.MENTAL_HEALTH, Area.ADDICTIONS],
             (AccreditationStatus.NONE, None, None), ("", "", "039 233 1"), "Azienda Socio Sanitaria Territoriale."),
}

LOCATIONS = {
    # key: name, address, postal code, comune key, accessibility, transport
    "monza_sociale": ("Sportello servizi sociali di Monza", "Piazza Trento e Trieste 1", "20900", "monza",
                      "Ingresso senza gradini, ascensore", "Bus urbani, fermata Trento e Trieste"),
    "brugherio_sociale": ("Servizi sociali di Brugherio", "Piazza Cesare Battisti 1", "20861", "brugherio",
                          "Ingresso senza gradini", "Bus z203, fermata Municipio"),
    "villasanta_sociale": ("Servizi sociali di Villasanta", "Piazza Martiri della Libertà 7", "20852", "villasanta",
                           "Rampa di accesso, bagno accessibile", "Stazione di Villasanta, 5 minuti a piedi"),
    "casa_comunita": ("Casa di Comunità di Monza", "Via Luca della Robbia 5", "20900", "monza",
                      "Completamente accessibile", "Bus urbani, fermata Ospedale vecchio"),
    "ospedale": ("Ospedale di Monza — atrio principale", "Via Pergolesi 33", "20900", "monza",
                 "Completamente accessibile, parcheggi riservati", "Bus urbani, fermata Ospedale"),
    "ponte": ("Sede della Cooperativa Il Ponte", "Via Cavallotti 12", "20900", "monza",
              "Piano terra", ""),
    "girasole": ("Centro Il Girasole", "Via Dante 40", "20861", "brugherio", "Completamente accessibile",
                 "Navetta del centro su richiesta"),
    "spazio_giovani": ("Spazio Giovani", "Via Mazzini 8", "20852", "villasanta", "Piano terra", ""),
}

WEEKDAYS_9_12 = [(d, "09:00", "12:30") for d in (1, 2, 3, 4, 5)]
MON_WED_FRI = [(1, "09:00", "12:30"), (3, "14:00", "17:30"), (5, "09:00", "12:30")]
DAY_CENTRE = [(d, "08:30", "16:30") for d in (1, 2, 3, 4, 5)]
ALWAYS = [(d, "00:00", "23:59") for d in range(1, 8)]

# key, name, provider, type, area, nomenclatore code, comuni (None = all), capacity, unit, target wait, leps,
# targets, fee, locations, schedule, extra fields
SERVICES = [
    ("sad_monza", "Assistenza domiciliare (SAD) — Monza", "coop_ponte", ServiceType.SAD, Area.ELDERLY, "A6.01",
     ["monza"], 600, CapacityUnit.HOURS_PER_WEEK, 30, [Leps.HOME_CARE_ELDERLY], [T.ELDERLY, T.DISABILITY],
     Fee.INCOME_BASED, ["monza_sociale"], MON_WED_FRI,
     {"description": "Aiuto a casa per la cura della persona, l'igiene e le faccende quotidiane, per anziani e "
                     "persone con disabilità che vivono a Monza.",
      "eligibility_description": "Residenti a Monza non autosufficienti o parzialmente autosufficienti.",
      "application_process": "Rivolgersi al segretariato sociale del Comune o al PUA; l'assistente sociale "
                             "valuta il bisogno a domicilio.",
      "fees_description": "Compartecipazione in base all'ISEE socio-sanitario.", "minimum_age": 18}),
    ("sad_brugherio", "Assistenza domiciliare (SAD) — Brugherio e Villasanta", "coop_spazio", ServiceType.SAD,
     Area.ELDERLY, "A6.01", ["brugherio", "villasanta"], 240, CapacityUnit.HOURS_PER_WEEK, 30,
     [Leps.HOME_CARE_ELDERLY], [T.ELDERLY, T.DISABILITY], Fee.INCOME_BASED, ["brugherio_sociale"], MON_WED_FRI,
     {"description": "Assistenza domiciliare socio-assistenziale a Brugherio e Villasanta: igiene personale, "
                     "aiuto nella vita quotidiana, compagnia e accompagnamento.",
      "eligibility_description": "Residenti a Brugherio o Villasanta con ridotta autonomia.",
      "application_process": "Chiedere un colloquio ai servizi sociali del proprio Comune.",
      "fees_description": "Compartecipazione in base all'ISEE."}),
    ("adi", "Assistenza domiciliare integrata (ADI)", "asst", ServiceType.ADI, Area.ELDERLY, "A6.02", None,
     900, CapacityUnit.HOURS_PER_WEEK, 15, [Leps.PROTECTED_DISCHARGE], [T.ELDERLY, T.DISABILITY, T.PATIENTS],
     Fee.FREE, ["casa_comunita"], WEEKDAYS_9_12,
     {"description": "Cure sanitarie e assistenza a domicilio (infermieri, fisioterapisti, OSS) per chi non può "
                     "spostarsi, anche dopo una dimissione ospedaliera.",
      "application_process": "Su richiesta del medico di medicina generale o del reparto alla dimissione."}),
    ("school", "Assistenza educativa scolastica per alunni con disabilità", "coop_ponte",
     ServiceType.SCHOOL_INTEGRATION, Area.DISABILITY, "A5.01", None, 1400, CapacityUnit.HOURS_PER_WEEK, 20, [],
     [T.MINORS, T.DISABILITY], Fee.FREE, ["ponte"], WEEKDAYS_9_12,
     {"description": "Educatori a scuola per l'autonomia e la comunicazione degli alunni con disabilità.",
      "application_process": "La scuola e la famiglia presentano la richiesta al Comune di residenza.",
      "minimum_age": 3, "maximum_age": 18}),
    ("cdd", "Centro diurno disabili (CDD) Il Girasole", "fondazione_casa", ServiceType.DAY_CENTRE,
     Area.DISABILITY, "C1.01", None, 30, CapacityUnit.PLACES, 90, [], [T.DISABILITY], Fee.INCOME_BASED,
     ["girasole"], DAY_CENTRE,
     {"description": "Centro diurno per adulti con disabilità grave: attività educative, riabilitative e di "
                     "socializzazione.", "minimum_age": 18, "maximum_age": 65,
      "fees_description": "Retta giornaliera con compartecipazione in base all'ISEE."}),
    ("pua", "Punto Unico di Accesso (PUA)", "udp", ServiceType.PUA, Area.MULTI_USER, "A1.01", None, None,
     CapacityUnit.PLACES, None, [Leps.PUA], [T.ALL], Fee.FREE, ["casa_comunita"], WEEKDAYS_9_12,
     {"description": "Il punto unico di accesso ai servizi sociali e sanitari: ascolto, orientamento e avvio "
                     "della valutazione multidimensionale.",
      "application_process": "Accesso libero negli orari di apertura o su appuntamento telefonico.",
      "phone": "039 233 4000"}),
    ("segretariato_monza", "Segretariato sociale — Monza", "comune_monza", ServiceType.SOCIAL_SECRETARIAT,
     Area.MULTI_USER, "A1.01", ["monza"], None, CapacityUnit.PLACES, None, [], [T.ALL], Fee.FREE,
     ["monza_sociale"], WEEKDAYS_9_12,
     {"description": "Informazioni e orientamento su servizi, contributi e agevolazioni del Comune di Monza.",
      "phone": "039 237 2111"}),
    ("segretariato_brugherio", "Segretariato sociale — Brugherio", "comune_brugherio",
     ServiceType.SOCIAL_SECRETARIAT, Area.MULTI_USER, "A1.01", ["brugherio"], None, CapacityUnit.PLACES, None,
     [], [T.ALL], Fee.FREE, ["brugherio_sociale"], MON_WED_FRI,
     {"description": "Informazioni e orientamento sui servizi sociali del Comune di Brugherio.",
      "phone": "039 289 3111"}),
    ("segretariato_villasanta", "Segretariato sociale — Villasanta", "comune_villasanta",
     ServiceType.SOCIAL_SECRETARIAT, Area.MULTI_USER, "A1.01", ["villasanta"], None, CapacityUnit.PLACES, None,
     [], [T.ALL], Fee.FREE, ["villasanta_sociale"], [(2, "09:00", "12:00"), (4, "14:00", "17:00")],
     {"description": "Informazioni e orientamento sui servizi sociali del Comune di Villasanta."}),
    ("pronto_intervento", "Pronto intervento sociale", "udp", ServiceType.SOCIAL_EMERGENCY, Area.POVERTY, "A3.01",
     None, None, CapacityUnit.PLACES, None, [Leps.SOCIAL_EMERGENCY], [T.ALL], Fee.FREE, [], ALWAYS,
     {"description": "Risposta alle emergenze sociali 24 ore su 24: persone senza dimora, abbandono, violenza.",
      "phone": "800 000 111"}),
    ("antiviolenza", "Centro antiviolenza Rete Artemide", "fondazione_casa", ServiceType.ANTI_VIOLENCE,
     Area.FAMILY_MINORS, "A3.02", None, None, CapacityUnit.PLACES, None, [], [T.WOMEN_VIOLENCE], Fee.FREE, [],
     [(1, "09:00", "18:00"), (3, "09:00", "18:00"), (5, "09:00", "18:00")],
     {"description": "Ascolto, consulenza legale e psicologica, accoglienza protetta per donne che subiscono "
                     "violenza. Numero nazionale 1522 sempre attivo.", "phone": "039 730 1522",
      "languages": ["it", "en", "fr", "ar"]}),
    ("family_centre", "Centro per la famiglia", "comune_monza", ServiceType.FAMILY_CENTRE, Area.FAMILY_MINORS,
     "A8.01", None, None, CapacityUnit.PLACES, None, [Leps.CHILD_PROTECTION], [T.FAMILIES, T.MINORS], Fee.FREE,
     ["monza_sociale"], [(2, "14:00", "18:00"), (4, "14:00", "18:00")],
     {"description": "Sostegno alla genitorialità, mediazione familiare, gruppi per neo-genitori."}),
    ("income_desk", "Sportello inclusione e Assegno di inclusione", "udp", ServiceType.ECONOMIC_SUPPORT,
     Area.POVERTY, "B1.01", None, None, CapacityUnit.PLACES, None, [Leps.INCOME_SUPPORT], [T.POVERTY, T.FAMILIES],
     Fee.FREE, ["monza_sociale", "brugherio_sociale"], MON_WED_FRI,
     {"description": "Domanda e progetto personalizzato per l'Assegno di inclusione, contributi economici "
                     "comunali e bonus sociali.", "isee_max": Decimal("10140.00"),
      "eligibility_description": "Nuclei con ISEE entro le soglie di legge e residenza nell'Ambito."}),
    ("oncology_info", "Info-point oncologico per pazienti e caregiver", "odv_oncologia", ServiceType.INFO_POINT,
     Area.MULTI_USER, "A1.03", None, None, CapacityUnit.PLACES, None, [], [T.PATIENTS, T.CAREGIVERS], Fee.FREE,
     ["ospedale"], [(1, "09:30", "12:30"), (2, "09:30", "12:30"), (4, "14:00", "17:00")],
     {"description": "Volontari formati e personale dell'ASST informano pazienti oncologici e familiari su "
                     "esenzioni, invalidità civile, trasporti, supporto psicologico e servizi del territorio.",
      "application_process": "Accesso libero, senza appuntamento, nell'atrio dell'ospedale.",
      "phone": "039 233 9090"}),
    ("budget_salute", "Progetti di salute mentale con Budget di salute", "asst", ServiceType.MENTAL_HEALTH_SUPPORT,
     Area.MENTAL_HEALTH, "A5.02", None, 25, CapacityUnit.PLACES, 60, [], [T.MENTAL_HEALTH], Fee.FREE,
     ["casa_comunita"], WEEKDAYS_9_12,
     {"description": "Progetti personalizzati per casa, lavoro e socialità, costruiti con il Centro Psico Sociale, "
                     "il Comune e il Terzo Settore.",
      "application_process": "Proposta dal Centro Psico Sociale di riferimento.", "minimum_age": 18}),
    ("youth_centre", "Centro di aggregazione giovanile Spazio Giovani", "aps_giovani", ServiceType.YOUTH,
     Area.FAMILY_MINORS, "C1.02", ["villasanta", "monza"], 40, CapacityUnit.PLACES, None, [], [T.YOUTH, T.MINORS],
     Fee.FREE, ["spazio_giovani"], [(d, "15:00", "19:00") for d in (1, 2, 3, 4, 5)],
     {"description": "Spazio per ragazze e ragazzi: compiti, laboratori, musica, sport.", "minimum_age": 11,
      "maximum_age": 21}),
    ("adm_minori", "Assistenza domiciliare educativa per minori (ADM)", "coop_ponte", ServiceType.EDUCATIONAL,
     Area.FAMILY_MINORS, "A5.02", None, 300, CapacityUnit.HOURS_PER_WEEK, 45, [Leps.CHILD_PROTECTION],
     [T.MINORS, T.FAMILIES], Fee.FREE, ["ponte"], WEEKDAYS_9_12,
     {"description": "Educatori a domicilio per sostenere bambini, ragazzi e genitori in difficoltà.",
      "application_process": "Su progetto del servizio tutela minori o del servizio sociale comunale.",
      "maximum_age": 17}),
    ("transport", "Trasporto sociale", "coop_spazio", ServiceType.TRANSPORT, Area.DISABILITY, "A7.01", None, 12,
     CapacityUnit.PLACES, 10, [], [T.DISABILITY, T.ELDERLY, T.PATIENTS], Fee.INCOME_BASED, [], WEEKDAYS_9_12,
     {"description": "Accompagnamento con mezzi attrezzati a visite, terapie e centri diurni.",
      "fees_description": "Tariffa a tratta in base all'ISEE."}),
    ("meals", "Pasti a domicilio", "coop_spazio", ServiceType.SAD, Area.ELDERLY, "A6.03", ["brugherio", "villasanta"],
     80, CapacityUnit.PLACES, 7, [], [T.ELDERLY], Fee.PAID, [], WEEKDAYS_9_12,
     {"description": "Consegna a casa del pranzo, anche per diete speciali.",
      "fees_description": "Costo a pasto con riduzioni per ISEE basso."}),
    ("telecare", "Telesoccorso", "comune_villasanta", ServiceType.SAD, Area.ELDERLY, "A6.04", ["villasanta"], 60,
     CapacityUnit.PLACES, 5, [], [T.ELDERLY], Fee.INCOME_BASED, ["villasanta_sociale"], ALWAYS,
     {"description": "Un dispositivo per chiedere aiuto 24 ore su 24 con un semplice pulsante."}),
    ("cdi", "Centro diurno integrato per anziani Villa Serena", "fondazione_casa", ServiceType.DAY_CENTRE,
     Area.ELDERLY, "C1.03", None, 25, CapacityUnit.PLACES, 60, [], [T.ELDERLY], Fee.INCOME_BASED, ["girasole"],
     DAY_CENTRE, {"description": "Centro diurno per anziani fragili: assistenza, animazione, fisioterapia, pasto.",
                  "minimum_age": 65}),
    ("housing_first", "Housing first e accoglienza notturna", "fondazione_casa", ServiceType.HOUSING, Area.POVERTY,
     "C2.03", None, 18, CapacityUnit.PLACES, 20, [Leps.HOUSING_FIRST], [T.POVERTY], Fee.FREE, [], ALWAYS,
     {"description": "Appartamenti e posti letto per persone senza dimora, con accompagnamento educativo."}),
    ("migrants_desk", "Sportello stranieri e mediazione culturale", "aps_giovani", ServiceType.SOCIAL_SECRETARIAT,
     Area.MIGRANTS, "A4.01", None, None, CapacityUnit.PLACES, None, [], [T.MIGRANTS], Fee.FREE, ["monza_sociale"],
     [(2, "09:00", "13:00"), (4, "09:00", "13:00")],
     {"description": "Permessi di soggiorno, iscrizione ai servizi, mediatori linguistico-culturali.",
      "languages": ["it", "en", "fr", "ar", "es", "uk"]}),
    ("caregiver_relief", "Sollievo per caregiver familiari", "coop_spazio", ServiceType.OTHER, Area.ELDERLY,
     "A6.03", None, 100, CapacityUnit.HOURS_PER_WEEK, 30, [Leps.CAREGIVER_RELIEF], [T.CAREGIVERS, T.ELDERLY],
     Fee.FREE, [], WEEKDAYS_9_12,
     {"description": "Ore di assistenza a domicilio per dare respiro a chi si prende cura di un familiare."}),
    ("job_inclusion", "Servizio inserimento lavorativo (SIL)", "udp", ServiceType.EDUCATIONAL, Area.DISABILITY,
     "A5.03", None, 60, CapacityUnit.PLACES, 60, [], [T.DISABILITY, T.POVERTY], Fee.FREE, ["monza_sociale"],
     MON_WED_FRI, {"description": "Tirocini e accompagnamento al lavoro per persone con disabilità o fragilità.",
                   "minimum_age": 16}),
    ("child_protection", "Servizio tutela minori", "udp", ServiceType.OTHER, Area.FAMILY_MINORS, "A2.01", None,
     None, CapacityUnit.PLACES, None, [Leps.CHILD_PROTECTION], [T.MINORS, T.FAMILIES], Fee.FREE,
     ["monza_sociale"], WEEKDAYS_9_12,
     {"description": "Assistenti sociali e psicologi per la protezione dei minori su mandato dell'autorità "
                     "giudiziaria e per la prevenzione dell'allontanamento (P.I.P.P.I.)."}),
    ("self_help", "Gruppi di auto-mutuo aiuto per le dipendenze", "aps_giovani", ServiceType.OTHER,
     Area.ADDICTIONS, "A4.02", None, None, CapacityUnit.PLACES, None, [], [T.ADDICTIONS, T.FAMILIES], Fee.FREE,
     ["spazio_giovani"], [(3, "20:30", "22:30")],
     {"description": "Incontri settimanali per persone con dipendenze e i loro familiari."}),
]


def _time(text):
    return dt.time.fromisoformat(text)


def load(ctx):
    taxonomy_load_nomenclatore()
    terms = {t.code: t for t in TaxonomyTerm.objects.all()}
    for key, (legal_form, (runts_number, runts_section), areas, (status, since, expiry), contact, description) in (
        PROFILES.items()
    ):
        ProviderProfile.objects.get_or_create(
            organisation=ctx.organisations[key],
            defaults={"legal_form": legal_form, "runts_number": runts_number, "runts_section": runts_section,
                      "areas": [str(a) for a in areas], "accreditation_status": status,
                      "accreditation_date": since, "accreditation_expiry": expiry, "contact_name": contact[0],
                      "contact_email": contact[1], "contact_phone": contact[2], "description": description},
        )
    locations = {}
    for key, (name, address, cap, comune_key, accessibility, transport) in LOCATIONS.items():
        comune = ctx.comuni[comune_key]
        locations[key], _created = Location.objects.get_or_create(
            name=name,
            defaults={"address": address, "postal_code": cap, "comune": comune, "city": comune.name,
                      "accessibility": accessibility, "transportation": transport},
        )
    for (key, name, provider_key, service_type, area, code, comuni_keys, capacity, unit, target, leps, targets, fee,
         location_keys, hours, extra) in SERVICES:
        service, created = Service.objects.get_or_create(
            ambito=ctx.ambito,
            name=name,
            defaults={
                "provider": ctx.organisations[provider_key],
                "service_type": service_type,
                "area": area,
                "taxonomy_term": terms.get(code),
                "capacity": capacity,
                "capacity_unit": unit,
                "target_wait_days": target,
                "leps": [str(c) for c in leps],
                "target_groups": [str(t) for t in targets],
                "fee": fee,
                "languages": ["it"],
                **extra,
            },
        )
        if created:
            keys = comuni_keys or list(ctx.comuni)
            service.comuni.set([ctx.comuni[k] for k in keys])
            for location_key in location_keys:
                ServiceAtLocation.objects.create(service=service, location=locations[location_key])
            first_location = locations[location_keys[0]] if location_keys else None
            Schedule.objects.bulk_create(
                Schedule(service=service, location=first_location, weekday=day, opens_at=_time(opens),
                         closes_at=_time(closes))
                for day, opens, closes in hours
            )
        ctx.services[key] = service
    search.refresh(Service.objects.filter(ambito=ctx.ambito))
    synonyms_load_defaults(ambito=ctx.ambito)
    info_point = ctx.services["oncology_info"]
    info_point.staffed_by.add(ctx.organisations["odv_oncologia"], ctx.organisations["asst"])
    if not InfoPointContact.objects.filter(info_point=info_point).exists():
        _demo_contacts(ctx, info_point)
    ctx.say(f"{len(SERVICES)} services, {len(PROFILES)} provider profiles, {len(LOCATIONS)} locations")


def _demo_contacts(ctx, info_point):
    """Two months of anonymous contacts at the oncology info-point (counts only)."""
    topics = [ContactTopic.BENEFITS, ContactTopic.INFORMATION, ContactTopic.PSYCHOLOGICAL, ContactTopic.TRANSPORT,
              ContactTopic.CAREGIVER, ContactTopic.CARE_PATH]
    channels = [ContactChannel.IN_PERSON, ContactChannel.IN_PERSON, ContactChannel.PHONE, ContactChannel.EMAIL]
    referrals = [None, None, ctx.services["transport"], ctx.services["caregiver_relief"], ctx.services["pua"]]
    start = dt.date(2026, 9, 1)
    InfoPointContact.objects.bulk_create(
        InfoPointContact(info_point=info_point, date=start + dt.timedelta(days=(i * 3) % 60),
                         channel=channels[i % len(channels)], topic=topics[i % len(topics)],
                         referred_to=referrals[i % len(referrals)])
        for i in range(48)
    )
