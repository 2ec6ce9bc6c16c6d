"""Care volumes: a PAI for each person admitted from a waiting list, one planned intervention and one
referral each (every state of the closed loop), and deliveries about twice a week while the service runs
(~100 per person-year of service)."""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from ambito.care.models import CarePlan, Delivery, PlannedIntervention, Referral, ReferralStatusChange
from ambito.network.taxonomy import ServiceType

DELIVERY = {
    ServiceType.SAD: ("home_care_visit", 2), ServiceType.ADI: ("nursing_visit", 2),
    ServiceType.SCHOOL_INTEGRATION: ("school_assistance", 3), ServiceType.DAY_CENTRE: ("day_centre", 5),
    ServiceType.RESIDENTIAL: ("other", 7),
}


def seed(gen):
    rng, scale = gen.rng, gen.scale
    period_end = date(scale.end_year, 12, 31)
    admitted = gen.state.get("admitted", [])
    services, providers = gen.state["services"], gen.state["service_provider"]
    plan_ids = iter(gen.reserve_ids(CarePlan, len(admitted)))
    intervention_ids = iter(gen.reserve_ids(PlannedIntervention, len(admitted)))
    referral_ids = iter(gen.reserve_ids(Referral, len(admitted)))
    plan_rows, intervention_rows, referral_rows, change_rows, active = [], [], [], [], []
    for person, service_type, admitted_at, request_id, assessment_id in admitted:
        person_id, ambito_id, comune_id = person[0], person[1], person[2]
        service_id = services[(ambito_id, str(service_type))]
        provider_id = providers[service_id]
        plan_id, intervention_id, referral_id = next(plan_ids), next(intervention_ids), next(referral_ids)
        start = admitted_at.date()
        end = start + timedelta(days=365)
        plan_rows.append((plan_id, 1, ambito_id, comune_id, person_id, request_id, assessment_id,
                          "Progetto personalizzato", "anziani", "active", start, end, 1))
        intervention_rows.append((intervention_id, plan_id, service_id, provider_id, "Interventi domiciliari",
                                  Decimal(rng.choice([2, 4, 6, 8])), start, end))
        sent_at = admitted_at
        roll = rng.random()
        history = [("", "sent", sent_at)]
        answered_at = started_at = completed_at = cancelled_at = None
        decline_reason = ""
        if roll < 0.06:
            status = "sent"
        elif roll < 0.12:
            status, answered_at, decline_reason = "declined", sent_at + timedelta(days=rng.randint(1, 12)), "no_capacity"
            history.append(("sent", "declined", answered_at))
        else:
            answered_at = sent_at + timedelta(hours=rng.randint(4, 24 * 10))
            started_at = answered_at + timedelta(days=rng.randint(1, 10))
            history += [("sent", "accepted", answered_at), ("accepted", "in_progress", started_at)]
            status = "in_progress"
            if roll > 0.85 and end <= period_end:
                status, completed_at = "completed", datetime.combine(end, time(12), tzinfo=UTC)
                history.append(("in_progress", "completed", completed_at))
            elif roll > 0.8:
                status, cancelled_at = "cancelled", started_at + timedelta(days=rng.randint(10, 60))
                history.append(("in_progress", "cancelled", cancelled_at))
            active.append((referral_id, person_id, comune_id, service_id, provider_id, service_type,
                           started_at.date(), min(period_end, cancelled_at.date() if cancelled_at else end)))
        referral_rows.append((referral_id, 1, ambito_id, comune_id, person_id, plan_id, intervention_id, service_id,
                              provider_id, "Prestazioni come da progetto", status, 5,
                              (sent_at + timedelta(days=5)).date(), sent_at, answered_at, "account" if answered_at else "",
                              decline_reason, started_at, completed_at, cancelled_at))
        change_rows.extend((referral_id, a, b, at) for a, b, at in history)
    gen.load(CarePlan, ["id", "version", "ambito_id", "comune_id", "person_id", "request_id", "assessment_id", "title",
                        "area", "status", "start_date", "end_date", "revision"], plan_rows)
    gen.load(PlannedIntervention, ["id", "care_plan_id", "service_id", "provider_id", "description", "intensity",
                                   "start_date", "end_date"], intervention_rows)
    gen.load(Referral, ["id", "version", "ambito_id", "comune_id", "person_id", "care_plan_id", "intervention_id",
                        "service_id", "provider_id", "what_to_deliver", "status", "response_days", "answer_due_on",
                        "sent_at", "answered_at", "answered_via", "decline_reason", "started_at", "completed_at",
                        "cancelled_at"], referral_rows)
    change_ids = gen.reserve_ids(ReferralStatusChange, len(change_rows))
    gen.load(ReferralStatusChange, ["id", "referral_id", "from_status", "to_status", "at"],
             ((i, *row) for i, row in zip(change_ids, change_rows, strict=True)))

    def deliveries():
        for referral_id, person_id, comune_id, service_id, provider_id, service_type, first, last in active:
            kind, per_week = DELIVERY.get(service_type, ("other", 2))
            day, step = first, max(1, 7 // per_week)
            while day <= last:
                hours = Decimal(rng.choice(["1.0", "1.5", "2.0", "3.0"]))
                yield (referral_id, person_id, comune_id, service_id, provider_id, kind, day, hours,
                       f"OP{provider_id}-{rng.randint(1, 12)}", "csv")
                day += timedelta(days=step)

    # Streamed: at region scale there are ~10 million deliveries, too many to hold in memory.
    ids = itertools.count(gen.reserve_ids(Delivery, 0).start)
    gen.load(Delivery, ["id", "referral_id", "person_id", "comune_id", "service_id", "provider_id", "delivery_type",
                        "delivered_on", "hours", "operator_ref", "source"],
             ((next(ids), *row) for row in deliveries()))
    gen.reserve_ids(Delivery, next(ids) - gen.reserve_ids(Delivery, 0).start)
