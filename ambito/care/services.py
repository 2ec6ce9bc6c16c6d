"""Writes of the care app: every rule of the PAI, the Budget di salute, the referral loop, deliveries,
protected discharges and case notes. Each function checks the actor's rights (``care.rules``), runs in one
transaction, records the touch of person data in the access log, and raises a ``ValidationError`` a social
worker understands."""

import csv
import datetime
import io
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.access.models import AssessmentDecision, Person
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny as deny
from ambito.accounts.services import access_log_record
from ambito.accounts.services import access_note_denial as note_denial
from ambito.accounts.services import atomic_service as service
from ambito.care import rules
from ambito.care.models import (
    ACTIVE_GOAL_STATUSES,
    OPEN_REFERRAL_STATUSES,
    REFERRAL_TRANSITIONS,
    AnswerChannel,
    CarePlan,
    CarePlanRevision,
    CarePlanStatus,
    CaseAttachment,
    CaseNote,
    DeclineReason,
    Delivery,
    DeliverySource,
    DeliveryType,
    Discharge,
    DischargeService,
    DischargeStatus,
    DischargeTask,
    Goal,
    GoalReview,
    GoalStatus,
    HealthBudget,
    HealthBudgetExpense,
    HealthBudgetLine,
    HealthBudgetMember,
    NoteVisibility,
    PlannedIntervention,
    Referral,
    ReferralLink,
    ReferralStatus,
    ReferralStatusChange,
    hash_nonce,
)
from ambito.core.imports import ImportRejected, RowError, read_text
from ambito.core.uploads import ATTACHMENT_KINDS, validate_upload

LINK_SALT = "ambito.care.referral-link"


def _log(actor, record, action, purpose):
    access_log_record(actor=actor, record=record, action=action, purpose=purpose)


# --- Care plan (PAI) -----------------------------------------------------------------------------------------


@service
def care_plan_create(*, actor, person: Person, title: str, area: str, start_date: datetime.date,
                     end_date: datetime.date, assessment=None, request=None, case_manager=None, summary: str = "",
                     next_review_on: datetime.date | None = None) -> CarePlan:
    """Open a PAI for a person, usually from a UVM whose decision was a personalised plan."""
    if not rules.is_case_team(actor, person):
        deny(actor=actor, record=person, purpose="open a care plan outside the actor's territory")
    if end_date < start_date:
        raise ValidationError({"end_date": _("The plan cannot end before it starts.")})
    if assessment is not None:
        if assessment.person_id != person.pk:
            raise ValidationError(_("The UVM assessment is about another person."))
        if assessment.decision and assessment.decision != AssessmentDecision.CARE_PLAN:
            raise ValidationError(_("The UVM did not decide a personalised plan for this person."))
        request = request or assessment.request
    plan = CarePlan.objects.create(
        ambito_id=person.ambito_id, comune_id=person.residence_comune_id, person=person, request=request,
        assessment=assessment, title=title.strip(), area=area, summary=summary, start_date=start_date,
        end_date=end_date, case_manager=case_manager or actor, next_review_on=next_review_on, created_by=actor)
    _log(actor, plan, AccessAction.CREATE, "care plan opened")
    return plan


def _editable_plan(actor, plan: CarePlan, purpose: str) -> None:
    if not rules.can_edit_care_plan(actor, plan):
        deny(actor=actor, record=plan, purpose=purpose)
    if plan.status == CarePlanStatus.CLOSED:
        raise ValidationError(_("This plan is closed: it can no longer change."), code="closed")


@service
def care_plan_update(*, actor, plan: CarePlan, expected_version: int | None, title: str, summary: str,
                     start_date: datetime.date, end_date: datetime.date,
                     next_review_on: datetime.date | None = None) -> CarePlan:
    """Edit the plan's header (*modifica del PAI*: title, needs and resources, period, next review) on the
    version the social worker read: refused (``StaleEditError``) if someone saved the plan since."""
    from ambito.core.concurrency import save_versioned

    _editable_plan(actor, plan, "edit a care plan outside the actor's territory")
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the plan a title.")})
    if end_date < start_date:
        raise ValidationError({"end_date": _("The plan cannot end before it starts.")})
    if (plan.goals.filter(Q(review_on__lt=start_date) | Q(review_on__gt=end_date)).exists()
            or plan.interventions.filter(Q(start_date__lt=start_date) | Q(end_date__gt=end_date)).exists()):
        raise ValidationError(_("Goals and interventions must stay within the plan's dates: the new period leaves "
                                "some of them out."), code="period")
    plan.title, plan.summary, plan.start_date, plan.end_date = title.strip(), summary, start_date, end_date
    plan.next_review_on, plan.updated_at = next_review_on, timezone.now()
    save_versioned(plan, expected_version=expected_version,
                   fields=["title", "summary", "start_date", "end_date", "next_review_on", "updated_at"])
    _log(actor, plan, AccessAction.UPDATE, "care plan edited")
    return plan


@service
def goal_add(*, actor, plan: CarePlan, description: str, indicator: str, target: str, review_on: datetime.date,
             baseline: str = "") -> Goal:
    """Add a measurable goal (*obiettivo misurabile*): what is measured, from where to where, reviewed when."""
    _editable_plan(actor, plan, "add a goal outside the actor's territory")
    if not (indicator or "").strip() or not (target or "").strip():
        raise ValidationError(_("A goal needs a way to measure it and a target."))
    if not plan.start_date <= review_on <= plan.end_date:
        raise ValidationError({"review_on": _("The review date must fall within the plan's dates.")})
    goal = Goal.objects.create(care_plan=plan, description=description.strip(), indicator=indicator.strip(),
                               baseline=baseline, target=target.strip(), review_on=review_on,
                               order=plan.goals.count() + 1)
    _log(actor, plan, AccessAction.UPDATE, "goal added")
    return goal


