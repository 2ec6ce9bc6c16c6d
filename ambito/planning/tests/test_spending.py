"""The money loop: planned (approved) → committed → paid, the accounting import (all or nothing, per-row
report), carry-over rule, payments never above the commitment."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ambito.core.imports import ImportRejected
from ambito.planning import services_spending as spending
from ambito.planning.demo_spending import ACCOUNTING_FILE
from ambito.planning.models import Commitment, Payment, PaymentStage, Plan, SpendingImport
from ambito.planning.selectors_spending import (
    carry_over_proposal,
    spending_by_intervention,
    spending_overview,
    spending_totals,
)


@pytest.fixture
def plan2021(pdz):
    return Plan.objects.get(ambito=pdz.ambito, start_year=2021)


def _file_total(kind, year):
    rows = [line.split(";") for line in ACCOUNTING_FILE.read_text(encoding="utf-8").splitlines()[1:]]
    return sum(Decimal(r[5].replace(",", ".")) for r in rows if r[0] == kind and r[2] == str(year))


def test_the_demo_imports_its_accounts_once_and_they_fit_the_5_4_million_of_2022(plan2021):
    assert SpendingImport.objects.filter(plan=plan2021).count() == 1
    overview = spending_overview(plan=plan2021, year=2022)
    assert overview.total["planned"] == Decimal("5400000.00")
    assert overview.total["committed"] == _file_total("IMPEGNO", 2022)
    assert overview.total["paid"] == _file_total("MANDATO", 2022)
    assert Decimal("0.85") < overview.total["committed"] / overview.total["planned"] < Decimal("1")
    # by Comune: own funds of each Comune, per resident of that Comune
    monza = next(r for r in overview.rows["comune"] if r["label"] == "Monza")
    assert monza["planned"] == Decimal("1920000.00")  # 420+610+310+150+380+50 thousand
    assert monza["committed_per_resident"] == (monza["committed"] / monza["residents"]).quantize(Decimal("0.01"))
    fnps = next(r for r in overview.rows["source"] if r["key"] == "fnps")
    assert fnps["planned"] == Decimal("530000.00") and fnps["committed"] > 0 and fnps["paid"] > 0
    for year in (2021, 2023):  # the other two years of the triennium, from the same file
        other = spending_overview(plan=plan2021, year=year)
        assert other.total["committed"] == _file_total("IMPEGNO", year) > 0, year
        assert other.total["paid"] == _file_total("MANDATO", year) > 0, year
        assert Decimal("0.85") < other.total["committed"] / other.total["planned"] < Decimal("1"), year
        assert 0 < other.total["paid"] <= other.total["committed"], year


def test_the_same_file_cannot_be_imported_twice(plan2021, pdz):
    with pytest.raises(ImportRejected) as refused:
        spending.spending_import(actor=pdz.users["planner"], plan=plan2021, ente=pdz.comuni["monza"],
                                 data=ACCOUNTING_FILE.read_bytes(), filename=ACCOUNTING_FILE.name)
    assert "già stato importato" in refused.value.report()


def test_a_bad_accounting_file_is_refused_whole_with_each_bad_row(plan2021, pdz):
    before = (Commitment.objects.count(), Payment.objects.count())
    lines = [
        "tipo;capitolo;esercizio;numero;data;importo;beneficiario;impegno",
        "IMPEGNO;12010/10;2022;DD 900/2022;10/02/2022;1000,00;Cooperativa Sociale Il Ponte;",  # good
        "IMPEGNO;99999/99;2022;DD 901/2022;10/02/2022;1000,00;X;",  # unmapped code
        "MANDATO;12010/10;2022;M 1;10/03/2022;abc;Cooperativa Sociale Il Ponte;DD 900/2022",  # bad amount
        "MANDATO;12010/10;2022;M 2;10/03/2022;10,00;Cooperativa Sociale Il Ponte;DD 999/2022",  # unknown commitment
        "IMPEGNO;12010/10;2030;DD 902/2030;10/02/2030;10,00;X;",  # outside the triennium
    ]
    with pytest.raises(ImportRejected) as refused:
        spending.spending_import(actor=pdz.users["planner"], plan=plan2021, ente=pdz.comuni["monza"],
                                 data="\n".join(lines).encode(), filename="bad.csv")
    rows = sorted({e.row for e in refused.value.errors})
    assert rows == [3, 4, 5, 6]
    assert (Commitment.objects.count(), Payment.objects.count()) == before


def test_a_payment_never_exceeds_its_commitment_nor_precedes_its_act(plan2021, pdz):
    planner = pdz.users["planner"]
    i01 = plan2021.interventions.get(code="I01")
    commitment = spending.commitment_record(actor=planner, intervention=i01, year=2023, source="fnps",
                                            amount="1000", act_number="DD 1/2023", act_date=date(2023, 2, 1))
    spending.payment_record(actor=planner, commitment=commitment, amount="600", paid_on=date(2023, 3, 1), payee="X")
    with pytest.raises(ValidationError) as refused:
        spending.payment_record(actor=planner, commitment=commitment, amount="400,01", paid_on=date(2023, 4, 1),
                                payee="X")
    assert "amount" in refused.value.message_dict
    with pytest.raises(ValidationError):
        spending.payment_record(actor=planner, commitment=commitment, amount="1", paid_on=date(2023, 1, 1),
                                payee="X")
    spending.payment_record(actor=planner, commitment=commitment, amount="1000", paid_on=date(2023, 3, 1),
                            payee="X", stage=PaymentStage.LIQUIDATED)  # liquidated counts apart from paid


def test_spending_is_recorded_only_against_an_approved_plan(pdz):
    draft = Plan.objects.get(ambito=pdz.ambito, start_year=2025)
    with pytest.raises(ValidationError):
        spending.commitment_record(actor=pdz.users["planner"], intervention=draft.interventions.first(), year=2025,
                                   source="fnps", amount="10", act_number="DD 1", act_date=date(2025, 1, 2))


def test_only_the_planning_office_records_spending(plan2021, pdz):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        spending.commitment_record(actor=pdz.users["sw.monza"], intervention=plan2021.interventions.first(),
                                   year=2022, source="fnps", amount="10", act_number="DD 1",
                                   act_date=date(2022, 1, 2))


def test_the_carry_over_rule_adds_received_and_planned_and_subtracts_committed(plan2021):
    rows = {(r["source"], r["comune"]): r for r in carry_over_proposal(plan=plan2021)}
    fnps = rows[("fnps", "")]
    assert fnps["received"] == Decimal("84250.00")
    assert fnps["planned"] == Decimal("1590000.00")  # 530,000 × (0.97 + 1 + 1.03)
    assert fnps["carry_over"] == fnps["received"] + fnps["planned"] - fnps["committed"]
    assert fnps["open_commitments"] == fnps["committed"] - fnps["paid"] > 0


def test_each_intervention_source_and_comune_shows_planned_committed_and_paid(plan2021, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        rows = spending_by_intervention(plan=plan2021, year=2022)
    i01_monza = next(r for r in rows if r["code"] == "I01" and r["comune"] == "Monza")
    assert i01_monza["planned"] == Decimal("420000.00")
    assert 0 < i01_monza["paid"] <= i01_monza["committed"] <= i01_monza["planned"]


def test_the_reinvestment_case_shows_savings_declared_reinvested_and_spent(plan2021):
    from ambito.planning.selectors_spending import reinvestment_overview

    overview = reinvestment_overview(plan=plan2021)
    assert overview["baseline_years"] == [2019, 2020]
    assert [y["year"] for y in overview["years"]] == [2021, 2022, 2023]
    y2022 = overview["years"][1]
    # Monza: baseline (14,484 + 13,916) / 2 = 14,200 bed-days, 12,780 in 2022: 1,420 saved; Brugherio
    # (4,233 + 4,067) / 2 = 4,150 − 3,735 = 415; Villasanta (1,856 + 1,783) / 2 = 1,819.5 − 1,638 = 181.5
    assert y2022["saved_bed_days"] == Decimal("2016.5")
    assert y2022["declared"] == Decimal("846930.00")  # × € 420
    assert y2022["reinvested"] == Decimal("42346.50")  # 5 %
    assert y2022["planned"] == Decimal("40000.00") and 0 < y2022["spent"] <= y2022["committed"]


def test_a_bad_asl_file_is_refused_whole_with_its_row_errors(plan2021, pdz):
    from ambito.planning.models import HealthActivityFigure

    before = list(HealthActivityFigure.objects.order_by("id").values_list("bed_days", flat=True))
    lines = ["codice_istat;anno;ricoveri;giornate_degenza;ricoveri_evitabili;indicatore",
             "108033;2024;1200;11000;250;PQI AHRQ",  # good: would replace nothing, add 2024
             "999999;2024;10;100;1;PQI AHRQ",  # not a Comune of the Ambito
             "108012;2024;dieci;100;1;PQI AHRQ",  # not a number
             "108049;2024;10;100;20;PQI AHRQ"]  # more avoidable than admissions
    with pytest.raises(ImportRejected) as refused:
        spending.health_figures_import(actor=pdz.users["planner"], ambito=pdz.ambito,
                                       data="\n".join(lines).encode(), filename="asl.csv")
    assert sorted({e.row for e in refused.value.errors}) == [3, 4, 5]
    assert list(HealthActivityFigure.objects.order_by("id").values_list("bed_days", flat=True)) == before
    with pytest.raises(ImportRejected) as personal:
        spending.health_figures_import(
            actor=pdz.users["planner"], ambito=pdz.ambito, filename="asl.csv",
            data=("codice_fiscale;" + lines[0] + "\nRSSMRA40A01F704X;" + lines[1]).encode())
    assert "aggregati" in personal.value.report() or "aggregates" in personal.value.report()


def test_the_totals_alone_are_the_overview_s_totals_for_every_plan_and_year(pdz):
    """``spending_totals`` (a few aggregates, for the Region's comparison) gives what the overview totals give,
    for plans approved (live rows) and editable (their last approved version), in every year they cover."""
    from ambito.planning.models import EDITABLE_STATES

    plans = list(Plan.objects.filter(ambito=pdz.ambito))
    assert {p.state in EDITABLE_STATES for p in plans} == {True, False}
    compared = 0
    for plan in plans:
        for year in plan.years:
            overview = spending_overview(plan=plan, year=year)
            totals = spending_totals(plan=plan, year=year)
            assert totals == {k: overview.total[k] for k in ("planned", "committed", "paid")} | {
                "residents": overview.residents}, (plan, year)
            compared += overview.total["planned"] > 0
    assert compared >= 3


def test_the_sample_files_shipped_with_the_demo_are_what_it_writes():
    """The accounting export and the ASL figures in ``planning/demo_data`` are what ``write_sample_files`` writes
    from the demo plan today (line endings aside): the demo imports accounts of its own plan."""
    from ambito.core.tabular import write_csv
    from ambito.planning import demo_spending as demo

    for path, rows, header in ((demo.ACCOUNTING_FILE, demo.sample_rows(), demo.ACCOUNTING_HEADER),
                               (demo.ASL_FILE, demo.asl_rows(), demo.ASL_HEADER)):
        assert path.read_text(encoding="utf-8").splitlines() == write_csv(rows, header).splitlines(), path.name
