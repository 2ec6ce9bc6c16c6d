"""The person's record on the person page: identity and contacts to whoever may see the person; the network
(contacts, guardian), transfers and the change history of the record with its authors to the case team."""

from auditlog.models import LogEntry
from django import template
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from ambito.access import rules as access_rules
from ambito.access.forms_record import ContactEndForm
from ambito.access.models import Person, PersonContact, PersonTransfer

register = template.Library()
HISTORY_ROWS = 20


def _label(model, name) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field since removed
        return name


def record_history(person, limit: int = HISTORY_ROWS) -> list[dict]:
    """The latest changes to the person's record and network: when, who, which field from what to what."""
    types = ContentType.objects.get_for_models(Person, PersonContact, PersonTransfer)
    q = Q(content_type=types[Person], object_id=person.pk)
    q |= Q(content_type=types[PersonContact], object_id__in=list(person.contacts.values_list("pk", flat=True)))
    q |= Q(content_type=types[PersonTransfer], object_id__in=list(person.transfers.values_list("pk", flat=True)))
    rows = []
    for entry in LogEntry.objects.filter(q).select_related("actor", "content_type").order_by("-timestamp")[:limit]:
        model = entry.content_type.model_class()
        changes = []
        for name, value in (entry.changes or {}).items():
            if isinstance(value, list) and len(value) == 2:
                old, new = (("" if v in (None, "None") else str(v)) for v in value)
                changes.append({"field": _label(model, name), "old": old, "new": new})
        rows.append({"at": entry.timestamp, "who": (entry.actor.get_full_name() or entry.actor.username)
                     if entry.actor else "", "what": str(model._meta.verbose_name) if model else "",
                     "action": entry.get_action_display(), "changes": changes})
    return rows


@register.inclusion_tag("access/_person_record.html", takes_context=True)
def person_record(context, person):
    user = context.get("user")
    can_edit = access_rules.can_edit_person(user, person)
    return {
        "person": person, "can_edit": can_edit, "user": user,
        "contacts": list(person.contacts.all()) if can_edit else [],
        "transfers": list(person.transfers.select_related("from_comune", "to_comune", "transferred_by"))
        if can_edit else [],
        "history": record_history(person) if can_edit else [],
        "end_form": ContactEndForm() if can_edit else None,
    }