@service
def intervention_add(*, actor, plan: CarePlan, service, description: str, intensity: Decimal, intensity_unit: str,
                     start_date: datetime.date, end_date: datetime.date, payer: str, provider=None,
                     person_share: Decimal | None = None) -> PlannedIntervention:
    """Plan an intervention: service, provider (the service's own by default), intensity, dates, who pays."""
    _editable_plan(actor, plan, "plan an intervention outside the actor's territory")
    intensity = Decimal(intensity)
    if intensity <= 0:
        raise ValidationError({"intensity": _("The intensity must be more than zero.")})
    if person_share is not None and Decimal(person_share) < 0:
        raise ValidationError({"person_share": _("The person's share cannot be negative.")})
    if end_date < start_date:
        raise ValidationError({"end_date": _("The intervention cannot end before it starts.")})
    if start_date < plan.start_date or end_date > plan.end_date:
        raise ValidationError(_("The intervention must fall within the plan's dates (%(start)s – %(end)s).") % {
            "start": plan.start_date.strftime("%d/%m/%Y"), "end": plan.end_date.strftime("%d/%m/%Y")})
    intervention = PlannedIntervention.objects.create(
        care_plan=plan, service=service, provider=provider or service.provider, description=description.strip(),
        intensity=intensity, intensity_unit=intensity_unit, start_date=start_date, end_date=end_date, payer=payer,
        person_share=person_share)
    _log(actor, plan, AccessAction.UPDATE, "intervention planned")
    return intervention


@service
def care_plan_sign(*, actor, plan: CarePlan, signed_on: datetime.date, signed_by: str,
                   expected_version: int | None = None) -> CarePlan:
    """Record the person's (or family's) agreement and make the plan active (*sottoscrizione del PAI*)."""
    _editable_plan(actor, plan, "sign a care plan outside the actor's territory")
    if not plan.goals.exists() or not plan.interventions.exists():
        raise ValidationError(_("A plan is signed once it has at least one goal and one intervention."))
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The agreement cannot be signed in the future.")})
    if not (signed_by or "").strip():
        raise ValidationError({"signed_by": _("Say who signed the plan.")})
    from ambito.core.concurrency import save_versioned

    plan.agreement_signed_on, plan.agreement_signed_by = signed_on, signed_by.strip()
    plan.status = CarePlanStatus.ACTIVE
    save_versioned(plan, expected_version=expected_version,
                   fields=["agreement_signed_on", "agreement_signed_by", "status"])
    _log(actor, plan, AccessAction.UPDATE, "care plan signed")
    return plan


def _snapshot(plan: CarePlan) -> dict:
    return {
        "title": plan.title,
        "start_date": plan.start_date.isoformat(),
        "end_date": plan.end_date.isoformat(),
        "case_manager": plan.case_manager.get_full_name() if plan.case_manager_id else "",
        "agreement_signed_on": plan.agreement_signed_on.isoformat() if plan.agreement_signed_on else None,
        "goals": [{"id": g.pk, "description": g.description, "indicator": g.indicator, "baseline": g.baseline,
                   "target": g.target, "review_on": g.review_on.isoformat(), "status": g.status}
                  for g in plan.goals.all()],
        "interventions": [{"id": i.pk, "service": i.service.name, "provider": i.provider.name,
                           "description": i.description, "intensity": str(i.intensity), "unit": i.intensity_unit,
                           "start_date": i.start_date.isoformat(), "end_date": i.end_date.isoformat(),
                           "payer": i.payer} for i in plan.interventions.select_related("service", "provider")],
    }


@service
def care_plan_review(*, actor, plan: CarePlan, reviewed_on: datetime.date, outcomes: dict, summary: str = "",
                     next_review_on: datetime.date | None = None, close: bool = False) -> CarePlanRevision:
    """Review the plan (*verifica periodica del PAI*): an outcome for each goal, a new version of the plan with
    the snapshot of what was reviewed, the next review date (or the plan's closure).

    ``outcomes`` maps goal id to ``{"outcome": GoalStatus, "value": "…", "note": "…"}``; every goal still worked
    on (open or partly achieved) needs one."""
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    _editable_plan(actor, plan, "review a care plan outside the actor's territory")
    if plan.status != CarePlanStatus.ACTIVE:
        raise ValidationError(_("Only a signed, active plan can be reviewed."))
    goals = list(plan.goals.all())
    missing = [g.description for g in goals if g.status in ACTIVE_GOAL_STATUSES and str(g.pk) not in
               {str(k) for k in outcomes}]
    if missing:
        raise ValidationError(_("Give an outcome for every goal still open: %(goals)s.") % {"goals": "; ".join(missing)})
    if not close and next_review_on is None:
        raise ValidationError({"next_review_on": _("Set the next review date, or close the plan.")})
    revision = CarePlanRevision.objects.create(
        care_plan=plan, number=plan.revision, reviewed_on=reviewed_on, reviewed_by=actor, summary=summary,
        snapshot=_snapshot(plan))
    by_id = {str(g.pk): g for g in goals}
    for goal_id, result in outcomes.items():
        goal = by_id.get(str(goal_id))
        if goal is None:
            raise ValidationError(_("A goal reviewed does not belong to this plan."))
        outcome = result.get("outcome")
        if outcome not in GoalStatus.values:
            raise ValidationError(_("Unknown outcome for goal “%(goal)s”.") % {"goal": goal.description})
        GoalReview.objects.create(goal=goal, revision=revision, outcome=outcome,
                                  measured_value=result.get("value", "")[:60], note=result.get("note", "")[:300])
        goal.status = outcome
        goal.save(update_fields=["status"])
    fields = {"revision": F("revision") + 1, "version": F("version") + 1, "next_review_on": next_review_on}
    if close:
        fields.update(status=CarePlanStatus.CLOSED, closed_at=timezone.now())
    CarePlan.objects.filter(pk=plan.pk).update(**fields)
    _log(actor, plan, AccessAction.UPDATE, f"care plan reviewed (version {revision.number})")
    return revision


