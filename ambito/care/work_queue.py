"""Care's sections of the PUA work queue (registered in ``CareConfig.ready``, see ``access.work_queue``): PAI
reviews due, referrals the provider has not answered by their deadline, protected discharges at risk. Each is
a queryset scoped by care's rules, so the page costs two queries a section whatever the data."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ambito.access.work_queue import Row, Section, late_days, register_section
from ambito.care import rules, selectors
from ambito.care.models import CarePlan, CarePlanStatus, Referral, ReferralStatus

REVIEW_NOTICE_DAYS = 7  # a PAI review shows this many days before it is due


def _reviews(actor, comune_id, today):
    qs = CarePlan.objects.filter(rules.care_plan_editable_q(actor), status=CarePlanStatus.ACTIVE,
                                 next_review_on__lte=today + datetime.timedelta(days=REVIEW_NOTICE_DAYS))
    if comune_id:
        qs = qs.filter(comune_id=comune_id)
    return qs.select_related("person").order_by("next_review_on", "id")


def _review_row(plan, today):
    return Row(person=plan.person, what=plan.title, url=reverse("care-plan-detail", args=[plan.pk]),
               due=plan.next_review_on, late_days=late_days(plan.next_review_on, today))


def _unanswered(actor, comune_id, today):
    qs = Referral.objects.filter(rules.referral_q(actor), status=ReferralStatus.SENT, answer_due_on__lt=today)
    if comune_id:
        qs = qs.filter(comune_id=comune_id)
    return qs.select_related("person", "provider", "service").order_by("answer_due_on", "id")


def _unanswered_row(referral, today):
    return Row(person=referral.person, what=f"{referral.service.name} — {referral.provider.name}",
               url=reverse("care-referral-detail", args=[referral.pk]), due=referral.answer_due_on,
               late_days=late_days(referral.answer_due_on, today))


def _discharges(actor, comune_id, today):
    qs = selectors.discharges_flagged(actor=actor, today=today)
    if comune_id:
        qs = qs.filter(comune_id=comune_id)
    return qs.order_by("planned_on", "id")


def _discharge_row(discharge, today):
    if discharge.required:
        detail = _("%(n)s of %(total)s services not confirmed") % {"n": discharge.unconfirmed,
                                                                    "total": discharge.required}
    else:
        detail = _("no service arranged")
    return Row(person=discharge.person, what=discharge.facility,
               url=reverse("care-discharge-detail", args=[discharge.pk]), due=discharge.planned_on,
               late_days=late_days(discharge.planned_on, today), detail=detail)


def register() -> None:
    register_section(Section(
        key="reviews", title=gettext_lazy("PAI reviews due"), order=20,
        intro=gettext_lazy("Active care plans whose review is due within a week, or overdue."),
        empty=gettext_lazy("No review due."), due_label=gettext_lazy("Review due on"),
        queryset=_reviews, row=_review_row))
    register_section(Section(
        key="referrals", title=gettext_lazy("Referrals unanswered past their deadline"), order=30,
        intro=gettext_lazy("Referrals the provider has neither accepted nor declined by the date agreed: "
                           "call them, or send the referral elsewhere."),
        empty=gettext_lazy("No referral is late."), due_label=gettext_lazy("Answer due by"),
        queryset=_unanswered, row=_unanswered_row))
    register_section(Section(
        key="discharges", title=gettext_lazy("Discharges at risk"), order=40,
        intro=gettext_lazy("Protected discharges within two days whose services are not all confirmed."),
        empty=gettext_lazy("No discharge at risk."), due_label=gettext_lazy("Planned discharge date"),
        queryset=_discharges, row=_discharge_row))
