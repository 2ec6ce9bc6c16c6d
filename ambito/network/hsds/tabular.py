"""The HSDS tabular data package: one CSV per resource, linked by ids, both ways.

The CSV files are read and written by ``ambito.core.tabular`` like every table, with one difference: they are
written without the formula neutralisation of spreadsheet downloads. A data package is data interchange
(Open Referral), read back by programs, not opened as a spreadsheet, and its values must come back exactly: a
``'`` in front of ``+39 039 …`` (a phone number), ``-`` or ``=`` would change the data of every round trip.
"""

import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from ambito.core.imports import ImportRejected, RowError
from ambito.core.tabular import decode_text, read_table, write_csv
from ambito.network.hsds.schema import datapackage

# --- Tabular data package --------------------------------------------------------------------------------

# Nested arrays and the resource (CSV file) their items live in.
ARRAY_RESOURCES = {
    "phones": "phone", "schedules": "schedule", "service_areas": "service_area",
    "service_at_locations": "service_at_location", "languages": "language", "funding": "funding",
    "cost_options": "cost_option", "required_documents": "required_document", "contacts": "contact",
    "attributes": "attribute", "addresses": "address", "accessibility": "accessibility",
    "organization_identifiers": "organization_identifier", "programs": "program", "metadata": "metadata",
}
RESOURCE_KEYS = {resource: key for key, resource in ARRAY_RESOURCES.items()}
# A package is read from disk by an administrator's command, not uploaded: wider caps than an upload's.
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_FILE_ROWS = 500_000
# Nested single objects, referenced by ``<key>_id``.
OBJECT_RESOURCES = {"organization": "organization", "location": "location", "taxonomy_term": "taxonomy_term",
                    "taxonomy_detail": "taxonomy", "program": "program"}
# The column that names a nested object in its parent's row.
OBJECT_ID_COLUMNS = {"taxonomy_detail": "taxonomy_id"}
# Which link column ties a child row to its parent, most specific first.
LINK_COLUMNS = ["link_id", "contact_id", "service_at_location_id", "service_id", "location_id", "organization_id"]


def _resources() -> dict:
    return {r["name"]: r for r in datapackage()["resources"]}


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _flatten(obj: dict, resource: str, tables: dict, parent_link: tuple | None = None):
    row = {}
    for key, value in obj.items():
        if key in ARRAY_RESOURCES and isinstance(value, list) and all(isinstance(v, dict) for v in value):
            for child in value:
                _flatten(child, ARRAY_RESOURCES[key], tables, (resource, obj.get("id")))
        elif key in OBJECT_RESOURCES and isinstance(value, dict):
            _flatten(value, OBJECT_RESOURCES[key], tables)
            row.setdefault(OBJECT_ID_COLUMNS.get(key, f"{key}_id"), value.get("id"))
        else:
            row[key] = value
    if parent_link is not None:
        parent_resource, parent_id = parent_link
        column = "link_id" if resource == "attribute" else f"{parent_resource}_id"
        row.setdefault(column, parent_id)
    tables.setdefault(resource, {})[row.get("id")] = row


def _referenced(resources: dict, names: set) -> set:
    """The tables ``names`` and every table their foreign keys point to, transitively: a package must hold
    each table it links to (empty, with its header, when nothing is in it) for Frictionless to check the
    links."""
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        if name in seen or name not in resources:
            continue
        seen.add(name)
        todo += [fk["reference"]["resource"] for fk in resources[name]["schema"].get("foreignKeys", [])
                 if fk["reference"].get("resource")]
    return seen


def _time_cell(value: str) -> str:
    """A ``time`` cell as the package declares it (HH:MM:SS): HSDS documents often write 09:00."""
    return f"{value}:00" if re.fullmatch(r"\d\d:\d\d", value) else value


def export_tables(documents: list[dict]) -> dict[str, str]:
    """The data package as {file name: text}, columns in the official order, then extra columns sorted."""
    tables: dict = {}
    for document in documents:
        _flatten(document, "service", tables)
    resources = _resources()
    files = {}
    descriptor = {k: v for k, v in datapackage().items() if k != "resources"}
    descriptor["resources"] = []
    included = _referenced(resources, set(tables))
    for name, resource in resources.items():
        if name not in included:
            continue
        official = [f["name"] for f in resource["schema"]["fields"]]
        times = {f["name"] for f in resource["schema"]["fields"] if f.get("type") == "time"}
        # Rows in the order of the documents, so that reading the package back rebuilds each list (schedules,
        # phones, ...) in the order it had.
        rows = list(tables.get(name, {}).values())
        extra_columns = sorted({c for row in rows for c in row} - set(official))
        columns = official + extra_columns
        files[resource["path"]] = write_csv(
            ([_time_cell(_cell(row.get(c))) if c in times else _cell(row.get(c)) for c in columns] for row in rows),
            columns, delimiter=",", lineterminator="\n", neutralise=False)
        described = json.loads(json.dumps(resource))
        described["schema"]["fields"] += [
            {"name": c, "type": "string", "description": "Ambito extension or field kept from the source system."}
            for c in extra_columns
        ]
        descriptor["resources"].append(described)
    files["datapackage.json"] = json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return files