# --- Budget di salute ----------------------------------------------------------------------------------------


@service
def health_budget_create(*, actor, person: Person, title: str, start_date: datetime.date, end_date: datetime.date,
                         area: str = "salute_mentale", care_plan: CarePlan | None = None) -> HealthBudget:
    """Open a *Budget di salute* project for a person (mental health or disability)."""
    if not rules.is_case_team(actor, person):
        deny(actor=actor, record=person, purpose="open a Budget di salute outside the actor's territory")
    if end_date < start_date:
        raise ValidationError({"end_date": _("The project cannot end before it starts.")})
    if care_plan is not None and care_plan.person_id != person.pk:
        raise ValidationError(_("The care plan is about another person."))
    budget = HealthBudget.objects.create(
        ambito_id=person.ambito_id, comune_id=person.residence_comune_id, person=person, care_plan=care_plan,
        title=title.strip(), area=area, start_date=start_date, end_date=end_date, created_by=actor)
    _log(actor, budget, AccessAction.CREATE, "Budget di salute opened")
    return budget


def _editable_budget(actor, budget, purpose):
    if not rules.can_edit_health_budget(actor, budget):
        deny(actor=actor, record=budget, purpose=purpose)


@service
def health_budget_member_add(*, actor, budget: HealthBudget, role: str, name: str,
                             organisation=None) -> HealthBudgetMember:
    """Add a member of the co-design team (ASL service, social worker, ETS, the person, the family)."""
    _editable_budget(actor, budget, "change a Budget di salute team outside the actor's territory")
    member = HealthBudgetMember.objects.create(budget=budget, role=role, name=name.strip(), organisation=organisation)
    _log(actor, budget, AccessAction.UPDATE, "co-design team member added")
    return member


@service
def health_budget_line_add(*, actor, budget: HealthBudget, axis: str, funder: str, description: str,
                           planned_amount: Decimal, organisation=None) -> HealthBudgetLine:
    """Plan an amount on one axis from one funder."""
    _editable_budget(actor, budget, "plan a Budget di salute outside the actor's territory")
    planned_amount = Decimal(planned_amount)
    if planned_amount < 0:
        raise ValidationError({"planned_amount": _("A planned amount cannot be negative.")})
    line = HealthBudgetLine.objects.create(budget=budget, axis=axis, funder=funder, description=description,
                                           planned_amount=planned_amount.quantize(Decimal("0.01")),
                                           organisation=organisation)
    _log(actor, budget, AccessAction.UPDATE, "budget line added")
    return line


@service
def health_budget_expense_add(*, actor, line: HealthBudgetLine, spent_on: datetime.date, amount: Decimal,
                              description: str = "") -> HealthBudgetExpense:
    """Record money spent on a line, within the project's dates."""
    budget = line.budget
    _editable_budget(actor, budget, "record spending outside the actor's territory")
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("An expense must be more than zero.")})
    if not budget.start_date <= spent_on <= budget.end_date:
        raise ValidationError({"spent_on": _("The expense falls outside the project's dates.")})
    expense = HealthBudgetExpense.objects.create(line=line, spent_on=spent_on,
                                                 amount=amount.quantize(Decimal("0.01")),
                                                 description=description, recorded_by=actor)
    _log(actor, budget, AccessAction.UPDATE, "budget expense recorded")
    return expense


# --- Referrals ---------------------------------------------------------------------------------------------


def _add_days(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


@service
def referral_send(*, actor, intervention: PlannedIntervention, what_to_deliver: str = "", response_days: int = 5,
                  contact_email: str = "", at=None) -> Referral:
    """Send a planned intervention to its provider (*invio al servizio*), closed loop: the provider must
    answer within ``response_days``. With ``contact_email`` a provider without accounts gets a single-use,
    expiring answer link by e-mail."""
    plan = intervention.care_plan
    if not rules.can_edit_care_plan(actor, plan):
        deny(actor=actor, record=plan, purpose="send a referral outside the actor's territory")
    if plan.status != CarePlanStatus.ACTIVE:
        raise ValidationError(_("Referrals are sent once the plan is signed and active."))
    if not 1 <= int(response_days) <= 60:
        raise ValidationError({"response_days": _("The days to answer must be between 1 and 60.")})
    if Referral.objects.filter(intervention=intervention, status__in=OPEN_REFERRAL_STATUSES).exists():
        raise ValidationError(_("This intervention already has an open referral."))
    at = at or timezone.now()
    referral = Referral.objects.create(
        ambito_id=plan.ambito_id, comune_id=plan.comune_id, person_id=plan.person_id, care_plan=plan,
        intervention=intervention, service_id=intervention.service_id, provider_id=intervention.provider_id,
        what_to_deliver=(what_to_deliver or intervention.description).strip(), response_days=int(response_days),
        answer_due_on=_add_days(timezone.localdate(at), int(response_days)), contact_email=contact_email,
        sent_at=at, sent_by=actor, status=ReferralStatus.SENT)
    ReferralStatusChange.objects.create(referral=referral, from_status="", to_status=ReferralStatus.SENT, at=at,
                                        actor=actor)
    _log(actor, referral, AccessAction.CREATE, "referral sent")
    if contact_email:
        referral_link_create(referral=referral, email=contact_email, at=at)
    return referral


_TIMESTAMP = {
    ReferralStatus.ACCEPTED: "answered_at",
    ReferralStatus.DECLINED: "answered_at",
    ReferralStatus.IN_PROGRESS: "started_at",
    ReferralStatus.COMPLETED: "completed_at",
    ReferralStatus.CANCELLED: "cancelled_at",
}


def _referral_move(*, actor, referral: Referral, to_status: str, note: str = "", at=None,
                   via: str = AnswerChannel.ACCOUNT, **fields) -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if to_status in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED) and locked.answered_at is not None:
        raise ValidationError(
            _("This referral was already answered on %(date)s (%(status)s): an answer cannot be given twice.") % {
                "date": timezone.localtime(locked.answered_at).strftime("%d/%m/%Y %H:%M"),
                "status": ReferralStatus(locked.status).label},
            code="already_answered")
    if to_status not in REFERRAL_TRANSITIONS[ReferralStatus(locked.status)]:
        raise ValidationError(_("A referral cannot go from “%(from)s” to “%(to)s”.") % {
            "from": ReferralStatus(locked.status).label, "to": ReferralStatus(to_status).label},
            code="bad_transition")
    at = at or timezone.now()
    previous = locked.status
    updates = {"status": to_status, _TIMESTAMP[to_status]: at, **fields}
    if to_status in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED):
        updates["answered_via"] = via
    Referral.objects.filter(pk=locked.pk).update(**updates, version=F("version") + 1)
    for name, value in updates.items():
        setattr(referral, name, value)
    referral.version = locked.version + 1
    ReferralStatusChange.objects.create(referral=referral, from_status=previous, to_status=to_status, at=at,
                                        actor=actor if actor is not None and actor.is_authenticated else None,
                                        via=via, note=note[:300])
    return referral


