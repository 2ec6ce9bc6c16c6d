"""A person with records in every source, built through the real services of access and care, with names
unusual enough that finding them anywhere in the database means a leak."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ambito.access import services as access
from ambito.access.models import Scale
from ambito.access.tests.factories import BARTHEL_NONE, fiscal_code
from ambito.care import services as care
from ambito.care.models import DischargeSetting, IntensityUnit, NoteVisibility, Payer
from ambito.network.taxonomy import Area

FIRST, LAST = "Zebedea", "Quaglierini"
BIRTH = datetime.date(1941, 3, 14)
PHONE, EMAIL, ADDRESS = "039 7654321", "zebedea.quaglierini@example.org", "Via Lissoni 17"


@pytest.fixture
def world(demo_with):
    """Territory, accounts and the network catalogue (services with their providers)."""
    return demo_with("network")


def make_subject(world, *, first=FIRST, last=LAST, comune="monza", full=True, phone=PHONE, address=ADDRESS):
    """A person of ``comune`` with a consent, a request, a completed UVM, a signed PAI with a goal, a referral
    accepted by Il Ponte with a delivery and an answer link, a Budget di salute with team, line and expense,
    a protected discharge, a case note with an attachment, and a rectified phone number."""
    sw = world.users["sw.monza" if comune == "monza" else "sw.brugherio"]
    person = access.person_create(
        actor=sw, first_name=first, last_name=last, birth_date=BIRTH, sex="F", residence_comune=world.comuni[comune],
        fiscal_code=fiscal_code(first_name=first, last_name=last, sex="F", birth_date=BIRTH),
        address=address, phone=phone, email=f"{first}.{last}@example.org".lower(), household_notes=f"Vive con la figlia; {first} {last} non guida.")
    if not full:
        return person
    access.consent_record(actor=sw, person=person, kind="information_notice", notice_version="2026-01",
                          note=f"Firmata da {first} {last}")
    request = access.request_create(actor=sw, person=person, channel="pua_desk", area=Area.ELDERLY,
                                    need=f"{last} non riesce più a fare la spesa")
    access.request_triage(actor=sw, request=request, triage_kind="socio_health", outcome="uvm",
                          note=f"Sentita {first} al telefono {phone}")
    assessment = access.assessment_schedule(actor=sw, request=request, scheduled_for=timezone.localdate())
    access.assessment_score(actor=sw, assessment=assessment, scale=Scale.objects.get(code="barthel"),
                            answers=BARTHEL_NONE)
    access.assessment_complete(actor=sw, assessment=assessment, need_profile="socio_health", intensity=3,
                               decision="care_plan", notes=f"{first} {last} collabora.")
    today = timezone.localdate()
    plan = care.care_plan_create(actor=sw, person=person, assessment=assessment, title="PAI domiciliare",
                                 area=Area.ELDERLY, start_date=today - datetime.timedelta(days=10),
                                 end_date=today + datetime.timedelta(days=300), summary=f"Casa di {last}, scale.")
    care.goal_add(actor=sw, plan=plan, description="Resta a casa in sicurezza", indicator="Barthel ADL",
                  baseline="0", target="20", review_on=today + datetime.timedelta(days=90))
    intervention = care.intervention_add(
        actor=sw, plan=plan, service=world.services["sad_monza" if comune == "monza" else "sad_brugherio"],
        description="Igiene personale tre mattine", intensity=Decimal("6"), intensity_unit=IntensityUnit.HOURS_WEEK,
        start_date=plan.start_date, end_date=plan.end_date, payer=Payer.COMUNE)
    care.care_plan_sign(actor=sw, plan=plan, signed_on=today, signed_by=f"{first} {last}")
    referral = care.referral_send(actor=sw, intervention=intervention,
                                  at=timezone.now() - datetime.timedelta(days=3))
    referral.refresh_from_db()
    care.referral_link_create(referral=referral, email="coop@example.org")
    care.referral_accept(actor=world.users["ets.operator"] if comune == "monza" else sw, referral=referral,
                         at=timezone.now() - datetime.timedelta(days=2))
    care.delivery_create(actor=sw, referral=referral, delivered_on=today - datetime.timedelta(days=1),
                         start_time=datetime.time(9), end_time=datetime.time(11), delivery_type="home_care_visit",
                         operator_name="Anna B.", notes=f"{first} stava bene")
    budget = care.health_budget_create(actor=sw, person=person, title="Progetto abitare",
                                       start_date=plan.start_date, end_date=plan.end_date)
    care.health_budget_member_add(actor=sw, budget=budget, role="person", name=f"{first} {last}")
    line = care.health_budget_line_add(actor=sw, budget=budget, axis="home", funder="comune",
                                       description="Affitto", planned_amount=Decimal("1200"))
    care.health_budget_expense_add(actor=sw, line=line, spent_on=today, amount=Decimal("300"),
                                   description=f"Affitto di {last}")
    care.discharge_create(actor=sw, person=person, setting=DischargeSetting.HOSPITAL, facility="San Gerardo",
                          planned_on=today + datetime.timedelta(days=5))
    care.case_note_add(actor=sw, person=person, text=f"Colloquio con {first} {last}, tel. {phone}, {person.email}.",
                       visibility=NoteVisibility.SOCIAL,
                       files=[SimpleUploadedFile(f"documento_{last.lower()}.txt", f"{first} {last}".encode(),
                                                 "text/plain")])
    other = world.organisations["comune_brugherio" if comune == "monza" else "comune_monza"]
    access.person_share(actor=sw, person=person, organisation=other)
    person.refresh_from_db()
    access.person_update(actor=sw, person=person, expected_version=person.version, phone="039 1111111")
    person.refresh_from_db()
    return person


@pytest.fixture
def subject(world):
    return make_subject(world)
