"""A small hand-built Ambito whose every figure can be worked out on paper (see each test)."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from ambito.accounts.models import Membership, Organisation, OrganisationKind
from ambito.accounts.roles import Role
from ambito.territory.models import Ambito, Comune, PopulationRecord

# (comune key, year, sex, age, count)
POPULATION = [
    ("a", 2024, "M", 10, 30), ("a", 2024, "F", 10, 20),
    ("a", 2024, "M", 40, 100), ("a", 2024, "F", 40, 100),
    ("a", 2024, "M", 70, 20), ("a", 2024, "F", 70, 30), ("a", 2024, "F", 80, 25),
    ("b", 2024, "M", 5, 10), ("b", 2024, "F", 30, 90), ("b", 2024, "F", 66, 20),
    ("a", 2023, "M", 40, 300),
]


@dataclass
class World:
    ambito: Ambito
    comuni: dict
    orgs: dict
    users: dict
    services: dict = field(default_factory=dict)


def at(year, month, day, hour=10):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def world() -> World:
    ambito = Ambito.objects.create(name="Ambito di Prova", code="prova", region_code="99", region_name="Test")
    comuni = {
        "a": Comune.objects.create(istat_code="999001", name="Alfa", province="Prova", province_code="PR",
                                   region="Test", belfiore_code="Z901", ambito=ambito),
        "b": Comune.objects.create(istat_code="999002", name="Beta", province="Prova", province_code="PR",
                                   region="Test", belfiore_code="Z902", ambito=ambito),
    }
    PopulationRecord.objects.bulk_create(
        PopulationRecord(comune=comuni[key], year=year, sex=sex, age=age, count=count)
        for key, year, sex, age, count in POPULATION
    )
    orgs = {
        "udp": Organisation.objects.create(name="UdP Prova", kind=OrganisationKind.PLANNING_OFFICE, ambito=ambito),
        "comune_a": Organisation.objects.create(name="Comune di Alfa", kind=OrganisationKind.COMUNE, ambito=ambito,
                                                comune=comuni["a"]),
        "region": Organisation.objects.create(name="Regione di Prova", kind=OrganisationKind.REGION,
                                              region_code="99"),
        "coop": Organisation.objects.create(name="Coop Prova", kind=OrganisationKind.ETS, ambito=ambito),
    }
    User = get_user_model()
    users = {}
    for username, role, org in [("t.planner", Role.PLANNER, "udp"), ("t.sw", Role.SOCIAL_WORKER, "comune_a"),
                                ("t.observer", Role.REGIONAL_OBSERVER, "region")]:
        users[username] = User.objects.create(username=username)
        Membership.objects.create(user=users[username], organisation=orgs[org], role=role)
    return World(ambito=ambito, comuni=comuni, orgs=orgs, users=users)


def service(w: World, key, *, service_type="sad", area="anziani", comuni=("a", "b"), leps=(), target_wait_days=None,
            **extra):
    from ambito.network.models import Service

    s = Service.objects.create(ambito=w.ambito, provider=w.orgs["coop"], name=f"Servizio {key}",
                               service_type=service_type, area=area, leps=list(leps),
                               target_wait_days=target_wait_days, **extra)
    s.comuni.set([w.comuni[k] for k in comuni])
    w.services[key] = s
    return s


_person_counter = [0]


def person(w: World, comune="a", sex="F", birth=dt.date(1940, 6, 15)):
    from ambito.access.models import Person

    _person_counter[0] += 1
    return Person.objects.create(ambito=w.ambito, first_name="Nome", last_name=f"Cognome{_person_counter[0]}",
                                 birth_date=birth, sex=sex, residence_comune=w.comuni[comune])


def admitted(w: World, svc, *, days, comune="a", received=None, sex="F", birth=dt.date(1940, 6, 15)):
    """A person who asked on ``received`` and was admitted to ``svc`` ``days`` later."""
    from ambito.access.models import AccessRequest, EntryStatus, WaitingList, WaitingListEntry

    received = received or at(2025, 3, 1)
    p = person(w, comune, sex, birth)
    request = AccessRequest.objects.create(ambito=w.ambito, person=p, comune=w.comuni[comune], channel="pua_desk",
                                           need="Aiuto a domicilio", area=svc.area, received_at=received)
    waiting_list, _ = WaitingList.objects.get_or_create(service=svc)
    return WaitingListEntry.objects.create(
        waiting_list=waiting_list, person=p, request=request, entered_at=received + dt.timedelta(days=1),
        status=EntryStatus.ADMITTED, admitted_at=received + dt.timedelta(days=days),
    )


def waiting(w: World, svc, *, comune="b", entered=None):
    from ambito.access.models import WaitingList, WaitingListEntry

    waiting_list, _ = WaitingList.objects.get_or_create(service=svc)
    return WaitingListEntry.objects.create(waiting_list=waiting_list, person=person(w, comune),
                                           entered_at=entered or at(2025, 6, 1))


# --- care --------------------------------------------------------------------------------------------------


def referral(w: World, svc, *, p=None, comune="a", sent=None, answered_after_days=None, provider=None):
    """A referral of a person of ``comune`` to ``svc``, answered ``answered_after_days`` after sending."""
    from ambito.care.models import CarePlan, PlannedIntervention, Referral, ReferralStatus

    p = p or person(w, comune)
    sent = sent or at(2025, 3, 3)
    plan = CarePlan.objects.create(ambito=w.ambito, comune=w.comuni[comune], person=p, title="PAI", area=svc.area,
                                   start_date=sent.date(), end_date=sent.date() + dt.timedelta(days=365))
    intervention = PlannedIntervention.objects.create(
        care_plan=plan, service=svc, provider=provider or svc.provider, description="Assistenza", intensity=4,
        start_date=sent.date(), end_date=sent.date() + dt.timedelta(days=180))
    answered = sent + dt.timedelta(days=answered_after_days) if answered_after_days is not None else None
    return Referral.objects.create(
        ambito=w.ambito, comune=w.comuni[comune], person=p, care_plan=plan, intervention=intervention, service=svc,
        provider=provider or svc.provider, what_to_deliver="Assistenza", answer_due_on=sent.date(), sent_at=sent,
        answered_at=answered, status=ReferralStatus.ACCEPTED if answered else ReferralStatus.SENT,
    )


def delivery(w: World, ref, *, on, hours=0, amount=None):
    from ambito.care.models import Delivery

    return Delivery.objects.create(
        referral=ref, person=ref.person, comune=ref.comune, service=ref.service, provider=ref.provider,
        delivery_type="home_care_visit", delivered_on=on, hours=hours, amount=amount, operator_name="Operatrice",
    )


def discharge(w: World, svc, *, completed_on, confirmations, comune="a"):
    """A completed protected discharge whose required services were confirmed at ``confirmations``
    (one per required service; None = never confirmed)."""
    from ambito.care.models import Discharge, DischargeService, DischargeStatus

    d = Discharge.objects.create(ambito=w.ambito, comune=w.comuni[comune], person=person(w, comune),
                                 setting="hospital", facility="Ospedale", planned_on=completed_on,
                                 status=DischargeStatus.COMPLETED, completed_on=completed_on)
    for confirmed in confirmations:
        DischargeService.objects.create(discharge=d, service=svc, confirmed_at=confirmed)
    return d