def _answerable(actor, referral, purpose):
    if not rules.can_answer_referral(actor, referral):
        deny(actor=actor, record=referral, purpose=purpose)


@service
def referral_accept(*, actor, referral: Referral, note: str = "", at=None,
                    via: str = AnswerChannel.ACCOUNT) -> Referral:
    """The provider takes the referral on (*presa in carico da parte dell'ente*)."""
    _answerable(actor, referral, "answer a referral sent to another organisation")
    referral = _referral_move(actor=actor, referral=referral, to_status=ReferralStatus.ACCEPTED, note=note, at=at,
                              via=via)
    _log(actor, referral, AccessAction.UPDATE, "referral accepted")
    return referral


def _check_decline(reason, note):
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": _("Choose why the referral is declined.")})
    if reason == DeclineReason.OTHER and not (note or "").strip():
        raise ValidationError({"note": _("Explain the reason when you choose “Other”.")})


@service
def referral_decline(*, actor, referral: Referral, reason: str, note: str = "", at=None,
                     via: str = AnswerChannel.ACCOUNT) -> Referral:
    """The provider declines with a structured reason; the case team sees it and sends elsewhere."""
    _answerable(actor, referral, "answer a referral sent to another organisation")
    _check_decline(reason, note)
    referral = _referral_move(actor=actor, referral=referral, to_status=ReferralStatus.DECLINED, note=note, at=at,
                              via=via, decline_reason=reason, decline_note=(note or "")[:300])
    _log(actor, referral, AccessAction.UPDATE, "referral declined")
    return referral


@service
def referral_start(*, actor, referral: Referral, at=None) -> Referral:
    _answerable(actor, referral, "start a referral sent to another organisation")
    referral = _referral_move(actor=actor, referral=referral, to_status=ReferralStatus.IN_PROGRESS, at=at)
    _log(actor, referral, AccessAction.UPDATE, "referral started")
    return referral


@service
def referral_complete(*, actor, referral: Referral, outcome_note: str = "", at=None) -> Referral:
    """The provider closes the loop: the intervention was delivered to its end."""
    _answerable(actor, referral, "complete a referral sent to another organisation")
    referral = _referral_move(actor=actor, referral=referral, to_status=ReferralStatus.COMPLETED, note=outcome_note,
                              at=at, outcome_note=(outcome_note or "")[:300])
    _log(actor, referral, AccessAction.UPDATE, "referral completed")
    return referral


@service
def referral_cancel(*, actor, referral: Referral, reason: str, at=None) -> Referral:
    """The case team withdraws a referral (the person moved, the need changed…)."""
    if not rules.can_manage_referral(actor, referral):
        deny(actor=actor, record=referral, purpose="cancel a referral outside the actor's territory")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the referral is cancelled.")})
    referral = _referral_move(actor=actor, referral=referral, to_status=ReferralStatus.CANCELLED, note=reason,
                              at=at, outcome_note=reason[:300])
    ReferralLink.objects.filter(referral=referral, used_at__isnull=True).update(used_at=at or timezone.now())
    _log(actor, referral, AccessAction.UPDATE, "referral cancelled")
    return referral


# --- Signed answer links for providers without accounts --------------------------------------------------------


def _link_signer():
    return signing.TimestampSigner(salt=LINK_SALT)


def referral_link_create(*, referral: Referral, email: str, at=None) -> str:
    """Create a single-use answer link and e-mail it (after commit). The e-mail says only that a referral is
    waiting: no name, no need. Returns the signed token (shown once, never stored)."""
    at = at or timezone.now()
    nonce = secrets.token_urlsafe(24)
    link = ReferralLink.objects.create(referral=referral, nonce_hash=hash_nonce(nonce), email=email, created_at=at,
                                       expires_at=at + datetime.timedelta(days=referral.response_days))
    token = _link_signer().sign(f"{link.pk}:{nonce}")
    url = settings.SITE_URL + reverse("care-referral-link", args=[token])
    subject = _("A referral is waiting for your answer")
    body = _("The social services of the Ambito have sent your organisation a referral. Open this link to read it "
             "and answer (it works once and expires on %(date)s):\n\n%(url)s\n") % {
        "date": timezone.localtime(link.expires_at).strftime("%d/%m/%Y"), "url": url}
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return token


