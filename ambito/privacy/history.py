"""Change history of a person's records (*storico delle rettifiche*, GDPR art. 16 and 5(2)) read from
django-auditlog: who changed which field, from what to what, when.

Person, consents, UVM assessments and deliveries are registered here (the care app registers its own
case records in ``care/admin.py``; ``access/admin.py`` keeps only the status trail of requests and
waiting-list entries, on purpose). The person's record keeps its field values in the change log because
showing what was rectified is the point; erasure scrubs them (``services.person_erase``)."""

from dataclasses import dataclass

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from ambito.privacy.registry import sources

REGISTERED_HERE = {
    "access.Person": dict(exclude_fields=["version", "updated_at", "created_at"], m2m_fields={"shared_with"}),
    "access.Consent": {},
    "access.PersonContact": {},
    "access.PersonTransfer": {},
    "access.Assessment": {},
    "care.Delivery": dict(exclude_fields=["recorded_at"]),
}


def register_auditlog():
    for label, options in REGISTERED_HERE.items():
        model = apps.get_model(label)
        if not auditlog.contains(model):
            auditlog.register(model, **options)


def person_log_q(person) -> Q:
    """Change-log rows about any record of the person, as one filter (a subquery per source)."""
    tracked = [s for s in sources() if auditlog.contains(s.model_class)]
    types = ContentType.objects.get_for_models(*[s.model_class for s in tracked])
    q = Q(pk__in=[])
    for source in tracked:
        q |= Q(content_type=types[source.model_class], object_id__in=source.rows_for(person).values("pk"))
    return q


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


def _label(model, name) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field since removed: show its name
        return name


def _text(value) -> str:
    if value is None or value == "None":
        return ""
    return str(value)


def changes_of(entry: LogEntry) -> list[Change]:
    model = entry.content_type.model_class()
    result = []
    for name, value in (entry.changes or {}).items():
        if isinstance(value, dict):  # many-to-many: {"type": "m2m", "operation": "add", "objects": [...]}
            objects = ", ".join(_text(o) for o in value.get("objects", []))
            old, new = ("", objects) if value.get("operation") == "add" else (objects, "")
        else:
            old, new = (_text(value[0]), _text(value[1])) if len(value) == 2 else ("", _text(value))
        result.append(Change(field=_label(model, name) if model else name, old=old, new=new))
    return result
