import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ambito.accounts.models import AccessLog
from ambito.care import services
from ambito.care.models import DeclineReason, ReferralStatus
from ambito.care.tests.factories import accepted_referral, signed_plan

pytestmark = pytest.mark.django_db


def test_a_referral_goes_round_the_closed_loop_with_timestamps(care_demo):
    sw, ets = care_demo.users["sw.monza"], care_demo.users["ets.operator"]
    _plan, intervention = signed_plan(care_demo)
    sent_at = timezone.now() - datetime.timedelta(days=3)
    referral = services.referral_send(actor=sw, intervention=intervention, response_days=5, at=sent_at)
    assert referral.status == ReferralStatus.SENT
    assert referral.answer_due_on == timezone.localdate(sent_at) + datetime.timedelta(days=5)
    assert referral.provider == care_demo.organisations["coop_ponte"]
    services.referral_accept(actor=ets, referral=referral)
    services.referral_start(actor=ets, referral=referral)
    services.referral_complete(actor=ets, referral=referral, outcome_note="Goals reached")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.sent_at < referral.answered_at <= referral.started_at <= referral.completed_at
    assert [c.to_status for c in referral.status_changes.all()] == ["sent", "accepted", "in_progress", "completed"]


def test_a_referral_answered_twice_is_refused(care_demo):
    referral = accepted_referral(care_demo)
    with pytest.raises(ValidationError, match="già ricevuto una risposta"):
        services.referral_decline(actor=care_demo.users["ets.operator"], referral=referral,
                                  reason=DeclineReason.NO_CAPACITY)
    with pytest.raises(ValidationError, match="già ricevuto una risposta"):
        services.referral_accept(actor=care_demo.users["ets.operator"], referral=referral)


def test_decline_needs_a_structured_reason_and_explains_other(care_demo):
    _plan, intervention = signed_plan(care_demo)
    referral = services.referral_send(actor=care_demo.users["sw.monza"], intervention=intervention)
    ets = care_demo.users["ets.operator"]
    with pytest.raises(ValidationError):
        services.referral_decline(actor=ets, referral=referral, reason="because")
    with pytest.raises(ValidationError):
        services.referral_decline(actor=ets, referral=referral, reason=DeclineReason.OTHER, note=" ")
    services.referral_decline(actor=ets, referral=referral, reason=DeclineReason.NO_CAPACITY)
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == ("declined", "no_capacity")


def test_another_provider_cannot_answer_and_the_attempt_is_logged(care_demo):
    from django.contrib.auth import get_user_model

    from ambito.accounts.models import Membership
    from ambito.accounts.roles import Role

    _plan, intervention = signed_plan(care_demo)
    referral = services.referral_send(actor=care_demo.users["sw.monza"], intervention=intervention)
    other = get_user_model().objects.create(username="op.spazio")
    Membership.objects.create(user=other, organisation=care_demo.organisations["coop_spazio"],
                              role=Role.PROVIDER_OPERATOR)
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=other, referral=referral)
    assert AccessLog.objects.filter(user=other, action="denied", object_id=str(referral.pk)).exists()


def test_the_social_worker_cannot_answer_for_the_provider_but_can_cancel(care_demo):
    _plan, intervention = signed_plan(care_demo)
    sw = care_demo.users["sw.monza"]
    referral = services.referral_send(actor=sw, intervention=intervention)
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=sw, referral=referral)
    services.referral_cancel(actor=sw, referral=referral, reason="Moved to another Ambito")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED and referral.cancelled_at
    with pytest.raises(ValidationError):
        services.referral_accept(actor=care_demo.users["ets.operator"], referral=referral)