def referral_link_resolve(*, token: str, at=None) -> ReferralLink:
    """Check a link: valid signature, not older than its referral's answer days, not used. Refusals never
    reveal which referral the link was for."""
    at = at or timezone.now()
    invalid = ValidationError(_("This link is not valid. Ask the social service for a new one."), code="invalid")
    try:
        value = _link_signer().unsign(token)
    except signing.BadSignature:
        raise invalid from None
    link_id, _sep, nonce = value.partition(":")
    link = ReferralLink.objects.select_related("referral").filter(
        pk=link_id, nonce_hash=hash_nonce(nonce), referral__person__restricted_at__isnull=True).first()
    if link is None:
        raise invalid
    max_age = datetime.timedelta(days=link.referral.response_days)
    signed_at = datetime.datetime.fromtimestamp(signing.b62_decode(token.rsplit(":", 2)[1]), tz=datetime.UTC)
    if at > link.expires_at or at - signed_at > max_age:
        raise ValidationError(_("This link has expired. Ask the social service for a new one."), code="expired")
    if link.used_at is not None:
        raise ValidationError(_("This link has already been used: the referral was answered."), code="used")
    return link


@service
def referral_link_open(*, token: str, at=None) -> Referral:
    """Opening the link is a read of person data by the provider: logged against the referral."""
    link = referral_link_resolve(token=token, at=at)
    access_log_record(actor=None, record=link.referral, action=AccessAction.READ, organisation=link.referral.provider,
                      purpose=f"answer link opened ({link.email})")
    return link.referral


@service
def referral_link_answer(*, token: str, accept: bool, reason: str = "", note: str = "", at=None) -> Referral:
    """Answer through the link: accept, or decline with a structured reason. The link is then spent."""
    at = at or timezone.now()
    link = referral_link_resolve(token=token, at=at)
    link = ReferralLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise ValidationError(_("This link has already been used: the referral was answered."), code="used")
    referral = link.referral
    if accept:
        referral = _referral_move(actor=None, referral=referral, to_status=ReferralStatus.ACCEPTED, note=note, at=at,
                                  via=AnswerChannel.LINK)
    else:
        _check_decline(reason, note)
        referral = _referral_move(actor=None, referral=referral, to_status=ReferralStatus.DECLINED, note=note, at=at,
                                  via=AnswerChannel.LINK, decline_reason=reason, decline_note=(note or "")[:300])
    ReferralLink.objects.filter(referral=referral, used_at__isnull=True).update(used_at=at)
    access_log_record(actor=None, record=referral, action=AccessAction.UPDATE, organisation=referral.provider,
                      purpose=f"referral {'accepted' if accept else 'declined'} by answer link ({link.email})")
    return referral


# --- Reminders ---------------------------------------------------------------------------------------------


def referrals_overdue(*, today: datetime.date):
    """Referrals still unanswered after their agreed days, not yet reminded today."""
    return (Referral.objects.filter(status=ReferralStatus.SENT, answer_due_on__lt=today,
                                    person__restricted_at__isnull=True)  # GDPR art. 18: no processing
            .filter(Q(last_reminder_at__isnull=True) | Q(last_reminder_at__date__lt=today))
            .select_related("provider", "sent_by", "service"))


def referral_reminders_send(*, at=None) -> list[int]:
    """Remind providers of referrals not answered within the agreed days (one reminder a day at most), copying
    who sent the referral. The e-mail names only the referral number and the service: no person data."""
    from django.contrib.auth import get_user_model

    from ambito.accounts.models import Membership

    at = at or timezone.now()
    today = timezone.localdate(at)
    reminded = []
    for referral in referrals_overdue(today=today):
        with transaction.atomic():
            updated = Referral.objects.filter(pk=referral.pk, status=ReferralStatus.SENT).filter(
                Q(last_reminder_at__isnull=True) | Q(last_reminder_at__date__lt=today)).update(
                last_reminder_at=at, reminders_sent=F("reminders_sent") + 1)
            if not updated:
                continue
            provider_users = get_user_model().objects.filter(
                id__in=Membership.objects.filter(organisation_id=referral.provider_id, active=True,
                                                 role__in=rules.PROVIDER_ROLES).values("user_id"))
            recipients = sorted({e for e in [referral.contact_email, referral.provider.email,
                                             *provider_users.values_list("email", flat=True)] if e})
            cc = [referral.sent_by.email] if referral.sent_by_id and referral.sent_by.email else []
            days = (today - referral.answer_due_on).days
            subject = _("Reminder: referral #%(id)s waiting for an answer") % {"id": referral.pk}
            body = _("Referral #%(id)s for the service “%(service)s” was due for an answer on %(date)s "
                     "(%(days)s days ago). Please accept or decline it.") % {
                "id": referral.pk, "service": referral.service.name,
                "date": referral.answer_due_on.strftime("%d/%m/%Y"), "days": days}
            if recipients or cc:
                transaction.on_commit(lambda s=subject, b=body, r=recipients + cc: send_mail(s, b, None, r))
            reminded.append(referral.pk)
    return reminded


# --- Deliveries --------------------------------------------------------------------------------------------


def _as_decimal(value, field, errors, row):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():  # "nan" and "inf" parse, but compare by raising
        errors.append(RowError(row, _("not a number"), field))
        return None
    return number