def _typed(value: str, field_type: str | None):
    if value == "":
        return None
    if field_type in ("number", "integer"):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value  # left for the schema validation to report
        return int(number) if number == number.to_integral_value() else float(number)
    if field_type == "boolean":
        return value.lower() == "true"
    if field_type is None and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def read_tables(folder: Path) -> list[dict]:
    """Rebuild nested service documents from a tabular data package (official or written by Ambito)."""
    descriptor_path = folder / "datapackage.json"
    resources = _resources()
    paths = {name: r["path"] for name, r in resources.items()}
    if descriptor_path.exists():
        for resource in json.loads(decode_text(descriptor_path.read_bytes())).get("resources", []):
            if resource.get("name") in resources and resource.get("path"):
                paths[resource["name"]] = resource["path"]
    types = {name: {f["name"]: f.get("type") for f in r["schema"]["fields"]} for name, r in resources.items()}
    rows: dict = {}
    for name, path in paths.items():
        file = folder / path
        if not file.exists():
            continue
        table = read_table(file.read_bytes(), kind="csv", delimiter=",", header_key=str,
                           max_bytes=MAX_FILE_BYTES, max_rows=MAX_FILE_ROWS)
        rows[name] = [{k: _typed(v or "", types[name].get(k)) for k, v in row.values.items()}
                      for row in table.sheet.rows]
        for row in rows[name]:
            for key in [k for k, v in row.items() if v is None]:
                del row[key]
    by_id = {name: {row.get("id"): row for row in items} for name, items in rows.items()}
    children: dict = {}
    for name, items in rows.items():
        if name in ("service", "organization", "location", "taxonomy_term", "taxonomy"):
            continue
        for row in items:
            for column in LINK_COLUMNS:
                if row.get(column):
                    children.setdefault(row[column], []).append((name, row))
                    break

    def build(row: dict, resource: str, seen=frozenset()) -> dict:
        obj = dict(row)
        if resource == "attribute" and obj.get("taxonomy_term_id") in by_id.get("taxonomy_term", {}):
            obj["taxonomy_term"] = dict(by_id["taxonomy_term"][obj["taxonomy_term_id"]])
            if obj["taxonomy_term"].get("taxonomy_id") in by_id.get("taxonomy", {}):
                obj["taxonomy_term"]["taxonomy_detail"] = dict(by_id["taxonomy"][obj["taxonomy_term"]["taxonomy_id"]])
        if resource == "service" and obj.get("program_id") in by_id.get("program", {}):
            obj["program"] = dict(by_id["program"][obj["program_id"]])
        if resource == "service_at_location" and obj.get("location_id") in by_id.get("location", {}):
            obj["location"] = build(by_id["location"][obj["location_id"]], "location", seen | {obj["id"]})
        if resource == "service" and obj.get("organization_id") in by_id.get("organization", {}):
            obj["organization"] = build(by_id["organization"][obj["organization_id"]], "organization",
                                        seen | {obj["id"]})
        for child_resource, child in children.get(obj.get("id"), []):
            if child.get("id") in seen:
                continue
            key = RESOURCE_KEYS.get(child_resource)
            if key is None:
                continue
            obj.setdefault(key, []).append(build(child, child_resource, seen | {obj.get("id")}))
        return obj

    return [build(row, "service") for row in rows.get("service", [])]


def read_documents(path: Path) -> list[dict]:
    """An HSDS JSON file (a list of services, one service, or an API page with ``contents``) or a data
    package folder."""
    if path.is_dir():
        return read_tables(path)
    return documents_from_bytes(path.read_bytes())


MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def documents_from_bytes(raw: bytes) -> list[dict]:
    """The records of an HSDS JSON file: a list, one record, or an HSDS API page (``contents``)."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ImportRejected([RowError(0, _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20})])
    try:
        data = json.loads(decode_text(raw))
    except ValueError:
        raise ImportRejected([RowError(0, _("The file is not JSON."))]) from None
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return data["contents"]
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise ImportRejected([RowError(0, _("The file does not contain HSDS services."))])
