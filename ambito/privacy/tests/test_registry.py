"""The registry of person data sources covers the data model: a new model holding a foreign key or a
many-to-many to Person fails here until it is declared in ``privacy/registry.py``."""

from django.apps import apps

from ambito.access.models import Person
from ambito.privacy import registry


def _links_to_person(model) -> bool:
    for field in model._meta.get_fields(include_hidden=True):
        if field.is_relation and not field.auto_created and field.related_model is Person:
            return True
        if field.many_to_many and not field.auto_created and model is Person:
            return True
    return False


def test_every_model_with_a_link_to_person_is_declared():
    declared = {s.model for s in registry.sources()}
    linked = {m._meta.label for m in apps.get_models(include_auto_created=True) if _links_to_person(m)}
    assert "access.Person_shared_with" in linked and "care.Delivery" in linked  # the walk sees both kinds
    missing = linked - declared
    assert not missing, f"declare these models in privacy/registry.py: {sorted(missing)}"


def test_every_declared_path_reaches_a_person_and_every_source_is_complete(db):
    for source in registry.sources():
        assert source.model_class is not None, source.model
        str(source.rows_for(Person(pk=1)).query)  # the lookup resolves
        assert source.purpose and source.legal_basis and source.recipients and source.retention, source.model
        assert source.erasure in (registry.Erasure.RETAIN, registry.Erasure.DELETE, registry.Erasure.PSEUDONYMISE)
        names = {f.name for f in source.model_class._meta.get_fields()}
        for fields in source.categories.values():
            assert set(fields) <= names, (source.model, set(fields) - names)
    assert [s.model for s in registry.sources() if s.erasure == registry.Erasure.PSEUDONYMISE] == ["access.Person"]