def _hours_between(start, end) -> Decimal:
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"))


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def _validate_delivery(row: int, data: dict, referral: Referral, batch: list, errors: list) -> Delivery | None:
    """All the rules of a delivery, collecting errors instead of stopping at the first (for bulk and CSV)."""
    before = len(errors)
    day, start, end = data.get("delivered_on"), data.get("start_time"), data.get("end_time")
    hours = data.get("hours")
    amount = data.get("amount")
    quantity = data.get("quantity")
    delivery_type = data.get("delivery_type") or ""
    operator = (data.get("operator_name") or "").strip()
    operator_ref = (data.get("operator_ref") or "").strip()
    if delivery_type not in DeliveryType.values:
        errors.append(RowError(row, _("unknown delivery type"), "delivery_type"))
    if day is None:
        errors.append(RowError(row, _("the date is missing"), "delivered_on"))
    if not operator:
        errors.append(RowError(row, _("say who delivered it"), "operator_name"))
    if referral.status not in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS):
        errors.append(RowError(row, _("the referral is “%(status)s”: deliveries are logged only on accepted "
                                      "referrals") % {"status": ReferralStatus(referral.status).label}, "referral"))
    intervention = referral.intervention
    plan = referral.care_plan
    if day is not None:
        first = max(intervention.start_date, plan.start_date)
        last = min(intervention.end_date, plan.end_date)
        if not first <= day <= last:
            errors.append(RowError(row, _("%(day)s is outside the plan's dates for this intervention "
                                          "(%(first)s – %(last)s)") % {
                "day": day.strftime("%d/%m/%Y"), "first": first.strftime("%d/%m/%Y"),
                "last": last.strftime("%d/%m/%Y")}, "delivered_on"))
        elif day > timezone.localdate():
            errors.append(RowError(row, _("a delivery cannot be in the future"), "delivered_on"))
    if (start is None) != (end is None):
        errors.append(RowError(row, _("give both start and end time, or neither"), "end_time"))
    elif start is not None and end <= start:
        errors.append(RowError(row, _("the end time must be after the start time"), "end_time"))
    elif start is not None:
        computed = _hours_between(start, end)
        if hours is not None and hours != computed:
            errors.append(RowError(row, _("the hours do not match the start and end time (%(h)s)") % {"h": computed},
                                   "hours"))
        hours = computed
    # What the columns can hold (digits, lengths), in Django's own words, before the database refuses it.
    for name, value in (("hours", hours), ("quantity", quantity), ("amount", amount), ("operator_name", operator),
                        ("operator_ref", operator_ref)):
        if value not in (None, ""):
            if name in ("hours", "quantity", "amount") and not isinstance(value, Decimal):
                value = Decimal(str(value))  # callers in code may pass ints
            try:
                Delivery._meta.get_field(name).run_validators(value)
            except ValidationError as exc:
                errors.append(RowError(row, exc.messages[0], name))
    if hours is not None and hours < 0:
        errors.append(RowError(row, _("hours cannot be negative"), "hours"))
    if hours is not None and hours > 24:
        errors.append(RowError(row, _("more than 24 hours in a day"), "hours"))
    if amount is not None and amount < 0:
        errors.append(RowError(row, _("the amount cannot be negative"), "amount"))
    if quantity is not None and quantity < 0:
        errors.append(RowError(row, _("the quantity cannot be negative"), "quantity"))
    if delivery_type == DeliveryType.ECONOMIC_BENEFIT:
        if amount is None or amount <= 0:
            errors.append(RowError(row, _("an economic benefit needs its amount in euro"), "amount"))
    elif hours is None and start is None:
        errors.append(RowError(row, _("give the hours, or the start and end time"), "hours"))
    if len(errors) > before:
        return None
    delivery = Delivery(
        referral=referral, person_id=referral.person_id, comune_id=referral.comune_id, service_id=referral.service_id,
        provider_id=referral.provider_id, delivery_type=delivery_type, delivered_on=day, start_time=start,
        end_time=end, hours=hours or Decimal("0"), quantity=quantity if quantity is not None else Decimal("1"),
        amount=amount, operator_name=operator, operator_ref=operator_ref, notes=(data.get("notes") or "")[:300])
    if start is not None:
        key = operator_ref or operator
        same_operator = Q(operator_ref=operator_ref) if operator_ref else Q(operator_ref="", operator_name=operator)
        clash = (Delivery.objects.filter(same_operator, provider_id=referral.provider_id, delivered_on=day,
                                         start_time__lt=end, end_time__gt=start).first())
        if clash is None:
            clash = next((d for d in batch if (d.operator_ref or d.operator_name) == key
                          and d.provider_id == referral.provider_id and d.delivered_on == day
                          and d.start_time is not None and _overlaps(start, end, d.start_time, d.end_time)), None)
        if clash is not None:
            errors.append(RowError(row, _("%(operator)s already has a delivery on %(day)s from %(start)s to %(end)s") % {
                "operator": operator, "day": day.strftime("%d/%m/%Y"), "start": clash.start_time.strftime("%H:%M"),
                "end": clash.end_time.strftime("%H:%M")}, "start_time"))
            return None
    return delivery


def _save_deliveries(*, actor, deliveries: list[Delivery], source: str, at=None) -> list[Delivery]:
    for delivery in deliveries:
        delivery.source = source
        delivery.recorded_by = actor if actor is not None and actor.is_authenticated else None
    created = Delivery.objects.bulk_create(deliveries)
    # The first delivery on an accepted referral means the service has started.
    for referral_id in {d.referral_id for d in deliveries}:
        referral = Referral.objects.get(pk=referral_id)
        if referral.status == ReferralStatus.ACCEPTED:
            first_day = min(d.delivered_on for d in deliveries if d.referral_id == referral_id)
            started = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time(0, 0)))
            _referral_move(actor=actor, referral=referral, to_status=ReferralStatus.IN_PROGRESS,
                           at=max(started, referral.answered_at), note=_("First delivery logged"))
    from ambito.accounts.services import access_log_records

    access_log_records(actor=actor, records=created, action=AccessAction.CREATE, purpose=f"delivery logged ({source})")
    return created


