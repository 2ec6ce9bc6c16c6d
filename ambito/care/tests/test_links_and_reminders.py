import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ambito.accounts.models import AccessLog
from ambito.care import services
from ambito.care.models import ReferralLink, ReferralStatus
from ambito.care.tests.factories import signed_plan

pytestmark = pytest.mark.django_db


def _send_with_link(demo, django_capture_on_commit_callbacks, at=None):
    _plan, intervention = signed_plan(demo)
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_send(actor=demo.users["sw.monza"], intervention=intervention, response_days=5,
                                          contact_email="accoglienza@ponte.example", at=at)
    token = mail.outbox[-1].body.split("/invii/risposta/")[1].split("/")[0]
    return referral, token


def test_the_email_reveals_nothing_and_the_link_works_once(care_demo, client, django_capture_on_commit_callbacks):
    referral, token = _send_with_link(care_demo, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert referral.person.last_name not in message.body and referral.person.address not in message.body
    assert ReferralLink.objects.get().nonce_hash not in message.body  # only the hash is stored
    url = reverse("care-referral-link", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and referral.person.last_name in page.content.decode()
    assert AccessLog.objects.filter(object_id=str(referral.pk), action="read",
                                    organisation=referral.provider).exists()
    answer = client.post(url, {"answer": "decline", "reason": "no_capacity", "note": ""})
    assert answer.status_code == 200
    referral.refresh_from_db()
    assert (referral.status, referral.answered_via, referral.decline_reason) == ("declined", "link", "no_capacity")
    again = client.get(url)
    assert again.status_code == 410 and referral.person.last_name not in again.content.decode()


def test_a_tampered_or_expired_link_shows_nothing(care_demo, client, django_capture_on_commit_callbacks):
    referral, token = _send_with_link(care_demo, django_capture_on_commit_callbacks)
    bad = client.get(reverse("care-referral-link", args=[token[:-2] + "xx"]))
    assert bad.status_code == 410 and referral.person.last_name not in bad.content.decode()
    with pytest.raises(ValidationError, match="scadut"):
        services.referral_link_resolve(token=token, at=timezone.now() + datetime.timedelta(days=6))
    services.referral_link_resolve(token=token, at=timezone.now() + datetime.timedelta(days=4))


def test_a_link_cannot_answer_a_referral_already_answered(care_demo, django_capture_on_commit_callbacks):
    referral, token = _send_with_link(care_demo, django_capture_on_commit_callbacks)
    services.referral_accept(actor=care_demo.users["ets.operator"], referral=referral)
    with pytest.raises(ValidationError):
        services.referral_link_answer(token=token, accept=True)
    referral.refresh_from_db()
    assert referral.answered_via == "account"


def test_reminders_go_to_referrals_unanswered_after_the_agreed_days_once_a_day(care_demo,
                                                                              django_capture_on_commit_callbacks):
    sw = care_demo.users["sw.monza"]
    sent = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
    _plan, late = signed_plan(care_demo, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    _plan2, answered = signed_plan(care_demo, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    late_referral = services.referral_send(actor=sw, intervention=late, response_days=5, at=sent)
    ok_referral = services.referral_send(actor=sw, intervention=answered, response_days=5, at=sent)
    services.referral_accept(actor=care_demo.users["ets.operator"], referral=ok_referral,
                             at=sent + datetime.timedelta(days=1))
    assert late_referral.answer_due_on == datetime.date(2026, 3, 7)
    on_due_day = timezone.make_aware(datetime.datetime(2026, 3, 7, 9, 0))
    assert services.referral_reminders_send(at=on_due_day) == []
    day_after = timezone.make_aware(datetime.datetime(2026, 3, 8, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.referral_reminders_send(at=day_after) == [late_referral.pk]
    assert "ets.operator@demo.example" in mail.outbox[-1].to and sw.email in mail.outbox[-1].to
    assert late_referral.person.last_name not in mail.outbox[-1].body
    assert services.referral_reminders_send(at=day_after + datetime.timedelta(hours=5)) == []
    assert services.referral_reminders_send(at=day_after + datetime.timedelta(days=1)) == [late_referral.pk]
    late_referral.refresh_from_db()
    assert late_referral.reminders_sent == 2 and late_referral.status == ReferralStatus.SENT


def test_the_reminder_command_runs(care_demo, capsys):
    call_command("care_send_referral_reminders")
    assert "0 referral reminder(s) sent" in capsys.readouterr().out


def test_no_reminder_and_no_link_for_a_person_whose_processing_is_restricted(care_demo):
    """GDPR art. 18: a restricted person's referral is not processed: no reminder e-mail, the link is refused."""
    from ambito.access.models import Person

    sw = care_demo.users["sw.monza"]
    sent = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
    _plan, late = signed_plan(care_demo, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    referral = services.referral_send(actor=sw, intervention=late, response_days=5, at=sent)
    token = services.referral_link_create(referral=referral, email="ets@example.org", at=sent)
    Person.objects.filter(pk=referral.person_id).update(restricted_at=sent)
    day_after = timezone.make_aware(datetime.datetime(2026, 3, 8, 9, 0))
    assert services.referral_reminders_send(at=day_after) == []
    with pytest.raises(ValidationError):
        services.referral_link_resolve(token=token, at=sent + datetime.timedelta(days=1))
