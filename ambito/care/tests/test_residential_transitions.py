"""Leaving residential care (seed 004): a person leaving an RSA, RSD or CSS is planned as a protected
discharge, with the same checklist of services to be active on the day, and counts in the same LEPS
indicator as a hospital discharge."""

import datetime as dt

from django.utils import timezone

from ambito.care import services
from ambito.care.models import RESIDENTIAL_SETTINGS, DischargeSetting, DischargeStatus
from ambito.monitoring.indicators import Period, compute
from ambito.monitoring.tests import factories


def test_a_person_leaving_an_rsa_is_planned_and_counted_like_a_hospital_discharge(db):
    world = factories.world()
    worker = world.users["t.sw"]
    svc = factories.service(world, "sad")
    day = dt.date(2024, 5, 10)
    day_before = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(12)))
    for n, setting in enumerate([DischargeSetting.RSA, DischargeSetting.HOSPITAL] * 3):
        person = factories.person(world, "a")
        discharge = services.discharge_create(actor=worker, person=person, setting=setting,
                                              facility="RSA Villa dei Cedri" if setting == "rsa" else "Ospedale",
                                              planned_on=day)
        item = services.discharge_service_require(actor=worker, discharge=discharge, service=svc)
        task = services.discharge_task_add(actor=worker, discharge=discharge, label="Letto articolato a casa",
                                           owner_organisation=world.orgs["coop"], due_on=day)
        services.discharge_task_done(actor=worker, task=task, at=day_before)
        if n != 1:  # one hospital discharge whose service was not confirmed in time
            services.discharge_service_confirm(actor=worker, item=item, at=day_before)
        completed = services.discharge_complete(actor=worker, discharge=discharge, completed_on=day,
                                                confirm_incomplete=n == 1)
        assert completed.status == DischargeStatus.COMPLETED
    assert DischargeSetting.RSA in RESIDENTIAL_SETTINGS and DischargeSetting.HOSPITAL not in RESIDENTIAL_SETTINGS
    result = compute("discharges_services_active", actor=worker, period=Period.year(2024))
    assert result.total.n == 6  # the three leaving the RSA count beside the three from hospital
    assert float(result.total.value) == round(5 / 6 * 100, 1)