def _check_can_log(actor, referral):
    if not rules.can_log_delivery(actor, referral):
        deny(actor=actor, record=referral, purpose="log a delivery on a referral not sent to the actor's organisation")


@service
def delivery_create(*, actor, referral: Referral, source: str = DeliverySource.FORM, **data) -> Delivery:
    """Log one delivery (*registrazione della prestazione*). Refused: a referral not accepted, a date outside
    the plan and intervention, a provider other than the referred one, overlapping times for one operator,
    negative hours or amounts."""
    _check_can_log(actor, referral)
    errors: list[RowError] = []
    delivery = _validate_delivery(1, data, referral, [], errors)
    if errors:
        raise ValidationError({e.field or "__all__": e.message for e in errors})
    return _save_deliveries(actor=actor, deliveries=[delivery], source=source)[0]


@service
def delivery_bulk_create(*, actor, referral: Referral, rows: list[dict],
                         source: str = DeliverySource.WEEK) -> list[Delivery]:
    """Log a week (or any batch) of deliveries on one referral, all or nothing: ``ImportRejected`` names every
    bad row."""
    _check_can_log(actor, referral)
    errors: list[RowError] = []
    batch: list[Delivery] = []
    for number, data in enumerate(rows, start=1):
        delivery = _validate_delivery(number, data, referral, batch, errors)
        if delivery is not None:
            batch.append(delivery)
    if not rows:
        errors.append(RowError(0, _("no deliveries given")))
    if errors:
        raise ImportRejected(errors)
    return _save_deliveries(actor=actor, deliveries=batch, source=source)


CSV_COLUMNS = ["referral", "date", "start", "end", "hours", "type", "operator", "operator_code", "quantity",
               "amount", "notes"]


def _parse_date(value, row, errors):
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    errors.append(RowError(row, _("not a date (use YYYY-MM-DD or DD/MM/YYYY)"), "date"))
    return None


def _parse_time(value, field, row, errors):
    if not (value or "").strip():
        return None
    try:
        return datetime.datetime.strptime(value.strip(), "%H:%M").time()
    except ValueError:
        errors.append(RowError(row, _("not a time (use HH:MM)"), field))
        return None


@service
def delivery_import_csv(*, actor, data: bytes) -> list[Delivery]:
    """Import deliveries from a provider's own system (CSV, ``;`` or ``,`` separated, header
    ``referral;date;start;end;hours;type;operator;operator_code;quantity;amount;notes``), all or nothing.
    Every row must be on a referral sent to an organisation the actor works for."""
    errors: list[RowError] = []
    try:
        text = read_text(data)
    except UnicodeDecodeError:
        raise ImportRejected([RowError(0, _("the file is not a text (CSV) file"))]) from None
    if "\x00" in text:  # a binary file, and PostgreSQL text cannot hold NUL
        raise ImportRejected([RowError(0, _("the file is not a text (CSV) file"))])
    dialect = ";" if text.splitlines()[0:1] and text.splitlines()[0].count(";") >= text.splitlines()[0].count(",") \
        else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=dialect)
    try:
        fieldnames = reader.fieldnames or []
        # Values past the header's columns (DictReader keys them None, as a list) carry no column: not read.
        rows = [({k.strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}, reader.line_num)
                for raw in reader]
    except csv.Error:  # e.g. a stray carriage return, or a field past the csv module's size limit
        raise ImportRejected([RowError(0, _("the file is not a text (CSV) file"))]) from None
    header = [h.strip().lower() for h in fieldnames]
    missing = [c for c in ("referral", "date", "type", "operator") if c not in header]
    if missing:
        raise ImportRejected([RowError(0, _("missing columns: %(cols)s") % {"cols": ", ".join(missing)})])
    if not rows:
        raise ImportRejected([RowError(0, _("the file has no rows"))])
    referral_ids = {r["referral"] for r, _n in rows if r["referral"].isascii() and r["referral"].isdigit()}
    referrals = {str(r.pk): r for r in Referral.objects.filter(pk__in=referral_ids)
                 .select_related("intervention", "care_plan", "person")}
    batch: list[Delivery] = []
    for raw, line in rows:
        referral = referrals.get(raw["referral"])
        if referral is None:
            errors.append(RowError(line, _("no such referral"), "referral"))
            continue
        if not rules.can_log_delivery(actor, referral):
            note_denial(actor=actor, record=referral,
                        purpose="CSV delivery on a referral not sent to the actor's organisation")
            errors.append(RowError(line, _("this referral was not sent to your organisation"), "referral"))
            continue
        before = len(errors)
        parsed = {
            "delivered_on": _parse_date(raw["date"], line, errors),
            "start_time": _parse_time(raw.get("start"), "start", line, errors),
            "end_time": _parse_time(raw.get("end"), "end", line, errors),
            "hours": _as_decimal(raw.get("hours"), "hours", errors, line),
            "quantity": _as_decimal(raw.get("quantity"), "quantity", errors, line),
            "amount": _as_decimal(raw.get("amount"), "amount", errors, line),
            "delivery_type": raw.get("type", ""),
            "operator_name": raw.get("operator", ""),
            "operator_ref": raw.get("operator_code", ""),
            "notes": raw.get("notes", ""),
        }
        if len(errors) > before:
            continue
        delivery = _validate_delivery(line, parsed, referral, batch, errors)
        if delivery is not None:
            batch.append(delivery)
    if errors:
        raise ImportRejected(errors)
    return _save_deliveries(actor=actor, deliveries=batch, source=DeliverySource.CSV)


# --- Protected discharges ----------------------------------------------------------------------------------


