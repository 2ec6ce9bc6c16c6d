"""Reads of the privacy app: restricted persons, privacy requests, a person's complete data (art. 15), the
change history (art. 16), the record of processing activities (art. 30) and the access log (who read or
changed whose data), each scoped by ``privacy.rules`` before anything else."""

import datetime
import decimal

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ambito.access.models import Person
from ambito.accounts.models import AccessLog, AccessPurpose, Membership
from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for
from ambito.privacy import registry, rules
from ambito.privacy.history import changes_of, person_log_q
from ambito.privacy.models import PrivacyRequest
from ambito.territory.models import Ambito

EXPORT_SCHEMA = "ambito.privacy.subject-access"
EXPORT_VERSION = 1
ROPA_SCHEMA = "ambito.privacy.record-of-processing"
ROPA_VERSION = 1
HISTORY_LIMIT = 500


# --- Limitation of processing (art. 18) --------------------------------------------------------------------

def restricted_person_ids() -> QuerySet:
    """Ids of restricted persons, as a subquery (``.filter(person_id__in=restricted_person_ids())``)."""
    return Person.objects.filter(restricted_at__isnull=False).values("id")


def unrestricted_q(person_path: str = "") -> Q:
    """Records whose person is not restricted; ``person_path`` is the lookup to the Person, e.g. "person"
    or "request__person" ("" for persons themselves). A join, no subquery."""
    return Q(**{f"{person_path}__restricted_at__isnull" if person_path else "restricted_at__isnull": True})


# --- Privacy requests --------------------------------------------------------------------------------------

def privacy_request_list(*, actor, status: str = "", open_only: bool = False) -> QuerySet:
    qs = PrivacyRequest.objects.filter(rules.privacy_request_q(actor)).select_related(
        "person", "recorded_by", "decided_by")
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=["received", "in_progress"])
    return qs.order_by("due_by", "id")


def privacy_request_get(*, actor, pk) -> PrivacyRequest | None:
    return privacy_request_list(actor=actor).filter(pk=pk).first()


# --- Persons -----------------------------------------------------------------------------------------------

def person_for_privacy(*, actor, pseudonym) -> Person | None:
    """A person whose data the actor may export and whose history the actor may read (by pseudonym only)."""
    return (Person.objects.filter(rules.person_privacy_q(actor), pseudonym=pseudonym)
            .select_related("residence_comune", "ambito").first())


def dpo_person_get(*, actor, pseudonym) -> Person | None:
    return Person.objects.filter(rules.dpo_person_q(actor), pseudonym=pseudonym).first()


# --- Change history (art. 16) ------------------------------------------------------------------------------

def person_history(*, person, limit: int = HISTORY_LIMIT) -> list[dict]:
    """Who changed which field of the person's records, from what to what, newest first (one query)."""
    return history_rows(person_history_entries(person=person)[:limit])


def person_history_entries(*, person) -> QuerySet:
    """The change-log entries of the person's records, newest first (for a page of them: ``history_rows``)."""
    return LogEntry.objects.filter(person_log_q(person)).select_related("actor", "content_type").order_by(
        "-timestamp", "-id")


def history_rows(entries) -> list[dict]:
    """The entries as rows of the change history: who changed which field, from what to what."""
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        rows.append({
            "at": entry.timestamp,
            "actor": _user_label(entry.actor) if entry.actor else "",
            "record_type": str(model._meta.verbose_name) if model else entry.content_type.model,
            "record": entry.object_repr,
            "record_id": entry.object_pk,
            "action": entry.get_action_display(),
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in changes_of(entry)],
        })
    return rows


def _user_label(user) -> str:
    return user.get_full_name() or user.get_username()


# --- Subject access export (art. 15) -----------------------------------------------------------------------

def _value(obj, field):
    if field.is_relation:
        related = getattr(obj, field.name)
        if related is None:
            return None
        if isinstance(related, get_user_model()):
            return _user_label(related)
        return str(related)
    value = getattr(obj, field.attname)
    if value is None:
        return None
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if isinstance(field, models.FileField):
        return value.name if value else ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _fields(source: registry.PersonDataSource) -> list:
    return [f for f in source.model_class._meta.concrete_fields if f.name not in source.hidden_fields]


