"""What an HSDS file would add to the catalogue or change in it: the planning office reads this before it
approves the file (``services.hsds_import_approve``). Reads only."""

import json
import uuid
from dataclasses import dataclass, field

from ambito.accounts.models import Organisation
from ambito.network.hsds.export import (
    location_to_hsds,
    organisation_hsds_id,
    organisation_to_hsds,
    service_to_hsds,
)
from ambito.network.hsds.importer import document_kind, is_ambito_area
from ambito.network.hsds.schema import is_owned
from ambito.network.models import HsdsTaxonomyRecord, Location, ProviderProfile, Service

NESTED = {"service": ("organization",), "organization": (), "location": ()}


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class ReviewRow:
    kind: str  # service, organization, location, taxonomy, taxonomy_term
    hsds_id: str
    name: str
    action: str  # add, change, same
    changes: list[Change] = field(default_factory=list)
    comuni: list[str] = field(default_factory=list)  # services: the ISTAT codes of the Ambito's Comuni named


def _short(value) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 120 else text[:117] + "…"


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _current(kind: str, hsds_id) -> dict | None:
    key = _uuid(hsds_id)
    if key is None:
        return None
    if kind == "service":
        service = (Service.objects.select_related("provider__provider_profile", "taxonomy_term__parent")
                   .prefetch_related("comuni", "staffed_by__provider_profile", "schedules__location",
                                     "service_locations__location__comune").filter(hsds_id=key).first())
        return service_to_hsds(service) if service else None
    if kind == "organization":
        profile = ProviderProfile.objects.select_related("organisation__comune").filter(hsds_id=key).first()
        if profile:
            return organisation_to_hsds(profile.organisation)
        # an organisation with no provider profile (a Comune) is known by an id derived from its key
        organisation = next((o for o in Organisation.objects.filter(provider_profile__isnull=True)
                             .select_related("comune") if organisation_hsds_id(o) == str(key)), None)
        return organisation_to_hsds(organisation) if organisation else None
    if kind == "location":
        location = Location.objects.select_related("comune").filter(hsds_id=key).first()
        return location_to_hsds(location) if location else None
    record = HsdsTaxonomyRecord.objects.filter(hsds_id=key).first()
    return record.document if record else None


def _row(kind: str, document: dict) -> ReviewRow:
    current = _current(kind, document.get("id"))
    row = ReviewRow(kind=kind, hsds_id=str(document.get("id")), name=str(document.get("name") or "—"),
                    action="add" if current is None else "same")
    if current is not None:
        skip = set(NESTED.get(kind, ()))
        for key in sorted(set(document) | set(current)):
            if key in skip or (kind in NESTED and is_owned(kind, key)) or key not in document:
                continue
            before, after = current.get(key), document.get(key)
            if kind == "service" and key == "service_at_locations":  # their places are listed on their own
                before = [{k: v for k, v in s.items() if k != "location"} for s in before or []]
                after = [{k: v for k, v in s.items() if k != "location"} for s in after or []]
            if before != after:
                row.changes.append(Change(key, _short(before), _short(after)))
        row.action = "change" if row.changes else "same"
    return row


def review_rows(documents: list, comuni: dict) -> list[ReviewRow]:
    """One row per record of the file, nested organisations and places included once each."""
    rows, seen = [], set()

    def add(kind, document):
        if not isinstance(document, dict) or (kind, document.get("id")) in seen:
            return
        seen.add((kind, document.get("id")))
        rows.append(_row(kind, document))
        if kind == "service":
            rows[-1].comuni = [a["extent"] for a in document.get("service_areas") or []
                               if is_ambito_area(a, comuni) and a.get("extent") in comuni]
            add("organization", document.get("organization"))
            for sal in document.get("service_at_locations") or []:
                if isinstance(sal, dict):
                    add("location", sal.get("location"))

    for document in documents:
        if isinstance(document, dict):
            add(document_kind(document), document)
    order = {"service": 0, "organization": 1, "location": 2, "taxonomy": 3, "taxonomy_term": 4}
    return sorted(rows, key=lambda r: (order.get(r.kind, 9), r.name))
