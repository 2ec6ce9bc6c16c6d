"""Hand-written SQL twins of every monitoring indicator, for `make bench`.

Each twin is written from the indicator's definition (its docstring and formula), not copied from the
ORM's output, and returns ``(key, value[, persons])`` rows on PostgreSQL. The bench first checks that a
twin and the app agree on the bench data (same keys, same value to the app's precision, same person
count where the twin counts them), then times both side by side."""

from dataclasses import dataclass
from decimal import Decimal

TZ = "Europe/Rome"  # settings.TIME_ZONE: the app buckets timestamps by local day, month and year

LATEST_POPULATION_YEAR = """
    SELECT MAX(year) FROM territory_populationrecord WHERE comune_id = ANY(%(comuni)s) AND year <= %(end_year)s"""

ADMITTED = """
    FROM access_waitinglistentry e
    JOIN access_waitinglist wl ON wl.id = e.waiting_list_id
    JOIN access_person p ON p.id = e.person_id
    LEFT JOIN access_accessrequest r ON r.id = e.request_id
    WHERE e.status = 'admitted' AND e.admitted_at >= %(start_at)s AND e.admitted_at < %(end_before)s
      AND p.residence_comune_id = ANY(%(comuni)s)"""
WAIT_DAYS = "EXTRACT(EPOCH FROM (e.admitted_at - COALESCE(r.received_at, e.entered_at))) / 86400.0"

DESK_REQUESTS = """
    FROM access_accessrequest
    WHERE comune_id = ANY(%(comuni)s) AND received_at >= %(start_at)s AND received_at < %(end_before)s
      AND desk_id IS NOT NULL"""

IN_AMBITO = "pl.ambito_id IN (SELECT ambito_id FROM territory_comune WHERE id = ANY(%(comuni)s))"
COMMITMENTS = f"""
    FROM planning_commitment cm
    JOIN planning_intervention i ON i.id = cm.intervention_id
    JOIN planning_plan pl ON pl.id = i.plan_id
    WHERE {IN_AMBITO} AND cm.year BETWEEN %(start_year)s AND %(end_year)s
      AND (cm.comune_id IS NULL OR cm.comune_id = ANY(%(comuni)s))"""

FIRST_DELIVERIES = """
    FROM (SELECT referral_id, MIN(delivered_on) AS first_day FROM care_delivery GROUP BY referral_id) f
    JOIN care_referral r ON r.id = f.referral_id
    JOIN care_careplan cp ON cp.id = r.care_plan_id
    JOIN access_accessrequest ar ON ar.id = cp.request_id
    WHERE r.comune_id = ANY(%(comuni)s) AND f.first_day BETWEEN %(start)s AND %(end)s"""
FIRST_WAIT = f"(f.first_day - (ar.received_at AT TIME ZONE '{TZ}')::date)"


def _leps(leps_code: str, service_type: str | None) -> str:
    type_test = f" OR s.service_type = '{service_type}'" if service_type else ""
    return f"""
        SELECT c.istat_code,
               CASE WHEN EXISTS (SELECT 1 FROM network_service s
                                 JOIN network_service_comuni sc ON sc.service_id = s.id
                                 WHERE sc.comune_id = c.id AND s.active
                                   AND (s.leps @> '["{leps_code}"]'::jsonb{type_test}))
                    THEN 100.0 ELSE 0.0 END,
               1
        FROM territory_comune c WHERE c.id = ANY(%(comuni)s)"""


def _per_1000(persons_sql: str) -> str:
    """Persons (``persons_sql``: comune_id, n) per 1,000 residents of the latest population year, every
    Comune in scope listed (no value where nobody was counted)."""
    return f"""
        WITH y AS ({LATEST_POPULATION_YEAR}),
        res AS (SELECT comune_id, SUM(count) AS residents FROM territory_populationrecord
                WHERE comune_id = ANY(%(comuni)s) AND year = (SELECT * FROM y) GROUP BY comune_id),
        counted AS ({persons_sql})
        SELECT c.istat_code, 1000.0 * counted.n / NULLIF(res.residents, 0), COALESCE(counted.n, 0)
        FROM territory_comune c
        LEFT JOIN counted ON counted.comune_id = c.id LEFT JOIN res ON res.comune_id = c.id
        WHERE c.id = ANY(%(comuni)s)"""