def person_export(*, person) -> dict:
    """Everything held on the person, from every declared source, as a document with a stable schema
    (``schema``/``version``): sources in registry order, each with its purpose, legal basis, recipients
    and retention, its field labels and its records; then the change history and the access log (who
    read or changed the data, for what, when: art. 15(1)(c))."""
    result_sources = []
    for source in registry.sources():
        fields = _fields(source)
        relations = [f.name for f in fields if f.many_to_one or f.one_to_one]
        rows = source.rows_for(person).select_related(*relations).order_by("pk")
        result_sources.append({
            "key": source.key,
            "name": str(source.model_class._meta.verbose_name_plural),
            "purpose": str(source.purpose),
            "legal_basis": str(source.legal_basis),
            "recipients": [str(r) for r in source.recipients],
            "retention": str(source.retention),
            "fields": [{"name": f.name, "label": str(f.verbose_name)} for f in fields],
            "records": [{"id": row.pk, **{f.name: _value(row, f) for f in fields}} for row in rows],
        })
    accesses = (AccessLog.objects.filter(person_ref=person.pseudonym).select_related("user", "organisation",
                                                                                       "content_type")
                .order_by("at", "id"))
    return {
        "schema": EXPORT_SCHEMA,
        "version": EXPORT_VERSION,
        "generated_at": timezone.localtime().isoformat(),
        "controller": {"name": person.ambito.name},
        "person": {"pseudonym": person.pseudonym, "restricted": person.restricted_at is not None},
        "sources": result_sources,
        "history": [{**row, "at": timezone.localtime(row["at"]).isoformat()}
                    for row in person_history(person=person, limit=None)],
        "access_log": [{"at": timezone.localtime(a.at).isoformat(), "user": _user_label(a.user) if a.user else "",
                        "organisation": str(a.organisation) if a.organisation else "",
                        "record_type": str(a.content_type.model_class()._meta.verbose_name)
                        if a.content_type.model_class() else a.content_type.model,
                        "action": a.get_action_display(), "purpose": a.purpose} for a in accesses],
    }


# --- Record of processing activities (art. 30) -------------------------------------------------------------

SECURITY_MEASURES = (
    gettext_lazy("Access by role and territory from one authorisation matrix: each person is seen only by the case team "
      "of the Comune of residence, organisations it was shared with, the GP who sent the request and, for the "
      "minimum data to deliver, the provider it was referred to"),
    gettext_lazy("Every read and write of a person's record written to the access log, with purpose and pseudonym"),
    gettext_lazy("Pseudonyms instead of names in analytics, exports, URLs and the access log"),
    gettext_lazy("Change history of case records (django-auditlog)"),
    gettext_lazy("Attachments and generated documents stored outside the web root, served after a permission check"),
    gettext_lazy("Accounts locked after repeated failed logins; strict Content Security Policy; HTTPS with HSTS"),
    gettext_lazy("Small cells (fewer than 5 persons) suppressed in aggregates shown to non-case roles"),
    gettext_lazy("Restricted persons visible to the DPO only; erasure pseudonymises what the law requires to keep"),
)


def _categories(source: registry.PersonDataSource) -> list[dict]:
    declared = {name: category for category, names in source.categories.items() for name in names}
    grouped: dict = {}
    for field in _fields(source):
        if field.name == "id" or (field.is_relation and field.related_model is Person):
            continue
        grouped.setdefault(declared.get(field.name, registry.ADMINISTRATIVE), []).append(str(field.verbose_name))
    order = list(registry.CATEGORY_LABELS)
    return [{"key": key, "label": str(registry.CATEGORY_LABELS[key]), "special": key in registry.SPECIAL_CATEGORIES,
             "fields": names} for key, names in sorted(grouped.items(), key=lambda item: order.index(item[0]))]


def _ambito_for(actor):
    scope = scope_for(actor)
    ids = scope.ambito_ids(Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR)
    return Ambito.objects.filter(id__in=ids).order_by("id").first()


