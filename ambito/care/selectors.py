"""Reads of the care app, scoped by ``care.rules`` before any filter, with the access log written for every
read of person data (lists in one INSERT)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_log_record, access_log_records
from ambito.care import rules
from ambito.care.models import (
    BudgetAxis,
    CarePlan,
    CaseNote,
    Delivery,
    Discharge,
    DischargeStatus,
    Funder,
    HealthBudget,
    HealthBudgetExpense,
    HealthBudgetLine,
    Referral,
    ReferralStatus,
)
from ambito.core.selectors import count_of


def _get(model, queryset, pk, *, actor, predicate, purpose):
    """Fetch one record, check the predicate, log the read (or the refusal)."""
    obj = get_object_or_404(queryset, pk=pk)
    if not predicate(actor, obj):
        access_log_record(actor=actor, record=obj, action=AccessAction.DENIED, purpose=purpose)
        raise PermissionDenied(_("You cannot see this record."))
    access_log_record(actor=actor, record=obj, action=AccessAction.READ, purpose=purpose)
    return obj


def log_list(*, actor, records, purpose: str):
    access_log_records(actor=actor, records=records, action=AccessAction.LIST, purpose=purpose)
    return records


# --- Care plans ----------------------------------------------------------------------------------------------


def care_plan_list(*, actor, status: str = "", person_id=None) -> QuerySet:
    open_referrals = Referral.objects.filter(status__in=[
        ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS])
    qs = (CarePlan.objects.filter(rules.care_plan_q(actor))
          .select_related("person", "comune", "case_manager")
          .annotate(open_referrals=count_of(open_referrals, "care_plan"))
          .order_by("-start_date", "-id"))
    if status:
        qs = qs.filter(status=status)
    if person_id:
        qs = qs.filter(person_id=person_id)
    return qs


def care_plan_get(*, actor, pk) -> CarePlan:
    qs = CarePlan.objects.select_related("person", "person__residence_comune", "comune", "case_manager",
                                         "assessment", "request").prefetch_related(
        "goals__reviews__revision", "interventions__service", "interventions__provider", "revisions__reviewed_by")
    return _get(CarePlan, qs, pk, actor=actor, predicate=rules.can_view_care_plan, purpose="care plan read")


def care_plan_referrals(*, plan) -> QuerySet:
    return plan.referrals.select_related("provider", "service").prefetch_related("status_changes")


def care_plan_deliveries(*, plan) -> QuerySet:
    """The plan's deliveries, the latest first (the page shows them a page at a time)."""
    return Delivery.objects.filter(referral__care_plan=plan).select_related("provider", "service")


def case_notes_for(*, actor, person, care_plan=None) -> QuerySet:
    qs = (CaseNote.objects.filter(rules.case_note_q(actor), person=person)
          .select_related("author", "referral__provider").prefetch_related("attachments"))
    if care_plan is not None:
        qs = qs.filter(Q(care_plan=care_plan) | Q(referral__care_plan=care_plan) | Q(care_plan__isnull=True))
    return qs


# --- Health budgets ----------------------------------------------------------------------------------------


def health_budget_list(*, actor) -> QuerySet:
    return (HealthBudget.objects.filter(rules.health_budget_q(actor)).select_related("person", "comune")
            .annotate(planned=Sum("lines__planned_amount")).order_by("-start_date", "-id"))


def health_budget_get(*, actor, pk) -> HealthBudget:
    qs = HealthBudget.objects.select_related("person", "comune", "care_plan").prefetch_related(
        "team__organisation", "lines__expenses")
    return _get(HealthBudget, qs, pk, actor=actor, predicate=rules.can_view_health_budget,
                purpose="Budget di salute read")


def health_budget_report(*, budget) -> dict:
    """Planned vs spent by axis and by funder, with totals (euro, Decimal): the *rendicontazione* of a
    Budget di salute. Two grouped queries whatever the number of lines."""
    zero = Decimal("0.00")
    planned = {(r["axis"], r["funder"]): r["total"] or zero for r in
               HealthBudgetLine.objects.filter(budget=budget).values("axis", "funder")
               .annotate(total=Sum("planned_amount"))}
    spent = {(r["line__axis"], r["line__funder"]): r["total"] or zero for r in
             HealthBudgetExpense.objects.filter(line__budget=budget).values("line__axis", "line__funder")
             .annotate(total=Sum("amount"))}

    def row(label, key_filter):
        p = sum((v for k, v in planned.items() if key_filter(k)), zero)
        s = sum((v for k, v in spent.items() if key_filter(k)), zero)
        return {"key": label[0], "label": label[1], "planned": p, "spent": s, "remaining": p - s,
                "share_spent": (s / p * 100).quantize(Decimal("0.1")) if p else None,
                "over": s > p}  # spent more than planned (or spent on nothing planned): the page warns

    axes = [row((a.value, a.label), lambda k, a=a: k[0] == a) for a in BudgetAxis]
    funders = [row((f.value, f.label), lambda k, f=f: k[1] == f) for f in Funder]
    total = row(("total", _("Total")), lambda k: True)
    return {"axes": axes, "funders": [f for f in funders if f["planned"] or f["spent"]], "total": total}


