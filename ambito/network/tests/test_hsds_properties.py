"""Property tests (Hypothesis) of the HSDS 3.0 import: any JSON mutation of an exported service is imported or
refused with ``ImportRejected`` (nothing written); a service with generated content goes export → import →
export unchanged."""

import copy
import uuid

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambito.core.imports import ImportRejected
from ambito.network.hsds import CAPACITY_SCHEME, export_documents, import_documents
from ambito.network.models import Service
from ambito.network.taxonomy import Leps, TargetGroup

BOUNDED = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10) | st.sampled_from(["", "NaN", "25:99", "MO,XX", "108033", "Z9.99", "active", "x" * 400, "a\x00b"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


@pytest.fixture
def catalogue(demo_with):
    return demo_with("network")


def _paths(value, prefix=()):
    """Every path into a JSON document (dict keys and list indexes)."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def _mutate(document, path, kind, value):
    if not path:
        return value if kind == "replace" else document
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if kind == "replace":
        parent[last] = value
    elif kind == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        parent[f"x_ambito_{last}" if isinstance(last, str) else "extra"] = value
    return document


def _fresh(document):
    """A copy with new ids, so the import creates a service instead of updating the exported one."""
    copied = copy.deepcopy(document)
    copied["id"] = str(uuid.uuid4())
    for key in ("schedules", "service_at_locations"):
        for item in copied.get(key) or []:
            item["id"] = str(uuid.uuid4())
    return copied


def test_any_mutation_of_an_exported_service_is_imported_or_refused(catalogue):
    exported = export_documents()
    sample = [_fresh(exported[0]), _fresh(exported[len(exported) // 2])]
    outcomes = []

    @BOUNDED
    @given(data=st.data())
    def check(data):
        document = copy.deepcopy(data.draw(st.sampled_from(sample)))
        for _ in range(data.draw(st.integers(1, 3))):
            paths = list(_paths(document))
            path = data.draw(st.sampled_from(paths))
            kind = data.draw(st.sampled_from(["replace", "delete", "add"]))
            document = _mutate(document, path, kind, data.draw(JSON))
        before = Service.objects.count()
        with transaction.atomic():
            try:
                import_documents([document], ambito=catalogue.ambito)
            except ImportRejected as refused:
                assert refused.errors and all(str(e) for e in refused.errors)
                assert Service.objects.count() == before
                outcomes.append("refused")
            else:
                outcomes.append("imported")
            transaction.set_rollback(True)

    check()
    assert "refused" in outcomes


def test_generated_services_go_through_export_import_export_unchanged(catalogue):
    template = _fresh(export_documents()[0])
    words = st.text(alphabet=st.characters(categories=["L", "N", "Zs"]), min_size=1, max_size=40).map(str.strip) \
        .filter(bool)

    @BOUNDED
    @given(name=words, description=words, capacity=st.none() | st.integers(0, 500),
           vacancies=st.none() | st.integers(0, 50),
           leps=st.lists(st.sampled_from(Leps.values), unique=True, max_size=3),
           groups=st.lists(st.sampled_from(TargetGroup.values), unique=True, max_size=3),
           active=st.booleans())
    def check(name, description, capacity, vacancies, leps, groups, active):
        document = _fresh(template)
        document.update(name=name, description=description, status="active" if active else "inactive",
                        x_ambito_leps=leps, x_ambito_target_groups=groups)
        document.pop("capacities", None)
        if capacity is not None or vacancies is not None:
            document["capacities"] = [{k: v for k, v in {
                "id": str(uuid.uuid4()), "unit": {"id": str(uuid.uuid4()), "name": "places",
                                                  "scheme": CAPACITY_SCHEME, "identifier": "places"},
                "maximum": capacity, "available": vacancies}.items() if v is not None}]
        with transaction.atomic():
            import_documents([document], ambito=catalogue.ambito)
            first = next(d for d in export_documents() if d["id"] == document["id"])
            assert (first["name"], first.get("description"), first["status"]) == (
                name, description, document["status"])
            assert first.get("x_ambito_leps", []) == leps and first.get("x_ambito_target_groups", []) == groups
            import_documents([first], ambito=catalogue.ambito)
            second = next(d for d in export_documents() if d["id"] == document["id"])
            assert second == first
            transaction.set_rollback(True)

    check()
