"""Imports are all or nothing: a file whose last row is bad is refused with a report naming that row, and a
failure in the middle of the writing (after rows were already inserted) leaves no row behind and the previous
data intact. Each import runs as in production, in its own outermost transaction (transaction=True)."""

import datetime
import json
import re
import uuid
from io import BytesIO
from pathlib import Path

import pytest
from django.db import DatabaseError, IntegrityError
from django.utils import timezone
from openpyxl import load_workbook

from ambito.core.imports import ImportRejected

pytestmark = pytest.mark.django_db(transaction=True)

POPULATION_2023 = Path(__file__).resolve().parents[3] / "data" / "population" / "popolazione_2023_ambito_monza.csv"


def _fail_after_some_rows(monkeypatch, target, name, seen: list, count):
    """Let ``target.name`` write part of its rows for real, note how many rows the table then holds (inside the
    import's transaction), then fail as a database would (disk full, a constraint, a dropped connection)."""
    real = getattr(target, name)

    def partial(objs, *args, **kwargs):
        objs = list(objs)
        real(objs[: len(objs) // 2], *args, **kwargs)
        seen.append(count())
        raise IntegrityError("simulated failure after the first half of the rows")

    monkeypatch.setattr(target, name, partial)


# --- Population (ISTAT POSAS CSV) ---------------------------------------------------------------------------


def _population_snapshot():
    from ambito.territory.models import PopulationImport, PopulationRecord

    return (list(PopulationRecord.objects.order_by("pk").values_list("pk", "comune_id", "year", "sex", "age",
                                                                       "count")),
            PopulationImport.objects.count())


def _population_file(extra_last_row: str = "") -> bytes:
    rows = [f"108049;Villasanta;{age};10;12;22" for age in range(101)] + ["108049;Villasanta;999;1010;1212;2222"]
    if extra_last_row:
        rows.append(extra_last_row)
    return "\n".join(["Popolazione residente al 1° gennaio 2023", "Codice comune;Comune;Età;Totale maschi;"
                      "Totale femmine;Totale", *rows]).encode()


def test_population_a_bad_last_row_is_named_and_nothing_changes():
    from ambito.territory.services import population_import

    population_import(data=POPULATION_2023.read_bytes(), source_name=POPULATION_2023.name)
    before = _population_snapshot()
    data = _population_file(extra_last_row="108049;Villasanta;101;5;5;11")  # total is not males + females
    with pytest.raises(ImportRejected) as rejected:
        population_import(data=data, source_name="villasanta.csv")
    last_line = len(data.decode().splitlines())
    assert [e.row for e in rejected.value.errors] == [last_line]
    assert f"riga {last_line}" in rejected.value.report()
    assert _population_snapshot() == before


def test_population_a_failure_while_writing_keeps_the_year_already_loaded(monkeypatch):
    from ambito.territory.models import PopulationRecord
    from ambito.territory.services import population_import

    population_import(data=POPULATION_2023.read_bytes(), source_name=POPULATION_2023.name)
    before = _population_snapshot()
    villasanta = PopulationRecord.objects.filter(year=2023, comune__istat_code="108049").count()
    seen = []
    _fail_after_some_rows(monkeypatch, PopulationRecord.objects, "bulk_create", seen, PopulationRecord.objects.count)
    with pytest.raises(IntegrityError):
        population_import(data=_population_file(), source_name="villasanta.csv")  # replaces Villasanta's 2023
    # Inside the import: Villasanta's old rows deleted, half of its 202 new rows (101 ages × 2 sexes) written.
    assert villasanta == 202 and seen == [len(before[0]) - villasanta + 101]
    assert _population_snapshot() == before


# --- Network catalogue (HSDS) -----------------------------------------------------------------------------------


def _hsds_snapshot():
    from ambito.accounts.models import Organisation
    from ambito.network.models import Location, ProviderProfile, Schedule, Service

    return {
        "organisations": list(Organisation.objects.order_by("pk").values_list("pk", "name")),
        "profiles": list(ProviderProfile.objects.order_by("pk").values_list("pk", "hsds_id", "description")),
        "locations": Location.objects.count(), "services": Service.objects.count(),
        "schedules": Schedule.objects.count(),
    }


def _fresh_documents():
    """The demo catalogue exported as HSDS, every identifier replaced: importing it creates new records."""
    from ambito.network.hsds import export_documents

    text = json.dumps(export_documents())
    ids = set(re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text))
    for old in ids:
        text = text.replace(old, str(uuid.uuid4()))
    documents = json.loads(text)
    for document in documents:
        document["organization"]["description"] = "Descrizione importata"
    return documents


def test_hsds_a_bad_last_service_is_named_and_nothing_changes(demo_with):
    from ambito.network.hsds import import_documents

    ctx = demo_with("network")
    documents = _fresh_documents()
    documents[-1]["schedules"][0]["opens_at"], documents[-1]["schedules"][0]["closes_at"] = "18:00", "09:00"
    before = _hsds_snapshot()
    with pytest.raises(ImportRejected) as rejected:
        import_documents(documents, ambito=ctx.ambito)
    assert {e.row for e in rejected.value.errors} == {len(documents)}
    assert f"riga {len(documents)}" in rejected.value.report()
    assert _hsds_snapshot() == before


def test_hsds_a_failure_after_some_services_were_written_leaves_none(demo_with, monkeypatch):
    from ambito.network import hsds
    from ambito.network.hsds import importer
    from ambito.network.models import Service

    ctx = demo_with("network")
    documents = _fresh_documents()
    before = _hsds_snapshot()
    real, saved, seen = importer._save_service, [], []

    def save_then_fail(doc, *args):
        if len(saved) == len(documents) // 2:
            seen.append(Service.objects.count())
            raise DatabaseError("simulated failure in the middle of the catalogue")
        saved.append(real(doc, *args))
        return saved[-1]

    monkeypatch.setattr(importer, "_save_service", save_then_fail)
    with pytest.raises(DatabaseError):
        hsds.import_documents(documents, ambito=ctx.ambito)
    assert seen == [before["services"] + len(documents) // 2]  # half the new services were in the table
    assert _hsds_snapshot() == before  # and organisations' profiles, locations, schedules are as they were


# --- Budget of the Piano di Zona (XLSX) -------------------------------------------------------------------------


@pytest.fixture
def budgeted(demo):
    from ambito.planning import services
    from ambito.planning.tests.conftest import col

    planner = demo.users["planner"]
    plan = services.plan_create(actor=planner, ambito=demo.ambito, title="Piano", start_year=2025)
    for code in ("I01", "I02", "I03"):
        intervention = services.intervention_create(actor=planner, plan=plan, code=code, title=f"Intervento {code}",
                                                    area="anziani")
        for year in (2025, 2026):
            services.budget_row_set(actor=planner, intervention=intervention, year=year, amounts={
                col(demo, "monza"): "1000", "fna": "250.50"})
    return plan


def _budget_lines(plan):
    from ambito.planning.models import BudgetLine

    return list(BudgetLine.objects.filter(intervention__plan=plan).order_by("pk")
                .values_list("pk", "intervention__code", "year", "source", "comune_id", "amount"))


def _edited_budget(plan, edit) -> bytes:
    from ambito.planning.budget_xlsx import write_budget_xlsx

    workbook = load_workbook(BytesIO(write_budget_xlsx(plan)))
    edit(workbook)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_budget_a_bad_last_row_is_named_and_nothing_changes(budgeted):
    from ambito.planning import services

    planner = budgeted.created_by
    before = _budget_lines(budgeted)

    def edit(workbook):
        for sheet in workbook.worksheets:
            sheet.cell(row=2, column=4, value=5000)  # a valid change on every sheet…
        last = workbook["2027"]
        last.cell(row=last.max_row, column=4, value="mille euro")  # …and a bad amount on the very last row

    data = _edited_budget(budgeted, edit)
    last_row = load_workbook(BytesIO(data))["2027"].max_row
    with pytest.raises(ImportRejected) as rejected:
        services.budget_import(actor=planner, plan=budgeted, data=data)
    assert [e.row for e in rejected.value.errors] == [last_row]
    assert f"riga {last_row}: 2027" in rejected.value.report()
    assert _budget_lines(budgeted) == before


def test_budget_a_failure_while_writing_keeps_the_previous_budget(budgeted, monkeypatch):
    from ambito.planning import services
    from ambito.planning.models import BudgetLine

    planner = budgeted.created_by
    before = _budget_lines(budgeted)
    seen = []
    _fail_after_some_rows(monkeypatch, BudgetLine.objects, "bulk_create", seen,
                          lambda: BudgetLine.objects.filter(intervention__plan=budgeted).count())
    data = _edited_budget(budgeted, lambda workbook: workbook["2025"].cell(row=2, column=4, value=9999))
    with pytest.raises(IntegrityError):
        services.budget_import(actor=planner, plan=budgeted, data=data)
    assert seen == [len(before) // 2]  # the old lines were deleted and half the new ones written…
    assert _budget_lines(budgeted) == before  # …and all of that was rolled back


# --- Deliveries (provider CSV) ----------------------------------------------------------------------------------


def _delivery_csv(referral, *, bad_last=False) -> bytes:
    day = timezone.localdate() - datetime.timedelta(days=2)
    rows = ["referral;date;start;end;hours;type;operator;operator_code;quantity;amount;notes"]
    rows += [f"{referral.pk};{day:%Y-%m-%d};{h:02d}:00;{h:02d}:45;;home_care_visit;Anna Bassi;OP1;;;"
             for h in range(8, 14)]
    if bad_last:
        rows.append(f"{referral.pk};{day:%Y-%m-%d};;;-2;home_care_visit;Anna Bassi;OP1;;;")  # negative hours
    return ("\n".join(rows) + "\n").encode()


def _delivery_snapshot(referral):
    from ambito.care.models import Delivery

    referral.refresh_from_db()
    return (Delivery.objects.count(), referral.status, referral.version, referral.status_changes.count())


def test_deliveries_a_bad_last_row_is_named_and_nothing_changes(demo_with):
    from ambito.care import services
    from ambito.care.tests.factories import accepted_referral

    ctx = demo_with("network")
    referral = accepted_referral(ctx)
    before = _delivery_snapshot(referral)
    with pytest.raises(ImportRejected) as rejected:
        services.delivery_import_csv(actor=ctx.users["ets.operator"], data=_delivery_csv(referral, bad_last=True))
    assert [e.row for e in rejected.value.errors] == [8]  # header + six good rows + the bad one
    assert "riga 8" in rejected.value.report()
    assert _delivery_snapshot(referral) == before


def test_deliveries_a_failure_after_the_rows_were_written_leaves_none(demo_with, monkeypatch):
    from ambito.care import services
    from ambito.care.models import Delivery, ReferralStatus
    from ambito.care.services import deliveries
    from ambito.care.tests.factories import accepted_referral

    ctx = demo_with("network")
    referral = accepted_referral(ctx)
    before = _delivery_snapshot(referral)
    seen = []

    def log_then_fail(**kwargs):  # the access log is written last, after deliveries and the referral's start
        seen.append((Delivery.objects.count(), type(referral).objects.get(pk=referral.pk).status))
        raise DatabaseError("simulated failure while logging the access")

    monkeypatch.setattr(deliveries, "access_log_records", log_then_fail)
    with pytest.raises(DatabaseError):
        services.delivery_import_csv(actor=ctx.users["ets.operator"], data=_delivery_csv(referral))
    assert seen == [(before[0] + 6, ReferralStatus.IN_PROGRESS)]
    assert _delivery_snapshot(referral) == before
    assert before[1] == ReferralStatus.ACCEPTED
