"""SIUSS-style exports (*Sistema Informativo Unitario dei Servizi Sociali*, D.Lgs. 147/2017 art. 24):

- **PS-PSA** (*prestazioni sociali*): one row per benefit (one referral's deliveries) with the person's
  pseudonym, the Nomenclatore code of the service (e.g. A1.04), first and last day, amount, frequency, paying
  body and whether the benefit depends on ISEE;
- **SINA** (disability and dependency) and **SINBA** (children and families): one row per completed UVM
  assessment with need profile, intensity, decision and the scale scores.

Rows are grouped in SQL and read with ``.iterator(chunk_size=…)`` straight into the CSV writer of
``ambito.core.tabular`` on a file, so memory stays the same for a thousand or a million deliveries; the writer
neutralises a text a spreadsheet would run as a formula (a service named ``=HYPERLINK(…)``).
Person-level (pseudonymised) data: never for a regional observer."""

from django.db.models import Case, CharField, Max, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import ExtractYear

from ambito.access.models import Assessment, AssessmentStatus, ScaleScore
from ambito.care.models import Delivery
from ambito.core.tabular import write_csv

CHUNK = 5000

PSA_HEADER = ["id_beneficiario", "sesso", "anno_nascita", "comune_residenza_istat", "codice_prestazione",
              "descrizione_prestazione", "data_inizio", "data_fine", "importo", "ore", "frequenza",
              "ente_erogatore", "comune_ente_istat", "prestazione_isee"]
ASSESSMENT_HEADER = ["id_beneficiario", "sesso", "anno_nascita", "comune_istat", "area", "data_valutazione",
                     "profilo_bisogno", "intensita", "esito", "servizio_deciso", "barthel", "lawton_iadl"]

# Frequency of the benefit from the unit of the planned intervention (SIUSS: mensile, settimanale, una tantum).
FREQUENCY = {
    "hours_week": "settimanale", "accesses_week": "settimanale", "days_week": "settimanale",
    "hours_month": "mensile", "eur_month": "mensile", "place": "continuativa",
}
PAYER = {"comune": "Comune", "asl": "ASL/ASST", "person": "Utente", "other": "Altro ente"}

SINA_AREAS = ("disabili", "anziani")
SINBA_AREAS = ("famiglia_minori",)


def psa_rows(*, comune_ids, year: int):
    """Benefits delivered in ``year``: deliveries grouped per referral (one benefit), in SQL."""
    isee = Case(When(Q(service__fee="income_based") | Q(service__isee_max__isnull=False), then=Value("1")),
                default=Value("0"), output_field=CharField())
    return (
        Delivery.objects.filter(comune_id__in=comune_ids, delivered_on__year=year)
        .values("referral_id")
        .annotate(
            pseudonym=Max("person__pseudonym"), sex=Max("person__sex"),
            birth_year=Max(ExtractYear("person__birth_date")), comune_istat=Max("comune__istat_code"),
            code=Max("service__taxonomy_term__code"), service_name=Max("service__name"),
            start=Min("delivered_on"), end=Max("delivered_on"), amount=Sum("amount"), hours=Sum("hours"),
            unit=Max("referral__intervention__intensity_unit"), payer=Max("referral__intervention__payer"),
            payer_comune=Max("referral__comune__istat_code"), isee=Max(isee),
        )
        .order_by("referral_id")
    )


def psa_write(handle, *, comune_ids, year: int, chunk_size: int = CHUNK) -> int:
    rows = ([
        row["pseudonym"], row["sex"], row["birth_year"], row["comune_istat"], row["code"] or "",
        row["service_name"], row["start"], row["end"], "" if row["amount"] is None else row["amount"],
        row["hours"], FREQUENCY.get(row["unit"] or "", ""), PAYER.get(row["payer"] or "", ""),
        row["payer_comune"], row["isee"],
    ] for row in psa_rows(comune_ids=comune_ids, year=year).iterator(chunk_size=chunk_size))
    return write_csv(rows, PSA_HEADER, handle=handle, delimiter=";")


def assessment_rows(*, comune_ids, year: int, areas):
    def score(code):
        return Subquery(ScaleScore.objects.filter(assessment=OuterRef("pk"), scale__code=code)
                        .values("score")[:1])

    return (
        Assessment.objects.filter(status=AssessmentStatus.COMPLETED, held_on__year=year,
                                  request__comune_id__in=comune_ids, request__area__in=areas)
        .annotate(barthel=score("barthel"), lawton=score("lawton_iadl"),
                  birth_year=ExtractYear("person__birth_date"))
        .values("pk", "person__pseudonym", "person__sex", "birth_year", "request__comune__istat_code",
                "request__area", "held_on", "need_profile", "intensity", "decision",
                "decision_service__taxonomy_term__code", "barthel", "lawton")
        .order_by("pk")
    )


def assessment_write(handle, *, comune_ids, year: int, areas, chunk_size: int = CHUNK) -> int:
    rows = ([
        row["person__pseudonym"], row["person__sex"], row["birth_year"], row["request__comune__istat_code"],
        row["request__area"], row["held_on"], row["need_profile"], row["intensity"] or "", row["decision"],
        row["decision_service__taxonomy_term__code"] or "", "" if row["barthel"] is None else row["barthel"],
        "" if row["lawton"] is None else row["lawton"],
    ] for row in assessment_rows(comune_ids=comune_ids, year=year, areas=areas).iterator(chunk_size=chunk_size))
    return write_csv(rows, ASSESSMENT_HEADER, handle=handle, delimiter=";")


FLOWS = {
    "psa": lambda handle, comune_ids, year: psa_write(handle, comune_ids=comune_ids, year=year),
    "sina": lambda handle, comune_ids, year: assessment_write(handle, comune_ids=comune_ids, year=year,
                                                              areas=SINA_AREAS),
    "sinba": lambda handle, comune_ids, year: assessment_write(handle, comune_ids=comune_ids, year=year,
                                                               areas=SINBA_AREAS),
}