def _population(select: str, group: str, *, by_year: bool = False) -> str:
    years = ("p.year BETWEEN %(start_year)s AND %(end_year)s" if by_year
             else f"p.year = ({LATEST_POPULATION_YEAR})")
    return f"""
        SELECT {group}, {select}, SUM(p.count)
        FROM territory_populationrecord p JOIN territory_comune c ON c.id = p.comune_id
        WHERE p.comune_id = ANY(%(comuni)s) AND {years}
        GROUP BY {group}"""


@dataclass(frozen=True)
class Twin:
    code: str
    by: str | None
    sql: str


TWINS = [
    # territory: the latest population stock not after the period (years of the period for a year breakdown)
    Twin("residents", "comune", _population("SUM(p.count)", "c.istat_code")),
    Twin("share_65_plus", "sex", _population(
        "100.0 * SUM(p.count) FILTER (WHERE p.age >= 65) / NULLIF(SUM(p.count), 0)", "p.sex")),
    Twin("old_age_index", "comune", _population(
        "100.0 * SUM(p.count) FILTER (WHERE p.age >= 65) / NULLIF(SUM(p.count) FILTER (WHERE p.age <= 14), 0)",
        "c.istat_code")),
    Twin("dependency_ratio", "year", _population(
        "100.0 * SUM(p.count) FILTER (WHERE p.age <= 14 OR p.age >= 65)"
        " / NULLIF(SUM(p.count) FILTER (WHERE p.age BETWEEN 15 AND 64), 0)", "p.year", by_year=True)),
    # planning
    Twin("budget_planned", "source", """
        SELECT bl.source, SUM(bl.amount), COUNT(*)
        FROM planning_budgetline bl
        JOIN planning_intervention i ON i.id = bl.intervention_id
        JOIN planning_plan pl ON pl.id = i.plan_id
        WHERE pl.ambito_id IN (SELECT ambito_id FROM territory_comune WHERE id = ANY(%(comuni)s))
          AND pl.state IN ('approved', 'in_force', 'closed')  -- approved versions (the bench has no revision)
          AND bl.year BETWEEN %(start_year)s AND %(end_year)s
          AND (bl.comune_id IS NULL OR bl.comune_id = ANY(%(comuni)s))
        GROUP BY bl.source"""),
    # commitments (impegni) of the years of the period; payment orders (mandati) against them
    Twin("spending_committed", "source", f"""
        SELECT cm.source, SUM(cm.amount), COUNT(*) {COMMITMENTS} GROUP BY cm.source"""),
    Twin("spending_paid", "comune", f"""
        SELECT c.istat_code, SUM(pm.amount), COUNT(*)
        FROM planning_payment pm
        JOIN planning_commitment cm ON cm.id = pm.commitment_id
        JOIN planning_intervention i ON i.id = cm.intervention_id
        JOIN planning_plan pl ON pl.id = i.plan_id
        JOIN territory_comune c ON c.id = cm.comune_id  -- by Comune: the Comuni's own funds only
        WHERE pm.stage = 'paid' AND {IN_AMBITO} AND cm.year BETWEEN %(start_year)s AND %(end_year)s
          AND cm.comune_id = ANY(%(comuni)s)
        GROUP BY c.istat_code"""),
    Twin("residents_per_social_worker", None, f"""
        SELECT 'total',
               (SELECT SUM(count) FROM territory_populationrecord
                WHERE comune_id = ANY(%(comuni)s) AND year = ({LATEST_POPULATION_YEAR}))
               / NULLIF((SELECT SUM(sp.fte) FROM planning_staffposition sp
                         JOIN planning_intervention i ON i.id = sp.intervention_id
                         JOIN planning_plan pl ON pl.id = i.plan_id
                         WHERE sp.profile = 'social_worker' AND sp.permanent
                           AND pl.ambito_id IN (SELECT ambito_id FROM territory_comune WHERE id = ANY(%(comuni)s))
                           AND pl.state IN ('approved', 'in_force', 'closed')
                           AND pl.start_year <= %(end_year)s AND pl.end_year >= %(end_year)s), 0)"""),
    # network: LEPS present in each Comune (100) or not (0)
    Twin("leps_pua_coverage", "comune", _leps("pua", "pua")),
    Twin("leps_protected_discharge_coverage", "comune", _leps("protected_discharge", None)),
    Twin("leps_social_emergency_coverage", "comune", _leps("social_emergency", "social_emergency")),
    # access
    Twin("waiting_days_median", "service", f"""
        SELECT wl.service_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY {WAIT_DAYS}), COUNT(*)
        {ADMITTED} GROUP BY wl.service_id"""),
    Twin("waiting_days_p90", "month", f"""
        SELECT to_char(e.admitted_at AT TIME ZONE '{TZ}', 'YYYY-MM'),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY {WAIT_DAYS}), COUNT(*)
        {ADMITTED} GROUP BY 1"""),
    Twin("persons_admitted_per_1000", "comune", _per_1000(f"""
        SELECT p.residence_comune_id AS comune_id, COUNT(DISTINCT e.person_id) AS n {ADMITTED}
        GROUP BY p.residence_comune_id""")),
    Twin("requests_received", "month", f"""
        SELECT to_char(received_at AT TIME ZONE '{TZ}', 'YYYY-MM'), COUNT(*), COUNT(DISTINCT person_id)
        FROM access_accessrequest
        WHERE comune_id = ANY(%(comuni)s) AND received_at >= %(start_at)s AND received_at < %(end_before)s
        GROUP BY 1"""),
    Twin("persons_waiting", "service", """
        SELECT wl.service_id, COUNT(DISTINCT e.person_id), COUNT(DISTINCT e.person_id)
        FROM access_waitinglistentry e
        JOIN access_waitinglist wl ON wl.id = e.waiting_list_id
        JOIN access_person p ON p.id = e.person_id
        WHERE p.residence_comune_id = ANY(%(comuni)s) AND e.entered_at < %(end_before)s
          AND (e.admitted_at IS NULL OR e.admitted_at >= %(end_before)s)
          AND (e.removed_at IS NULL OR e.removed_at >= %(end_before)s)
        GROUP BY wl.service_id"""),
    # access: requests taken at a community access desk; joint assessments are those with a GP present
    Twin("desk_requests", "desk", f"""
        SELECT desk_id, COUNT(*), COUNT(DISTINCT person_id) {DESK_REQUESTS} GROUP BY desk_id"""),
    Twin("desk_joint_assessments", "desk", f"""
        SELECT desk_id, COUNT(*), COUNT(DISTINCT person_id) {DESK_REQUESTS} AND desk_gp_id IS NOT NULL
        GROUP BY desk_id"""),
    # care
    Twin("days_to_first_delivery_median", None, f"""
        SELECT 'total', percentile_cont(0.5) WITHIN GROUP (ORDER BY {FIRST_WAIT}), COUNT(*) {FIRST_DELIVERIES}"""),
    Twin("days_to_first_delivery_p90", "provider", f"""
        SELECT r.provider_id, percentile_cont(0.9) WITHIN GROUP (ORDER BY {FIRST_WAIT}), COUNT(*)
        {FIRST_DELIVERIES} GROUP BY r.provider_id"""),
    Twin("hours_delivered", "comune", """
        SELECT c.istat_code, SUM(d.hours), COUNT(DISTINCT d.person_id)
        FROM care_delivery d JOIN territory_comune c ON c.id = d.comune_id
        WHERE d.comune_id = ANY(%(comuni)s) AND d.delivered_on BETWEEN %(start)s AND %(end)s
        GROUP BY c.istat_code"""),
    Twin("persons_served_per_1000", "comune", _per_1000("""
        SELECT comune_id, COUNT(DISTINCT person_id) AS n FROM care_delivery
        WHERE comune_id = ANY(%(comuni)s) AND delivered_on BETWEEN %(start)s AND %(end)s GROUP BY comune_id""")),
    Twin("spending_delivered", "area", """
        SELECT s.area, SUM(d.amount), COUNT(DISTINCT d.person_id)
        FROM care_delivery d JOIN network_service s ON s.id = d.service_id
        WHERE d.comune_id = ANY(%(comuni)s) AND d.delivered_on BETWEEN %(start)s AND %(end)s
          AND d.amount IS NOT NULL
        GROUP BY s.area"""),
    # deliveries without a unit cost valid on the day have no value but their persons still count
    Twin("delivered_value", "provider", """
        SELECT d.provider_id,
               SUM(CASE u.basis WHEN 'hourly' THEN d.hours * u.rate WHEN 'daily' THEN u.rate
                                WHEN 'lump_sum' THEN d.quantity * u.rate END),
               COUNT(DISTINCT d.person_id)
        FROM care_delivery d
        LEFT JOIN LATERAL (SELECT uc.basis, uc.rate FROM planning_unitcost uc
                           WHERE uc.service_id = d.service_id AND uc.provider_id = d.provider_id
                             AND uc.valid_from <= d.delivered_on
                             AND (uc.valid_to IS NULL OR uc.valid_to >= d.delivered_on)
                           ORDER BY uc.valid_from DESC LIMIT 1) u ON true
        WHERE d.comune_id = ANY(%(comuni)s) AND d.delivered_on BETWEEN %(start)s AND %(end)s
        GROUP BY d.provider_id"""),
    Twin("referral_answer_rate", "provider", """
        SELECT provider_id, AVG(CASE WHEN answered_at IS NOT NULL THEN 100.0 ELSE 0.0 END),
               COUNT(DISTINCT person_id)
        FROM care_referral
        WHERE comune_id = ANY(%(comuni)s) AND sent_at >= %(start_at)s AND sent_at < %(end_before)s
        GROUP BY provider_id"""),
    Twin("referral_response_days_median", "service", """
        SELECT service_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY
               EXTRACT(EPOCH FROM (answered_at - sent_at)) / 86400.0), COUNT(*)
        FROM care_referral
        WHERE comune_id = ANY(%(comuni)s) AND sent_at >= %(start_at)s AND sent_at < %(end_before)s
          AND answered_at IS NOT NULL
        GROUP BY service_id"""),
    Twin("discharges_services_active", "comune", f"""
        SELECT c.istat_code,
               AVG(CASE WHEN EXISTS (SELECT 1 FROM care_dischargeservice ds WHERE ds.discharge_id = d.id)
                         AND NOT EXISTS (SELECT 1 FROM care_dischargeservice ds WHERE ds.discharge_id = d.id
                                         AND (ds.confirmed_at IS NULL
                                              OR (ds.confirmed_at AT TIME ZONE '{TZ}')::date > d.completed_on))
                        THEN 100.0 ELSE 0.0 END),
               COUNT(DISTINCT d.person_id)
        FROM care_discharge d JOIN territory_comune c ON c.id = d.comune_id
        WHERE d.comune_id = ANY(%(comuni)s) AND d.status = 'completed'
          AND d.completed_on BETWEEN %(start)s AND %(end)s
        GROUP BY c.istat_code"""),
    # feedback: a survey counts for the Comuni its service covers
    Twin("satisfaction_mean", "service", """
        SELECT sv.service_id, AVG(a.score), COUNT(DISTINCT r.id)
        FROM monitoring_surveyresponse r
        JOIN monitoring_survey sv ON sv.id = r.survey_id
        JOIN monitoring_surveyanswer a ON a.response_id = r.id
        JOIN monitoring_surveyquestion q ON q.id = a.question_id
        WHERE q.kind = 'scale' AND a.score IS NOT NULL
          AND r.submitted_at >= %(start_at)s AND r.submitted_at < %(end_before)s
          AND EXISTS (SELECT 1 FROM network_service_comuni sc
                      WHERE sc.service_id = sv.service_id AND sc.comune_id = ANY(%(comuni)s))
        GROUP BY sv.service_id"""),
    Twin("survey_responses", "month", f"""
        SELECT to_char(r.submitted_at AT TIME ZONE '{TZ}', 'YYYY-MM'), COUNT(*), COUNT(*)
        FROM monitoring_surveyresponse r JOIN monitoring_survey sv ON sv.id = r.survey_id
        WHERE r.submitted_at >= %(start_at)s AND r.submitted_at < %(end_before)s
          AND EXISTS (SELECT 1 FROM network_service_comuni sc
                      WHERE sc.service_id = sv.service_id AND sc.comune_id = ANY(%(comuni)s))
        GROUP BY 1"""),
]


def app_cells(result) -> dict:
    """``{key: (value, persons)}`` of an indicator result, values as the app shows them (Decimal)."""
    return {cell.key: (cell.value, cell.n) for cell in result.cells}


def sql_cells(rows) -> dict:
    """``{key: (value, persons or None)}`` of a twin's rows."""
    return {str(row[0]): (row[1], row[2] if len(row) > 2 else None) for row in rows}


def same(app: dict, sql: dict) -> bool:
    """Same keys; each value equal to the app's precision (the app rounds half-up to its Decimal places,
    the twin does not round); the same person count wherever the twin counts persons."""
    if app.keys() != sql.keys():
        return False
    for key, (value, n) in app.items():
        twin_value, twin_n = sql[key]
        if twin_n is not None and n != twin_n:
            return False
        if (value is None) != (twin_value is None):
            return False
        if value is None:
            continue
        half = Decimal(1).scaleb(value.as_tuple().exponent) / 2
        if abs(value - Decimal(str(twin_value))) > half + Decimal("1e-9"):
            return False
    return True
