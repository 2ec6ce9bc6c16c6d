"""Open Referral HSDS 3.0 exchange of the services catalogue (*catalogo dei servizi*), one module per concern:
``schema`` (the official schema and Ambito's extensions), ``export`` (JSON documents), ``tabular`` (the HSDS tabular
data package) and ``importer``.

Two serialisations of the same content:
- JSON: a list of HSDS ``service`` objects with their nested organization, service_at_locations (with the
  location), schedules, service_areas (Comuni by ISTAT code), languages, phones and attributes (the CISIS
  Nomenclatore code as a taxonomy term);
- the HSDS tabular data package: ``datapackage.json`` and one CSV per resource, linked by ids.

Ambito's own fields that HSDS has no place for travel as ``x_ambito_*`` properties (HSDS 3.0 allows
additional properties); capacity and free places as ``capacities`` (HSDS 3.1's shape), the estimated wait as
``wait_time``. A document received from another system is kept as it came (``hsds_source``) and exported
back unchanged apart from the fields Ambito owns (``schema.OWNED_FIELDS``) and those edited in Ambito. Every document is validated against the official HSDS 3.0 schema (a copy
of ``../shared/standards/hsds-3.0`` in ``data/hsds-3.0``; ``settings.HSDS_SCHEMA_DIR`` overrides it)."""

from ambito.network.hsds.export import (  # noqa: F401
    dumps_json,
    export_documents,
    export_queryset,
    location_native,
    location_to_hsds,
    organisation_hsds_id,
    organisation_native,
    organisation_to_hsds,
    service_native,
    service_to_hsds,
    term_to_hsds,
)
from ambito.network.hsds.importer import (  # noqa: F401
    LOCATION_KEYS,
    ORGANISATION_KEYS,
    SAL_KEYS,
    SCHEDULE_KEYS,
    SERVICE_KEYS,
    check_documents,
    document_kind,
    import_documents,
)
from ambito.network.hsds.schema import (  # noqa: F401
    CAPACITY_SCHEME,
    DAYS,
    EXTENSIONS,
    EXTENT_TYPE,
    ISTAT_EXTENT,
    NAMESPACE,
    NOMENCLATORE,
    OWNED_FIELDS,
    RUNTS_SCHEME,
    TIME_RE,
    datapackage,
    derived_id,
    extension_errors,
    is_owned,
    schema_dir,
    schema_errors,
)
from ambito.network.hsds.tabular import (  # noqa: F401
    ARRAY_RESOURCES,
    LINK_COLUMNS,
    OBJECT_RESOURCES,
    RESOURCE_KEYS,
    export_tables,
    read_documents,
    read_tables,
)
