"""Import of HSDS 3.0 documents, all-or-nothing with a per-row report."""

import uuid
from datetime import time
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from ambito.accounts.models import Organisation, OrganisationKind
from ambito.core.imports import ImportRejected, RowError
from ambito.network.hsds.schema import (
    DAYS,
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
    "id", "organization_id", "organization", "name", "description", "url", "email", "status", "application_process",
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
        for row, doc in enumerate(documents, start=1):
            if not isinstance(doc, dict):
                self.add(row, _("A service must be a JSON object."))
                continue
            invalid = schema_errors(doc, row) + extension_errors(doc, row)
            if invalid:  # the checks below read the shapes the schemas promise
                self.errors += invalid
                continue
            sid = doc.get("id")
            if sid in seen_services:
                self.add(row, _("The service id %(id)s appears twice.") % {"id": sid}, "id")
            seen_services.add(sid)
            organisation = doc.get("organization")
            if isinstance(organisation, dict):
                organisations[organisation.get("id")] = organisation
                if doc.get("organization_id") and doc["organization_id"] != organisation.get("id"):
                    self.add(row, _("organization_id does not match the organization given."), "organization_id")
            elif doc.get("organization_id") and not ProviderProfile.objects.filter(
                hsds_id=self._uuid(doc["organization_id"])
            ).exists():
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
        for staffed in {o for doc in documents if isinstance(doc, dict) for o in doc.get("x_ambito_staffed_by") or []}:
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
        elif closes[:5] <= opens[:5]:
            self.add(row, _("The closing time must be after the opening time."), where + ".closes_at")
        if schedule.get("location_id") and schedule["location_id"] not in location_ids:
            self.add(row, _("The schedule refers to a location the service is not offered at."),
                     where + ".location_id")


def import_documents(documents: list[dict], *, ambito) -> dict:
    """Import HSDS services, all or nothing: every error is reported at once (``ImportRejected``)."""
    checker = _Checker(ambito)
    organisations, locations = checker.check(documents)
    if checker.errors:
        raise ImportRejected(checker.errors)
    with transaction.atomic():
        org_by_id = {hid: _save_organisation(obj, ambito, checker) for hid, obj in organisations.items()}
        loc_by_id = {hid: _save_location(obj, checker) for hid, obj in locations.items()}
        for doc in documents:
            _save_service(doc, ambito, checker, org_by_id, loc_by_id)
    return {"services": len(documents), "organisations": len(organisations), "locations": len(locations)}


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


def _save_location(obj: dict, checker) -> Location:
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
    location, _created = Location.objects.update_or_create(
        hsds_id=uuid.UUID(obj["id"]),
        defaults={
            "name": obj.get("name") or first.get("address_1") or "—",
            "address": first.get("address_1", ""), "postal_code": first.get("postal_code", "")[:10],
            "city": first.get("city", "") if not comune or first.get("city") != comune.name else "",
            "comune": comune, "transportation": obj.get("transportation", "")[:300],
            "latitude": Decimal(str(obj["latitude"])) if obj.get("latitude") is not None else None,
            "longitude": Decimal(str(obj["longitude"])) if obj.get("longitude") is not None else None,
            "accessibility": (access[0].get("description", "") if access else "")[:300],
            "extra": extra,
        },
    )
    return location


def _save_service(doc: dict, ambito, checker, org_by_id, loc_by_id) -> Service:
    organisation = org_by_id.get(doc.get("organization_id") or doc["organization"]["id"])
    if organisation is None:
        organisation = ProviderProfile.objects.get(hsds_id=uuid.UUID(doc["organization_id"])).organisation
    terms, other_attributes = _split(
        doc.get("attributes"),
        lambda a: isinstance(a.get("taxonomy_term"), dict) and a["taxonomy_term"].get("taxonomy") == NOMENCLATORE,
    )
    areas, other_areas = _split(doc.get("service_areas"), lambda a: a.get("extent_type") == ISTAT_EXTENT)
    languages, other_languages = _split(doc.get("languages"), lambda lang: bool(lang.get("code")))
    phones = doc.get("phones") or []
    slots, other_schedules = _split(doc.get("schedules"), _is_weekly_slot)
    extra = _extra(doc, SERVICE_KEYS)
    for key, items in (("attributes", other_attributes + terms[1:]), ("service_areas", other_areas),
                       ("languages", other_languages), ("phones", phones[1:]), ("schedules", other_schedules)):
        if items:
            extra[key] = items

    def decimal(name):
        return Decimal(str(doc[name])) if doc.get(name) not in (None, "") else None

    fields = {
        "ambito": ambito, "provider": organisation, "name": doc["name"][:200],
        "description": doc.get("description", ""), "url": doc.get("url", ""), "email": doc.get("email", ""),
        "active": doc.get("status") == "active", "application_process": doc.get("application_process", ""),
        "fees_description": doc.get("fees_description", "")[:300],
        "eligibility_description": doc.get("eligibility_description", ""),
        "minimum_age": doc.get("minimum_age"), "maximum_age": doc.get("maximum_age"),
        "phone": phones[0]["number"][:40] if phones else "",
        "languages": list(dict.fromkeys(lang["code"] for lang in languages)),
        "taxonomy_term": checker.terms[terms[0]["taxonomy_term"]["code"]] if terms else None,
        "service_type": doc.get("x_ambito_service_type") or ServiceType.OTHER,
        "area": doc.get("x_ambito_area") or Area.MULTI_USER,
        "leps": doc.get("x_ambito_leps") or [], "target_groups": doc.get("x_ambito_target_groups") or [],
        "fee": doc.get("x_ambito_fee") or Fee.FREE, "isee_max": decimal("x_ambito_isee_max"),
        "capacity": decimal("x_ambito_capacity"),
        "capacity_unit": doc.get("x_ambito_capacity_unit") or CapacityUnit.PLACES,
        "vacancies": doc.get("x_ambito_vacancies"), "estimated_wait_days": doc.get("x_ambito_estimated_wait_days"),
        "target_wait_days": doc.get("x_ambito_target_wait_days"), "extra": extra,
    }
    service, _created = Service.objects.update_or_create(hsds_id=uuid.UUID(doc["id"]), defaults=fields)
    # Data from other systems may name no Comune: the service then covers the whole Ambito.
    comuni = [checker.comuni[a["extent"]] for a in areas] or list(Comune.objects.filter(ambito=ambito))
    service.comuni.set(comuni)
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
                opens_at=time.fromisoformat(str(slot["opens_at"])), closes_at=time.fromisoformat(str(slot["closes_at"])),
                notes=slot.get("description", "")[:200], extra=_extra(slot, SCHEDULE_KEYS),
            )
    return service
