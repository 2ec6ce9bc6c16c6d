"""Import of HSDS 3.0 documents, all-or-nothing with a per-row report."""

import re
import uuid
from datetime import time
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from ambito.accounts.models import Organisation, OrganisationKind
from ambito.core.imports import ImportRejected, RowError
from ambito.network import search
from ambito.network.hsds.schema import (
    CAPACITY_SCHEME,
    DAYS,
    EXTENT_TYPE,
    ISTAT_EXTENT,
    NAMESPACE,
    NOMENCLATORE,
    RUNTS_SCHEME,
    TIME_RE,
    extension_errors,
    schema_errors,
)
from ambito.network.models import (
    AccreditationStatus,
    CapacityUnit,
    HsdsTaxonomyRecord,
    LegalForm,
    Location,
    ProviderProfile,
    RuntsSection,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from ambito.network.taxonomy import Area, Fee, Leps, ServiceType, TargetGroup
from ambito.territory.models import Comune

# --- Import --------------------------------------------------------------------------------------------

SERVICE_KEYS = {
    "wait_time", "capacities", "id", "organization_id", "organization", "name", "description", "url", "email", "status", "application_process",
    "fees_description", "eligibility_description", "minimum_age", "maximum_age", "phones", "languages",
    "service_areas", "service_at_locations", "schedules", "attributes", "x_ambito_service_type", "x_ambito_area",
    "x_ambito_leps", "x_ambito_target_groups", "x_ambito_fee", "x_ambito_isee_max", "x_ambito_capacity",
    "x_ambito_capacity_unit", "x_ambito_vacancies", "x_ambito_estimated_wait_days", "x_ambito_target_wait_days",
    "x_ambito_staffed_by",
}
ORGANISATION_KEYS = {
    "id", "name", "description", "email", "website", "tax_id", "legal_status", "phones", "organization_identifiers",
    "x_ambito_kind", "x_ambito_comune", "x_ambito_areas", "x_ambito_accreditation_status",
    "x_ambito_accreditation_date", "x_ambito_accreditation_expiry", "x_ambito_contact_name",
    "x_ambito_contact_email", "x_ambito_contact_phone",
}
LOCATION_KEYS = {"id", "location_type", "name", "transportation", "latitude", "longitude", "addresses",
                 "accessibility", "x_ambito_comune"}
SCHEDULE_KEYS = {"id", "service_id", "location_id", "freq", "wkst", "byday", "opens_at", "closes_at", "description"}
SAL_KEYS = {"id", "service_id", "location_id", "description", "location"}


KINDS = ("service", "organization", "location", "taxonomy", "taxonomy_term")
_ORGANISATION_ONLY = {"email", "website", "tax_status", "tax_id", "year_incorporated", "legal_status", "logo",
                      "funding", "contacts", "phones", "locations", "programs", "organization_identifiers",
                      "parent_organization_id", "alternate_name", "attributes"}
_SERVICE_ONLY = {"status", "service_areas", "service_at_locations", "eligibility_description", "application_process",
                 "organization", "program_id", "program", "wait_time", "fees_description", "fees", "cost_options",
                 "required_documents", "minimum_age", "maximum_age", "interpretation_services", "x_ambito_area",
                 "x_ambito_service_type"}
_TERM_ONLY = {"code", "parent_id", "taxonomy", "taxonomy_detail", "language", "taxonomy_id", "term_uri"}


def document_kind(doc: dict) -> str:
    """Which HSDS object a document is: a file may hold services, organizations, locations, taxonomies and
    taxonomy terms on their own. A service has a ``status``, a location a ``location_type``; a taxonomy term a
    code or a taxonomy; a taxonomy a version; anything else with a name and a description is an organization.
    A record with fields only a service has is a service (and is told so when its ``status`` is missing)."""
    if _SERVICE_ONLY & doc.keys():
        return "service"
    if "location_type" in doc:
        return "location"
    if _TERM_ONLY & doc.keys():
        return "taxonomy_term"
    if "version" in doc and not (_ORGANISATION_ONLY & doc.keys()):
        return "taxonomy"
    return "organization"


def is_ambito_area(area: dict, comuni: dict) -> bool:
    """A service area naming a Comune by its ISTAT code (Ambito's own, or the older ``istat_comune`` type)."""
    return isinstance(area, dict) and (
        area.get("extent_type") == ISTAT_EXTENT
        or (area.get("extent_type") == EXTENT_TYPE and area.get("extent") in comuni)
    )


def _extra(obj: dict, known: set) -> dict:
    return {k: v for k, v in obj.items() if k not in known}


def _split(items, keep) -> tuple[list, list]:
    ours, theirs = [], []
    for item in items or []:
        (ours if keep(item) else theirs).append(item)
    return ours, theirs


def _is_weekly_slot(schedule: dict) -> bool:
    return bool(schedule.get("byday") and schedule.get("opens_at") and schedule.get("closes_at")) and schedule.get(
        "freq", "WEEKLY") == "WEEKLY"


class _Checker:
    def __init__(self, ambito):
        self.ambito = ambito
        self.errors: list[RowError] = []
        self.terms = {t.code: t for t in TaxonomyTerm.objects.all()}
        self.comuni = {c.istat_code: c for c in Comune.objects.all()}

    def add(self, row, message, field=""):
        self.errors.append(RowError(row, message, field))

    def check(self, documents: list[dict]):
        seen_services: set = set()
        organisations: dict = {}
        locations: dict = {}
        self.taxonomies: list = []
        self.services: list = []
        services = []
        for row, doc in enumerate(documents, start=1):
            if not isinstance(doc, dict):
                self.add(row, _("An HSDS record must be a JSON object."))
                continue
            kind = document_kind(doc)
            invalid = schema_errors(doc, row, kind) + (extension_errors(doc, row) if kind == "service" else [])
            if invalid:  # the checks below read the shapes the schemas promise
                self.errors += invalid
                continue
            if kind == "organization":
                organisations[doc["id"]] = doc
            elif kind == "location":
                locations[doc["id"]] = doc
            elif kind in ("taxonomy", "taxonomy_term"):
                self.taxonomies.append((kind, doc))
            else:
                services.append((row, doc))
        for row, doc in services:
            self.services.append(doc)
            sid = doc.get("id")
            if sid in seen_services:
                self.add(row, _("The service id %(id)s appears twice.") % {"id": sid}, "id")
            seen_services.add(sid)
            organisation = doc.get("organization")
            if isinstance(organisation, dict):
                organisations[organisation.get("id")] = organisation
                if doc.get("organization_id") and doc["organization_id"] != organisation.get("id"):
                    self.add(row, _("organization_id does not match the organization given."), "organization_id")
            elif doc.get("organization_id") and doc["organization_id"] not in organisations and not (
                ProviderProfile.objects.filter(hsds_id=self._uuid(doc["organization_id"])).exists()
            ):
                self.add(row, _("The organization %(id)s is neither in the file nor in Ambito.")
                         % {"id": doc["organization_id"]}, "organization_id")
            elif not doc.get("organization_id"):
                self.add(row, _("The service has no organization."), "organization_id")
            for i, sal in enumerate(doc.get("service_at_locations") or []):
                if not isinstance(sal, dict):
                    continue
                location = sal.get("location")
                if isinstance(location, dict):
                    locations[location.get("id")] = location
                    if sal.get("location_id") and sal["location_id"] != location.get("id"):
                        self.add(row, _("location_id does not match the location given."),
                                 f"service_at_locations.{i}.location_id")
                elif sal.get("location_id") in locations:
                    pass
                elif not Location.objects.filter(hsds_id=self._uuid(sal.get("location_id"))).exists():
                    self.add(row, _("The location %(id)s is neither in the file nor in Ambito.")
                             % {"id": sal.get("location_id")}, f"service_at_locations.{i}.location_id")
            location_ids = {sal.get("location_id") or (sal.get("location") or {}).get("id")
                            for sal in doc.get("service_at_locations") or [] if isinstance(sal, dict)}
            for i, schedule in enumerate(doc.get("schedules") or []):
                if isinstance(schedule, dict):
                    self._check_schedule(row, i, schedule, location_ids)
            for i, attribute in enumerate(doc.get("attributes") or []):
                term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
                if isinstance(term, dict) and term.get("taxonomy") == NOMENCLATORE and term.get("code") not in self.terms:
                    self.add(row, _("%(code)s is not a code of the Nomenclatore.") % {"code": term.get("code")},
                             f"attributes.{i}.taxonomy_term.code")
            for i, area in enumerate(doc.get("service_areas") or []):
                if isinstance(area, dict) and area.get("extent_type") == ISTAT_EXTENT and (
                    area.get("extent") not in self.comuni
                ):
                    self.add(row, _("%(code)s is not a Comune known to Ambito.") % {"code": area.get("extent")},
                             f"service_areas.{i}.extent")
            self._check_choice(row, doc, "x_ambito_service_type", ServiceType.values)
            self._check_choice(row, doc, "x_ambito_area", Area.values)
            self._check_choice(row, doc, "x_ambito_fee", Fee.values)
            self._check_choice(row, doc, "x_ambito_capacity_unit", CapacityUnit.values)
            capacity = _own_capacity(doc)
            if capacity is not None:
                for name in ("maximum", "available"):
                    value = capacity.get(name)
                    if value is not None and (not isinstance(value, int | float) or value < 0):
                        self.add(row, _("Not a number."), f"capacities.0.{name}")
            for value in doc.get("x_ambito_leps") or []:
                if value not in Leps.values:
                    self.add(row, _("%(value)s is not a LEPS code.") % {"value": value}, "x_ambito_leps")
            for value in doc.get("x_ambito_target_groups") or []:
                if value not in TargetGroup.values:
                    self.add(row, _("%(value)s is not a target group.") % {"value": value}, "x_ambito_target_groups")
            for name in ("x_ambito_isee_max", "x_ambito_capacity"):
                if doc.get(name) not in (None, ""):
                    try:
                        Decimal(str(doc[name]))
                    except InvalidOperation:
                        self.add(row, _("Not a number."), name)
            if isinstance(organisation, dict):
                self._check_choice(row, organisation, "x_ambito_kind", OrganisationKind.values, "organization.")
                kind = organisation.get("x_ambito_kind")
                if kind == OrganisationKind.COMUNE and organisation.get("x_ambito_comune") not in self.comuni:
                    self.add(row, _("A Comune organisation needs the ISTAT code of its Comune."),
                             "organization.x_ambito_comune")
        for staffed in {o for doc in self.services for o in doc.get("x_ambito_staffed_by") or []}:
            if staffed not in organisations and not ProviderProfile.objects.filter(hsds_id=self._uuid(staffed)).exists():
                self.add(0, _("The organization %(id)s staffing an info-point is unknown.") % {"id": staffed},
                         "x_ambito_staffed_by")
        return organisations, locations

    @staticmethod
    def _uuid(value):
        try:
            return uuid.UUID(str(value))
        except ValueError:
            return None

    def _check_choice(self, row, obj, name, values, prefix=""):
        if obj.get(name) not in (None, "") and obj[name] not in values:
            self.add(row, _("%(value)s is not an accepted value.") % {"value": obj[name]}, prefix + name)

    def _check_schedule(self, row, i, schedule, location_ids):
        where = f"schedules.{i}"
        if not _is_weekly_slot(schedule):
            return  # kept as it is, unused by Ambito
        days = [d.strip() for d in str(schedule["byday"]).split(",")]
        if any(d not in DAYS for d in days):
            self.add(row, _("Invalid day %(days)s: use MO, TU, WE, TH, FR, SA, SU.") % {"days": schedule["byday"]},
                     where + ".byday")
        opens, closes = str(schedule["opens_at"]), str(schedule["closes_at"])
        if not TIME_RE.match(opens) or not TIME_RE.match(closes):
            self.add(row, _("Invalid opening hours %(opens)s–%(closes)s: use HH:MM.") % {"opens": opens,
                                                                                         "closes": closes}, where)
        elif _clock(closes) <= _clock(opens):
            self.add(row, _("The closing time must be after the opening time."), where + ".closes_at")
        if schedule.get("location_id") and schedule["location_id"] not in location_ids:
            self.add(row, _("The schedule refers to a location the service is not offered at."),
                     where + ".location_id")


def check_documents(documents: list[dict], *, ambito) -> "_Checker":
    """Validate a file's records (official schemas, Ambito's rules, references); ``ImportRejected`` with
    every error at once. Writes nothing."""
    checker = _Checker(ambito)
    checker.organisations, checker.locations = checker.check(documents)
    if checker.errors:
        raise ImportRejected(checker.errors)
    return checker


def import_documents(documents: list[dict], *, ambito, comuni=None) -> dict:
    """Import HSDS records, all or nothing: every error is reported at once (``ImportRejected``). A service
    covers the Comuni of the Ambito it names in its service areas, else ``comuni`` (the planning office's
    choice when it approves the import); one that names none and gets none is refused."""
    checker = check_documents(documents, ambito=ambito)
    organisations, locations = checker.organisations, checker.locations
    ambito_comuni = {c.istat_code: c for c in checker.comuni.values() if c.ambito_id == ambito.pk}
    chosen = list(comuni or [])
    for row, doc in enumerate(documents, start=1):
        if isinstance(doc, dict) and document_kind(doc) == "service" and not chosen and not [
            a for a in doc.get("service_areas") or [] if is_ambito_area(a, ambito_comuni)
        ]:
            checker.add(row, _("The service names no Comune of the Ambito: choose the Comuni it covers."),
                        "service_areas")
    if checker.errors:
        raise ImportRejected(checker.errors)
    with transaction.atomic():
        org_by_id = {hid: _save_organisation(obj, ambito, checker) for hid, obj in organisations.items()}
        loc_by_id = {hid: _save_location(obj, checker, ambito) for hid, obj in locations.items()}
        saved = [_save_service(doc, ambito, checker, org_by_id, loc_by_id, ambito_comuni, chosen)
                 for doc in checker.services]
        for kind, doc in checker.taxonomies:
            HsdsTaxonomyRecord.objects.update_or_create(hsds_id=uuid.UUID(doc["id"]),
                                                        defaults={"kind": kind, "document": doc})
        _remember_sources(org_by_id, organisations, loc_by_id, locations, saved)
        search.refresh(saved)
    return {"services": len(checker.services), "organisations": len(organisations), "locations": len(locations),
            "taxonomies": len(checker.taxonomies)}


def _remember_sources(org_by_id, organisations, loc_by_id, locations, saved):
    """Keep each document as sent and Ambito's rendering of it now: the export gives back the source's value
    of every field Ambito has not changed since (``export._overlay``)."""
    from ambito.network.hsds.export import location_native, organisation_native, service_native

    for hid, organisation in org_by_id.items():
        organisation = Organisation.objects.select_related("provider_profile", "comune").get(pk=organisation.pk)
        profile = organisation.provider_profile
        profile.hsds_source = organisations[hid]
        profile.hsds_baseline = organisation_native(organisation)
        ProviderProfile.objects.filter(pk=profile.pk).update(hsds_source=profile.hsds_source,
                                                             hsds_baseline=profile.hsds_baseline)
    for hid, location in loc_by_id.items():
        location = Location.objects.select_related("comune").get(pk=location.pk)
        Location.objects.filter(pk=location.pk).update(hsds_source=locations[hid],
                                                       hsds_baseline=location_native(location))
    for service, doc in saved_docs(saved):
        fresh = (Service.objects.select_related("provider__provider_profile", "taxonomy_term__parent")
                 .prefetch_related("comuni", "staffed_by__provider_profile", "schedules__location",
                                   "service_locations__location").get(pk=service.pk))
        source = {k: v for k, v in doc.items()}
        Service.objects.filter(pk=service.pk).update(hsds_source=source, hsds_baseline=service_native(fresh))


def saved_docs(saved):
    return [(service, service._hsds_document) for service in saved]


def _date(value):
    from datetime import date

    return date.fromisoformat(value) if value else None


def _save_organisation(obj: dict, ambito, checker) -> Organisation:
    hsds_id = uuid.UUID(obj["id"])
    profile = ProviderProfile.objects.select_related("organisation").filter(hsds_id=hsds_id).first()
    kind = obj.get("x_ambito_kind") or OrganisationKind.OTHER
    phones = obj.get("phones") or []
    fields = {
        "name": obj["name"], "kind": kind, "email": obj.get("email", ""), "website": obj.get("website", ""),
        "tax_code": obj.get("tax_id", "")[:16], "phone": phones[0]["number"] if phones else "",
        "comune": checker.comuni.get(obj.get("x_ambito_comune")) if kind == OrganisationKind.COMUNE else None,
    }
    other_phones = phones[1:]
    if profile:
        organisation = profile.organisation
        for name, value in fields.items():
            setattr(organisation, name, value)
        organisation.save()
    else:
        organisation = Organisation.objects.filter(ambito=ambito, name=obj["name"]).first()
        if organisation is None:
            organisation = Organisation.objects.create(ambito=ambito, **fields)
        profile = ProviderProfile.objects.filter(organisation=organisation).first() or ProviderProfile(
            organisation=organisation)
        profile.hsds_id = hsds_id
    runts, other_ids = _split(obj.get("organization_identifiers"), lambda i: i.get("identifier_scheme") == RUNTS_SCHEME)
    legal = obj.get("legal_status", "")
    extra = _extra(obj, ORGANISATION_KEYS)
    if legal and legal not in LegalForm.values:
        extra["legal_status"] = legal
    if other_phones:
        extra["phones"] = other_phones
    if other_ids or runts[1:]:
        extra["organization_identifiers"] = runts[1:] + other_ids
    section = runts[0].get("identifier_type", "").removeprefix("section ") if runts else ""
    profile.description = "" if obj.get("description") == obj["name"] else obj.get("description", "")
    profile.legal_form = legal if legal in LegalForm.values else ""
    profile.runts_number = runts[0].get("identifier", "") if runts else ""
    profile.runts_section = section if section in RuntsSection.values else ""
    profile.areas = obj.get("x_ambito_areas") or []
    profile.accreditation_status = obj.get("x_ambito_accreditation_status") or AccreditationStatus.NONE
    profile.accreditation_date = _date(obj.get("x_ambito_accreditation_date"))
    profile.accreditation_expiry = _date(obj.get("x_ambito_accreditation_expiry"))
    profile.contact_name = obj.get("x_ambito_contact_name", "")
    profile.contact_email = obj.get("x_ambito_contact_email", "")
    profile.contact_phone = obj.get("x_ambito_contact_phone", "")
    profile.extra = extra
    profile.save()
    return organisation


def _save_location(obj: dict, checker, ambito=None) -> Location:
    addresses = obj.get("addresses") or []
    access = obj.get("accessibility") or []
    extra = _extra(obj, LOCATION_KEYS)
    if obj.get("location_type", "physical") != "physical":
        extra["location_type"] = obj["location_type"]
    if addresses[1:]:
        extra["addresses"] = addresses[1:]
    if access[1:]:
        extra["accessibility"] = access[1:]
    first = addresses[0] if addresses else {}
    comune = checker.comuni.get(obj.get("x_ambito_comune"))
    if comune is None and first.get("city"):  # a location from another system: its city, if a Comune of ours
        comune = next((c for c in checker.comuni.values() if ambito is not None and c.ambito_id == ambito.pk
                       and c.name.lower() == str(first["city"]).lower()), None)
    location, _created = Location.objects.update_or_create(
        hsds_id=uuid.UUID(obj["id"]),
        defaults={
            "name": obj.get("name") or first.get("address_1") or "—",
            "address": first.get("address_1", ""), "postal_code": first.get("postal_code", "")[:10],
            "city": (first.get("city", "") if not comune or first.get("city") != comune.name else "")[:100],
            "comune": comune, "transportation": obj.get("transportation", "")[:300],
            "latitude": Decimal(str(obj["latitude"])) if obj.get("latitude") is not None else None,
            "longitude": Decimal(str(obj["longitude"])) if obj.get("longitude") is not None else None,
            "accessibility": (access[0].get("description", "") if access else "")[:300],
            "extra": extra,
        },
    )
    return location


def _own_capacity(doc: dict) -> dict | None:
    """The first of ``capacities`` if it is in Ambito's units (else it is another system's, kept as sent)."""
    for capacity in doc.get("capacities") or []:
        unit = capacity.get("unit") if isinstance(capacity, dict) else None
        if isinstance(unit, dict) and unit.get("scheme") == CAPACITY_SCHEME and unit.get(
            "identifier"
        ) in CapacityUnit.values:
            return capacity
    return None


def _wait_days(doc: dict):
    text = doc.get("wait_time")
    match = re.fullmatch(r"P(\d{1,5})D", text) if isinstance(text, str) else None
    if match:
        return int(match.group(1))
    return doc.get("x_ambito_estimated_wait_days")


def _clock(value) -> time:
    """The local time of an HSDS opens_at/closes_at (HH:MM[:SS], a time-zone suffix dropped)."""
    text = re.match(r"\d\d:\d\d(:\d\d)?", str(value)).group(0)
    return time.fromisoformat(text)


def _age(value):
    return int(value) if isinstance(value, int | float) and 0 <= value <= 150 else None


def _save_service(doc: dict, ambito, checker, org_by_id, loc_by_id, ambito_comuni=None, chosen=()) -> Service:
    organisation = org_by_id.get(doc.get("organization_id") or doc["organization"]["id"])
    if organisation is None:
        organisation = ProviderProfile.objects.get(hsds_id=uuid.UUID(doc["organization_id"])).organisation
    terms, other_attributes = _split(
        doc.get("attributes"),
        lambda a: isinstance(a.get("taxonomy_term"), dict) and a["taxonomy_term"].get("taxonomy") == NOMENCLATORE,
    )
    areas, other_areas = _split(doc.get("service_areas"), lambda a: is_ambito_area(a, checker.comuni))
    languages, other_languages = _split(doc.get("languages"), lambda lang: bool(lang.get("code")))
    phones = doc.get("phones") or []
    slots, other_schedules = _split(doc.get("schedules"), _is_weekly_slot)
    extra = _extra(doc, SERVICE_KEYS)
    for key, items in (("attributes", other_attributes + terms[1:]), ("service_areas", other_areas),
                       ("languages", other_languages), ("phones", phones[1:]), ("schedules", other_schedules)):
        if items:
            extra[key] = items

    capacity = _own_capacity(doc)

    def decimal(name):
        return Decimal(str(doc[name])) if doc.get(name) not in (None, "") else None

    fields = {
        "ambito": ambito, "provider": organisation, "name": doc["name"][:200],
        "description": doc.get("description", ""), "url": doc.get("url", ""), "email": doc.get("email", ""),
        "active": doc.get("status") == "active", "application_process": doc.get("application_process", ""),
        "fees_description": doc.get("fees_description", "")[:300],
        "eligibility_description": doc.get("eligibility_description", ""),
        "minimum_age": _age(doc.get("minimum_age")), "maximum_age": _age(doc.get("maximum_age")),
        "phone": phones[0]["number"][:40] if phones else "",
        "languages": list(dict.fromkeys(lang["code"] for lang in languages)),
        "taxonomy_term": checker.terms[terms[0]["taxonomy_term"]["code"]] if terms else None,
        "service_type": doc.get("x_ambito_service_type") or ServiceType.OTHER,
        "area": doc.get("x_ambito_area") or Area.MULTI_USER,
        "leps": doc.get("x_ambito_leps") or [], "target_groups": doc.get("x_ambito_target_groups") or [],
        "fee": doc.get("x_ambito_fee") or Fee.FREE, "isee_max": decimal("x_ambito_isee_max"),
        "capacity": (Decimal(str(capacity["maximum"])) if capacity and capacity.get("maximum") is not None
                     else decimal("x_ambito_capacity")),
        "capacity_unit": (capacity["unit"]["identifier"] if capacity else doc.get("x_ambito_capacity_unit"))
        or CapacityUnit.PLACES,
        "vacancies": capacity.get("available") if capacity else doc.get("x_ambito_vacancies"),
        "estimated_wait_days": _wait_days(doc),
        "target_wait_days": doc.get("x_ambito_target_wait_days"), "extra": extra,
    }
    service, _created = Service.objects.update_or_create(hsds_id=uuid.UUID(doc["id"]), defaults=fields)
    # A service covers the Comuni it names, else those the planning office chose when approving the import.
    named = [checker.comuni[a["extent"]] for a in areas if a.get("extent") in checker.comuni]
    service.comuni.set(named or list(chosen))
    staffed = [org_by_id.get(o) or ProviderProfile.objects.get(hsds_id=uuid.UUID(o)).organisation
               for o in doc.get("x_ambito_staffed_by") or []]
    service.staffed_by.set(staffed)
    service.service_locations.all().delete()
    locations = {}
    for sal in doc.get("service_at_locations") or []:
        location_id = sal.get("location_id") or sal["location"]["id"]
        location = loc_by_id.get(location_id) or Location.objects.get(hsds_id=uuid.UUID(location_id))
        locations[location_id] = location
        ServiceAtLocation.objects.create(hsds_id=uuid.UUID(sal["id"]), service=service, location=location,
                                         description=sal.get("description", "")[:300], extra=_extra(sal, SAL_KEYS))
    service.schedules.all().delete()
    for slot in slots:
        days = [d.strip() for d in str(slot["byday"]).split(",")]
        for n, day in enumerate(days):
            Schedule.objects.create(
                hsds_id=uuid.UUID(slot["id"]) if n == 0 else uuid.uuid5(NAMESPACE, f"{slot['id']}:{day}"),
                service=service, location=locations.get(slot.get("location_id")), weekday=DAYS.index(day) + 1,
                opens_at=_clock(slot["opens_at"]), closes_at=_clock(slot["closes_at"]),
                notes=slot.get("description", "")[:200], extra=_extra(slot, SCHEDULE_KEYS),
            )
    service._hsds_document = doc
    return service
