"""Closed-loop referrals (*invii*), signed answer links for providers without accounts, reminders."""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.accounts.models import AccessAction, Membership
from ambito.accounts.services import access_deny as deny
from ambito.accounts.services import access_log_record, atomic_service
from ambito.care import rules
from ambito.care.models import (
    OPEN_REFERRAL_STATUSES,
    REFERRAL_TRANSITIONS,
    AnswerChannel,
    CarePlanStatus,
    DeclineReason,
    PlannedIntervention,
    Referral,
    ReferralLink,
    ReferralStatus,
    ReferralStatusChange,
    hash_nonce,
)
from ambito.care.services.common import _log

LINK_SALT = "ambito.care.referral-link"

# --- Referrals ---------------------------------------------------------------------------------------------


def _add_days(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


@atomic_service
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
    if intervention.cancelled_at is not None:
        raise ValidationError(_("This intervention has been cancelled."), code="already_cancelled")
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


@atomic_service
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


@atomic_service
def referral_decline(*, actor, referral: Referral, reason: str, note: str = "", at=None,
                     via: str = AnswerChannel.ACCOUNT) -> Referral:
    """The provider declines with a structured reason; the case team sees it and sends elsewhere."""
    _answerable(actor, referral, "answer a referral sent to another organisation")
    _check_decline(reason, note)
    referral = _referral_move(actor=actor, referral=referral, to_status=ReferralStatus.DECLINED, note=note, at=at,
                              via=via, decline_reason=reason, decline_note=(note or "")[:300])
    _log(actor, referral, AccessAction.UPDATE, "referral declined")
    return referral


@atomic_service
def referral_start(*, actor, referral: Referral, at=None) -> Referral:
    _answerable(actor, referral, "start a referral sent to another organisation")
    referral = _referral_move(actor=actor, referral=referral, to_status=ReferralStatus.IN_PROGRESS, at=at)
    _log(actor, referral, AccessAction.UPDATE, "referral started")
    return referral


@atomic_service
def referral_complete(*, actor, referral: Referral, outcome_note: str = "", at=None) -> Referral:
    """The provider closes the loop: the intervention was delivered to its end."""
    _answerable(actor, referral, "complete a referral sent to another organisation")
    referral = _referral_move(actor=actor, referral=referral, to_status=ReferralStatus.COMPLETED, note=outcome_note,
                              at=at, outcome_note=(outcome_note or "")[:300])
    _log(actor, referral, AccessAction.UPDATE, "referral completed")
    return referral


@atomic_service
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


@atomic_service
def referral_link_open(*, token: str, at=None) -> Referral:
    """Opening the link is a read of person data by the provider: logged against the referral."""
    link = referral_link_resolve(token=token, at=at)
    access_log_record(actor=None, record=link.referral, action=AccessAction.READ, organisation=link.referral.provider,
                      purpose=f"answer link opened ({link.email})")
    return link.referral


@atomic_service
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
