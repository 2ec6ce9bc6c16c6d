import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ambito.accounts.models import AccessLog
from ambito.care import services
from ambito.care.models import Delivery, ReferralStatus
from ambito.care.tests.factories import accepted_referral, person, provider_operator, signed_plan
from ambito.core.imports import ImportRejected

pytestmark = pytest.mark.django_db


def _visit(day, start, end, **extra):
    return {"delivered_on": day, "start_time": datetime.time(*start), "end_time": datetime.time(*end),
            "delivery_type": "home_care_visit", "operator_name": "Anna Bassi", "operator_ref": "OP1", **extra}


def test_a_delivery_counts_hours_from_times_and_starts_the_referral(care_demo):
    referral = accepted_referral(care_demo)
    day = timezone.localdate() - datetime.timedelta(days=2)
    delivery = services.delivery_create(actor=care_demo.users["ets.operator"], referral=referral,
                                        **_visit(day, (9, 0), (11, 30)))
    assert delivery.hours == Decimal("2.50")
    assert (delivery.person, delivery.provider, delivery.comune) == (
        referral.person, referral.provider, referral.person.residence_comune)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.IN_PROGRESS


@pytest.mark.parametrize("change, field", [
    ({"delivered_on": datetime.date(2020, 1, 1)}, "delivered_on"),
    ({"start_time": datetime.time(11), "end_time": datetime.time(9)}, "end_time"),
    ({"start_time": None, "end_time": None, "hours": Decimal("-1")}, "hours"),
    ({"delivery_type": "economic_benefit", "start_time": None, "end_time": None, "amount": Decimal("-5")}, "amount"),
])
def test_bad_deliveries_are_refused_with_a_clear_message(care_demo, change, field):
    referral = accepted_referral(care_demo)
    data = _visit(timezone.localdate() - datetime.timedelta(days=1), (9, 0), (10, 0))
    data.update(change)
    with pytest.raises(ValidationError) as info:
        services.delivery_create(actor=care_demo.users["ets.operator"], referral=referral, **data)
    assert field in info.value.message_dict
    assert not Delivery.objects.exists()


def test_overlapping_times_for_one_operator_are_refused(care_demo):
    referral = accepted_referral(care_demo)
    other = accepted_referral(care_demo, who=person(care_demo, first="Luisa", last="Verdi"))
    day = timezone.localdate() - datetime.timedelta(days=1)
    services.delivery_create(actor=care_demo.users["ets.operator"], referral=referral, **_visit(day, (9, 0), (11, 0)))
    with pytest.raises(ValidationError, match="Anna Bassi"):
        services.delivery_create(actor=care_demo.users["ets.operator"], referral=other,
                                 **_visit(day, (10, 30), (12, 0)))
    services.delivery_create(actor=care_demo.users["ets.operator"], referral=other, **_visit(day, (11, 0), (12, 0)))


def test_an_organisation_not_referred_cannot_log_and_is_logged(care_demo):
    referral = accepted_referral(care_demo)
    outsider = provider_operator(care_demo, "op.spazio", "coop_spazio")
    with pytest.raises(PermissionDenied):
        services.delivery_create(actor=outsider, referral=referral,
                                 **_visit(timezone.localdate(), (9, 0), (10, 0)))
    assert AccessLog.objects.filter(user=outsider, action="denied").exists()


def test_deliveries_need_an_accepted_referral(care_demo):
    _plan, intervention = signed_plan(care_demo)
    referral = services.referral_send(actor=care_demo.users["sw.monza"], intervention=intervention)
    with pytest.raises(ValidationError, match="referral"):
        services.delivery_create(actor=care_demo.users["ets.operator"], referral=referral,
                                 **_visit(timezone.localdate(), (9, 0), (10, 0)))