def record_of_processing(*, actor) -> dict:
    """The record of processing activities (*registro dei trattamenti*, art. 30(1)) of the actor's Ambito,
    generated from the registry of person data sources and the models' fields: one activity per purpose,
    with the models and field groups it processes."""
    ambito = _ambito_for(actor)
    dpos = (Membership.objects.filter(role=Role.DATA_PROTECTION_OFFICER, active=True,
                                      organisation__ambito=ambito).select_related("user", "organisation")
            if ambito else Membership.objects.none())
    activities: dict = {}
    for source in registry.sources():
        activity = activities.setdefault(str(source.purpose), {
            "purpose": str(source.purpose), "legal_bases": [], "recipients": [], "retention": [], "subjects": [],
            "special_categories": False, "datasets": []})
        for key, values in (("legal_bases", [source.legal_basis]), ("recipients", source.recipients),
                            ("retention", [source.retention]), ("subjects", source.subjects)):
            for value in values:
                if str(value) not in activity[key]:
                    activity[key].append(str(value))
        categories = _categories(source)
        activity["special_categories"] |= any(c["special"] for c in categories)
        activity["datasets"].append({"model": source.key, "name": str(source.model_class._meta.verbose_name_plural),
                                     "erasure": source.erasure, "categories": categories})
    return {
        "schema": ROPA_SCHEMA,
        "version": ROPA_VERSION,
        "generated_at": timezone.localtime().isoformat(),
        "controller": {"name": ambito.name if ambito else "", "code": ambito.code if ambito else ""},
        "dpo": [{"name": _user_label(m.user), "email": m.user.email, "organisation": m.organisation.name}
                for m in dpos],
        "activities": list(activities.values()),
        "other_activities": [{"name": str(a.name), "purpose": str(a.purpose), "subjects": str(a.subjects),
                              "categories": str(a.categories), "legal_basis": str(a.legal_basis),
                              "recipients": str(a.recipients), "retention": str(a.retention)}
                             for a in registry.OTHER_ACTIVITIES],
        "transfers_outside_eu": _("None"),
        "security_measures": [str(m) for m in SECURITY_MEASURES],
    }


# --- The access log (registro degli accessi) -----------------------------------------------------------------

ACCESS_LOG_RELATED = ("user", "organisation", "content_type")


def person_access_log_persons(*, actor) -> QuerySet:
    """Persons whose access trail the actor may read."""
    return Person.objects.filter(rules.person_access_log_q(actor))


def _between(qs: QuerySet, filters: dict) -> QuerySet:
    """Filters of the access log pages and API: ``date_from``/``date_to`` (dates, inclusive), ``action``,
    ``purpose`` (code), ``user`` (id)."""
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        qs = qs.filter(at__gte=datetime.datetime.combine(filters["date_from"], datetime.time.min, tzinfo=tz))
    if filters.get("date_to"):
        end = filters["date_to"] + datetime.timedelta(days=1)
        qs = qs.filter(at__lt=datetime.datetime.combine(end, datetime.time.min, tzinfo=tz))
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("purpose"):
        qs = qs.filter(purpose_code=filters["purpose"])
    if filters.get("user"):
        qs = qs.filter(user_id=getattr(filters["user"], "pk", filters["user"]))
    return qs


def person_access_log(*, person, filters: dict | None = None) -> QuerySet:
    """Who accessed a person's record and everything about them (requests, assessments, plans, referrals...),
    newest first. Entries written before ``person_id`` existed are found by pseudonym. The caller checks
    ``rules.can_view_person_access_log`` first."""
    qs = AccessLog.objects.filter(Q(person_id=person.pk) | Q(person_id__isnull=True, person_ref=person.pseudonym))
    return _between(qs, filters or {}).select_related(*ACCESS_LOG_RELATED).order_by("-at", "-id")


def access_log_list(*, actor, filters: dict | None = None) -> QuerySet:
    """The access log of the actor's Ambiti for a DPO (empty for anyone else), newest first.
    ``exclude_own_audit`` hides the actor's own reads of the log, which every page view adds."""
    filters = filters or {}
    qs = _between(AccessLog.objects.filter(rules.access_log_entry_q(actor)), filters)
    if filters.get("exclude_own_audit"):
        qs = qs.exclude(user=actor, purpose_code=AccessPurpose.AUDIT)
    return qs.select_related(*ACCESS_LOG_RELATED).order_by("-at", "-id")


def access_log_users(*, actor) -> QuerySet:
    """Users of the organisations of the DPO's Ambiti (choices of the user filter)."""
    ambiti = rules.access_log_ambito_ids(actor)
    return get_user_model().objects.filter(
        id__in=Membership.objects.filter(organisation__ambito_id__in=ambiti).values("user_id")
    ).order_by("last_name", "first_name", "username")