# --- Referrals -----------------------------------------------------------------------------------------------


def referral_list(*, actor, status: str = "", provider_side: bool = False) -> QuerySet:
    q = rules.referral_provider_q(actor) if provider_side else rules.referral_q(actor)
    qs = Referral.objects.filter(q).select_related("person", "person__residence_comune", "provider", "service",
                                                   "comune", "intervention")
    if status:
        qs = qs.filter(status=status)
    return qs


def referral_get(*, actor, pk) -> Referral:
    qs = Referral.objects.select_related("person", "person__residence_comune", "provider", "service", "intervention",
                                         "care_plan", "sent_by").prefetch_related(
        Prefetch("status_changes"), "notes__author")
    return _get(Referral, qs, pk, actor=actor, predicate=rules.can_view_referral, purpose="referral read")


def provider_view(referral: Referral) -> dict:
    """The minimum a provider needs to deliver (GDPR data minimisation): who, where, how to reach them, what to
    deliver and for how long. No codice fiscale, birth date, health data or assessment."""
    person = referral.person
    intervention = referral.intervention
    return {
        "id": referral.pk,
        "status": referral.status,
        "status_label": ReferralStatus(referral.status).label,
        "name": person.full_name,
        "address": person.address,
        "comune": person.residence_comune.name,
        "phone": person.phone,
        "email": person.email,
        "service": referral.service.name,
        "provider": referral.provider.name,
        "what_to_deliver": referral.what_to_deliver,
        "intensity": intervention.intensity,
        "intensity_unit": intervention.get_intensity_unit_display(),
        "start_date": intervention.start_date,
        "end_date": intervention.end_date,
        "sent_at": referral.sent_at,
        "answer_due_on": referral.answer_due_on,
        "answered_at": referral.answered_at,
    }


# --- Deliveries --------------------------------------------------------------------------------------------


def delivery_list(*, actor, referral_id=None, date_from=None, date_to=None) -> QuerySet:
    qs = Delivery.objects.filter(rules.delivery_q(actor)).select_related("person", "provider", "service")
    if referral_id:
        qs = qs.filter(referral_id=referral_id)
    if date_from:
        qs = qs.filter(delivered_on__gte=date_from)
    if date_to:
        qs = qs.filter(delivered_on__lte=date_to)
    return qs


def delivery_totals(*, queryset) -> dict:
    totals = queryset.aggregate(hours=Sum("hours"), amount=Sum("amount"), deliveries=Count("id"),
                                persons=Count("person", distinct=True))
    return {k: v or 0 for k, v in totals.items()}


# --- Discharges --------------------------------------------------------------------------------------------


def discharge_list(*, actor) -> QuerySet:
    return Discharge.objects.filter(rules.discharge_q(actor)).select_related("person", "comune")


def discharges_flagged(*, actor=None, today) -> QuerySet:
    """Planned discharges within two days whose required services are not all confirmed (or that have none):
    the Ambito must act before the person is sent home without support."""
    import datetime

    qs = Discharge.objects.filter(status=DischargeStatus.PLANNED, planned_on__lte=today + datetime.timedelta(days=2))
    if actor is not None:
        qs = qs.filter(rules.discharge_q(actor))
    return qs.annotate(
        required=Count("services", distinct=True),
        unconfirmed=Count("services", filter=Q(services__confirmed_at__isnull=True), distinct=True),
    ).filter(Q(unconfirmed__gt=0) | Q(required=0)).select_related("person")


def discharge_get(*, actor, pk) -> Discharge:
    qs = Discharge.objects.select_related("person", "comune").prefetch_related(
        "services__service__provider", "services__confirmed_by", "tasks__owner_organisation")
    return _get(Discharge, qs, pk, actor=actor, predicate=rules.can_view_discharge, purpose="protected discharge read")