@service
def discharge_create(*, actor, person: Person, setting: str, facility: str, planned_on: datetime.date,
                     care_plan: CarePlan | None = None) -> Discharge:
    """Plan a protected discharge (*dimissione protetta*)."""
    if not rules.is_case_team(actor, person):
        deny(actor=actor, record=person, purpose="plan a discharge outside the actor's territory")
    discharge = Discharge.objects.create(ambito_id=person.ambito_id, comune_id=person.residence_comune_id,
                                         person=person, care_plan=care_plan, setting=setting, facility=facility,
                                         planned_on=planned_on, created_by=actor)
    _log(actor, discharge, AccessAction.CREATE, "protected discharge planned")
    return discharge


def _editable_discharge(actor, discharge, purpose):
    if not rules.can_edit_discharge(actor, discharge):
        deny(actor=actor, record=discharge, purpose=purpose)
    if discharge.status != DischargeStatus.PLANNED:
        raise ValidationError(_("This discharge is no longer planned: it cannot change."))


@service
def discharge_service_require(*, actor, discharge: Discharge, service, referral: Referral | None = None):
    _editable_discharge(actor, discharge, "change a discharge outside the actor's territory")
    item = DischargeService.objects.create(discharge=discharge, service=service, referral=referral)
    _log(actor, discharge, AccessAction.UPDATE, "required service added")
    return item


@service
def discharge_service_confirm(*, actor, item: DischargeService, at=None) -> DischargeService:
    """The service (its provider, or the case team on its behalf) confirms it will be active on the day."""
    discharge = item.discharge
    if not (rules.can_edit_discharge(actor, discharge)
            or item.service.provider_id in rules.provider_organisation_ids(actor)):
        deny(actor=actor, record=discharge, purpose="confirm a discharge service for another organisation")
    if discharge.status != DischargeStatus.PLANNED:
        raise ValidationError(_("This discharge is no longer planned: it cannot change."))
    item.confirmed_at, item.confirmed_by = at or timezone.now(), actor
    item.save(update_fields=["confirmed_at", "confirmed_by"])
    _log(actor, discharge, AccessAction.UPDATE, "discharge service confirmed")
    return item


@service
def discharge_task_add(*, actor, discharge: Discharge, label: str, owner_organisation, due_on: datetime.date,
                       owner_name: str = "") -> DischargeTask:
    _editable_discharge(actor, discharge, "change a discharge outside the actor's territory")
    if due_on > discharge.planned_on:
        raise ValidationError({"due_on": _("A checklist item must be done by the discharge day.")})
    task = DischargeTask.objects.create(discharge=discharge, label=label, owner_organisation=owner_organisation,
                                        owner_name=owner_name, due_on=due_on)
    _log(actor, discharge, AccessAction.UPDATE, "checklist item added")
    return task


@service
def discharge_task_done(*, actor, task: DischargeTask, at=None) -> DischargeTask:
    _editable_discharge(actor, task.discharge, "change a discharge outside the actor's territory")
    task.done_at, task.done_by = at or timezone.now(), actor
    task.save(update_fields=["done_at", "done_by"])
    _log(actor, task.discharge, AccessAction.UPDATE, "checklist item done")
    return task


@service
def discharge_complete(*, actor, discharge: Discharge, completed_on: datetime.date) -> Discharge:
    """Record the discharge and how many required services were active (confirmed) on the day."""
    _editable_discharge(actor, discharge, "complete a discharge outside the actor's territory")
    end_of_day = timezone.make_aware(datetime.datetime.combine(completed_on, datetime.time(23, 59, 59)))
    discharge.services_active_on_day = discharge.services.filter(confirmed_at__lte=end_of_day).count()
    discharge.status, discharge.completed_on = DischargeStatus.COMPLETED, completed_on
    discharge.save(update_fields=["status", "completed_on", "services_active_on_day"])
    _log(actor, discharge, AccessAction.UPDATE, "discharge completed")
    return discharge


# --- Case notes --------------------------------------------------------------------------------------------


@service
def case_note_add(*, actor, person: Person, text: str, visibility: str = NoteVisibility.SOCIAL,
                  care_plan: CarePlan | None = None, referral: Referral | None = None, files=()) -> CaseNote:
    """Write a note on the case with its visibility; attachments go to private storage (outside the web root).
    The case team writes any note; the referred provider writes notes shared with the provider on its referral."""
    from ambito.accounts.selectors import scope_for

    provider_note = referral is not None and rules.is_referral_provider(actor, referral)
    if not (rules.is_case_team(actor, person) or provider_note):
        deny(actor=actor, record=person, purpose="write a case note outside the actor's scope")
    if referral is not None and referral.person_id != person.pk:
        raise ValidationError(_("The referral is about another person."))
    if provider_note and not rules.is_case_team(actor, person):
        visibility = NoteVisibility.PROVIDER
    if visibility == NoteVisibility.PROVIDER and referral is None:
        raise ValidationError({"visibility": _("Choose the referral whose provider may read the note.")})
    if not (text or "").strip():
        raise ValidationError({"text": _("The note is empty.")})
    kinds = []
    for upload in files:  # every file checked (type by its bytes, size) before anything is written to disk
        try:
            kinds.append(validate_upload(upload, ATTACHMENT_KINDS))  # AMBITO_MAX_UPLOAD_MB
        except ValidationError as exc:
            raise ValidationError({"files": exc.messages}) from None
    roles = sorted(scope_for(actor).roles)
    note = CaseNote.objects.create(person=person, comune_id=person.residence_comune_id, care_plan=care_plan,
                                   referral=referral, visibility=visibility, author=actor,
                                   author_role=roles[0] if roles else "", text=text.strip())
    for upload, kind in zip(files, kinds, strict=True):
        CaseAttachment.objects.create(note=note, file=upload, original_name=upload.name[:200],
                                      content_type=kind.content_type, size=upload.size, uploaded_by=actor)
    _log(actor, note, AccessAction.CREATE, "case note written")
    return note