def test_a_week_is_all_or_nothing_and_names_every_bad_row(care_demo):
    referral = accepted_referral(care_demo)
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 7)
    rows = [_visit(monday, (9, 0), (11, 0)), _visit(monday, (10, 0), (12, 0)),
            _visit(monday + datetime.timedelta(days=2), (12, 0), (9, 0)),
            _visit(monday + datetime.timedelta(days=4), (9, 0), (11, 0))]
    with pytest.raises(ImportRejected) as info:
        services.delivery_bulk_create(actor=care_demo.users["ets.operator"], referral=referral, rows=rows)
    assert [e.row for e in info.value.errors] == [2, 3]
    assert not Delivery.objects.exists()
    created = services.delivery_bulk_create(actor=care_demo.users["ets.operator"], referral=referral,
                                            rows=[rows[0], rows[3]])
    assert len(created) == 2 and sum(d.hours for d in created) == Decimal("4.00")


def test_a_week_clashing_with_a_visit_already_logged_is_refused_on_that_row(care_demo):
    referral = accepted_referral(care_demo)
    other = accepted_referral(care_demo, who=person(care_demo, first="Luisa", last="Verdi"))
    operator = care_demo.users["ets.operator"]
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 7)
    services.delivery_create(actor=operator, referral=referral, **_visit(monday, (9, 0), (11, 0)))
    rows = [_visit(monday, (11, 0), (12, 0)), _visit(monday, (10, 30), (11, 30)),
            _visit(monday, (10, 0), (10, 30), operator_name="Paolo Vergani", operator_ref="OP2")]
    with pytest.raises(ImportRejected) as info:
        services.delivery_bulk_create(actor=operator, referral=other, rows=rows)
    assert [(e.row, e.field) for e in info.value.errors] == [(2, "start_time")]
    assert "09:00" in info.value.errors[0].message and "11:00" in info.value.errors[0].message
    assert len(services.delivery_bulk_create(actor=operator, referral=other, rows=[rows[0], rows[2]])) == 2


def _csv(referral, other, day):
    return (
        "referral;date;start;end;hours;type;operator;operator_code;quantity;amount;notes\n"
        f"{referral.pk};{day:%d/%m/%Y};09:00;11:00;;home_care_visit;Anna Bassi;OP1;;;\n"
        f"{referral.pk};{day:%Y-%m-%d};;;1,5;home_care_visit;Paolo Vergani;OP2;;;\n"
        f"{other.pk};{day:%Y-%m-%d};09:00;10:00;;home_care_visit;Anna Bassi;OP1;;;\n"
        f"{referral.pk};2019-01-01;09:00;10:00;;home_care_visit;Anna Bassi;OP1;;;\n"
        f"{referral.pk};{day:%Y-%m-%d};;;;economic_benefit;Ufficio;;;-10;\n"
        f"999999;{day:%Y-%m-%d};;;1;home_care_visit;X;;;;\n"
    ).encode()


def test_csv_import_refuses_the_whole_file_and_reports_each_row(care_demo):
    referral = accepted_referral(care_demo)
    other = accepted_referral(care_demo, who=person(care_demo, "brugherio", first="Ugo", last="Neri"),
                              actor=care_demo.users["sw.brugherio"], service="sad_brugherio",
                              answer_as=provider_operator(care_demo, "op.spazio", "coop_spazio"))
    day = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ImportRejected) as info:
        services.delivery_import_csv(actor=care_demo.users["ets.operator"], data=_csv(referral, other, day))
    rows = {e.row: e.field for e in info.value.errors}
    assert rows == {4: "referral", 5: "delivered_on", 6: "amount", 7: "referral"}
    assert not Delivery.objects.exists()
    assert AccessLog.objects.filter(user=care_demo.users["ets.operator"], action="denied",
                                    object_id=str(other.pk)).exists()
    good = b"\n".join(_csv(referral, other, day).split(b"\n")[:3]) + b"\n"
    created = services.delivery_import_csv(actor=care_demo.users["ets.operator"], data=good)
    assert [d.hours for d in created] == [Decimal("2.00"), Decimal("1.50")]
