"""Test data for care: a person of Monza with a UVM, a signed PAI with one goal and a SAD intervention by the
Cooperativa Il Ponte (the ETS of ``ets.operator``), built through the real services."""

import datetime
from decimal import Decimal

from django.utils import timezone

from ambito.access.models import (
    AccessRequest,
    Assessment,
    AssessmentDecision,
    AssessmentStatus,
    Channel,
    Person,
    RequestStatus,
)
from ambito.care import services
from ambito.care.models import IntensityUnit, Payer
from ambito.network.taxonomy import Area

TODAY = datetime.date(2026, 3, 2)


def person(demo, comune="monza", first="Maria", last="Rossi", **extra):
    return Person.objects.create(
        ambito=demo.ambito, first_name=first, last_name=last, birth_date=datetime.date(1940, 5, 1), sex="F",
        residence_comune=demo.comuni[comune], address="Via Italia 1", phone="039 000000", **extra)


def uvm(demo, who, *, gp=None):
    at = timezone.now() - datetime.timedelta(days=40)
    request = AccessRequest.objects.create(
        ambito=demo.ambito, person=who, comune=who.residence_comune, channel=Channel.GP if gp else Channel.PUA_DESK,
        brought_by=gp, need="Needs help at home", area=Area.ELDERLY, status=RequestStatus.CARE_PLAN, received_at=at)
    assessment = Assessment.objects.create(
        request=request, person=who, status=AssessmentStatus.COMPLETED, scheduled_for=at.date(), held_on=at.date(),
        decision=AssessmentDecision.CARE_PLAN, intensity=3)
    return request, assessment


def signed_plan(demo, who=None, *, actor=None, start=None, end=None, service="sad_monza"):
    """A signed PAI with one goal and one intervention (the Cooperativa Il Ponte's SAD, 6 h/week)."""
    actor = actor or demo.users["sw.monza"]
    who = who or person(demo)
    _request, assessment = uvm(demo, who)
    today = timezone.localdate()
    start = start or today - datetime.timedelta(days=30)
    end = end or today + datetime.timedelta(days=335)
    plan = services.care_plan_create(actor=actor, person=who, assessment=assessment, title="PAI domiciliare",
                                     area=Area.ELDERLY, start_date=start, end_date=end)
    services.goal_add(actor=actor, plan=plan, description="Stays at home safely", indicator="Barthel ADL",
                      baseline="45", target="60", review_on=start + datetime.timedelta(days=90))
    intervention = services.intervention_add(
        actor=actor, plan=plan, service=demo.services[service], description="Personal care 3 mornings a week",
        intensity=Decimal("6"), intensity_unit=IntensityUnit.HOURS_WEEK, start_date=start, end_date=end,
        payer=Payer.COMUNE)
    services.care_plan_sign(actor=actor, plan=plan, signed_on=today, signed_by="Maria Rossi")
    plan.refresh_from_db()
    return plan, intervention


def provider_operator(demo, username, organisation_key):
    from django.contrib.auth import get_user_model

    from ambito.accounts.models import Membership
    from ambito.accounts.roles import Role

    user, _created = get_user_model().objects.get_or_create(username=username)
    Membership.objects.get_or_create(user=user, organisation=demo.organisations[organisation_key],
                                     role=Role.PROVIDER_OPERATOR)
    return user


def accepted_referral(demo, *, answer_as=None, **kwargs):
    plan, intervention = signed_plan(demo, **kwargs)
    referral = services.referral_send(actor=kwargs.get("actor") or demo.users["sw.monza"], intervention=intervention,
                                      at=timezone.now() - datetime.timedelta(days=29))
    services.referral_accept(actor=answer_as or demo.users["ets.operator"], referral=referral,
                             at=timezone.now() - datetime.timedelta(days=28))
    return referral
