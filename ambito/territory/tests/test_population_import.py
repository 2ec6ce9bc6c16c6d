import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ambito.core.imports import ImportRejected
from ambito.territory.models import PopulationImport, PopulationRecord
from ambito.territory.services import population_import

DATA = Path(__file__).resolve().parents[3] / "data" / "population"
SHIPPED_2023 = DATA / "popolazione_2023_ambito_monza.csv"


def small_file(rows, title="Popolazione residente al 1° gennaio 2024", header="Codice comune;Comune;Età;Totale maschi;Totale femmine;Totale"):
    return "\n".join([title, header, *rows]).encode()


def full_comune(code="108049", name="Villasanta", male=10, female=12):
    rows = [f"{code};{name};{age};{male};{female};{male + female}" for age in range(101)]
    rows.append(f"{code};{name};999;{male * 101};{female * 101};{(male + female) * 101}")
    return rows


def test_it_loads_the_istat_layout_and_reads_the_year_from_the_title(db):
    result = population_import(data=small_file(full_comune()), source_name="posas.csv")
    assert result.year == 2024
    assert PopulationRecord.objects.filter(year=2024).count() == 202
    assert PopulationImport.objects.get().rows == 101


def test_reimporting_a_year_replaces_it(db):
    population_import(data=small_file(full_comune(male=10)), source_name="a.csv")
    population_import(data=small_file(full_comune(male=11)), source_name="b.csv")
    assert set(PopulationRecord.objects.filter(sex="M").values_list("count", flat=True)) == {11}


BAD_FILES = {
    "no header": (small_file(["108049;Villasanta;0;1;2"], header="Codice;Nome;Anni;Uomini;Donne"), "Riga di intestazione non trovata"),
    "wrong columns": (small_file(full_comune(), header="Codice comune;Comune;Età;Uomini;Donne;Totale"), "Colonne mancanti: Totale maschi, Totale femmine"),
    "non-numeric count": (small_file([r.replace(";10;", ";dieci;", 1) if r.startswith("108049;Villasanta;5;") else r for r in full_comune()]), "numeri interi non negativi"),
    "negative count": (small_file([r.replace(";10;", ";-10;", 1) if r.startswith("108049;Villasanta;5;") else r for r in full_comune()]), "numeri interi non negativi"),
    "unknown ISTAT code": (small_file(full_comune() + ["999999;Atlantide;0;1;1;2"]), "Codice ISTAT di Comune sconosciuto: 999999"),
    "duplicate row": (small_file(full_comune() + ["108049;Villasanta;40;10;12;22"]), "Riga duplicata"),
    "total not matching": (small_file([r.replace(";22", ";23") if r.startswith("108049;Villasanta;7;") else r for r in full_comune()]), "è diverso da maschi + femmine"),
    "missing ages": (small_file(full_comune()[:50]), "mancano le età 50–100"),
    "no year": (small_file(full_comune(), title="Popolazione residente"), "anno di riferimento"),
    "age out of range": (small_file(full_comune() + ["108049;Villasanta;130;1;1;2"]), "età 130"),
    "empty": (small_file([]), "non contiene righe di popolazione"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_malformed_file_is_rejected_whole_and_nothing_changes(db, kind):
    population_import(data=SHIPPED_2023.read_bytes(), source_name=SHIPPED_2023.name)
    before = list(PopulationRecord.objects.order_by("pk").values_list("pk", "count"))
    data, expected = BAD_FILES[kind]
    with pytest.raises(ImportRejected) as rejected:
        population_import(data=data, source_name="bad.csv")
    assert expected in rejected.value.report()
    assert list(PopulationRecord.objects.order_by("pk").values_list("pk", "count")) == before
    assert PopulationImport.objects.count() == 1


def test_the_report_names_every_bad_row(db):
    rows = full_comune()
    rows[3] = rows[3].replace(";10;", ";x;")
    rows[8] = "999999;Atlantide;0;1;1;2"
    with pytest.raises(ImportRejected) as rejected:
        population_import(data=small_file(rows), source_name="bad.csv")
    lines = {error.row for error in rejected.value.errors}
    assert {6, 11} <= lines  # title + header + 1-based rows


def test_the_command_prints_the_report_and_fails(db, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(BAD_FILES["duplicate row"][0])
    with pytest.raises(CommandError):
        call_command("import_population", str(bad))
    assert "Riga duplicata" in capsys.readouterr().err
    assert PopulationRecord.objects.count() == 0


def test_the_command_loads_the_shipped_file(db, capsys):
    call_command("import_population", str(SHIPPED_2023))
    assert "year 2023" in capsys.readouterr().out
    assert PopulationRecord.objects.filter(year=2023).count() == 3 * 101 * 2


def hand_computed(code):
    """Indicators computed by hand from the shipped CSV, without the application's code."""
    counts = {}
    with SHIPPED_2023.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[2:]
    for row in rows:
        if row[0] == code and row[2] != "999":
            counts[int(row[2])] = int(row[5])
    band = lambda low, high: sum(v for age, v in counts.items() if low <= age <= high)  # noqa: E731
    residents, young, working, old, very_old = band(0, 100), band(0, 14), band(15, 64), band(65, 100), band(75, 100)
    one = lambda x: Decimal(x).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)  # noqa: E731
    return {
        "residents": residents,
        "minors": band(0, 17),
        "share_65_plus": one(Decimal(old) * 100 / residents),
        "share_75_plus": one(Decimal(very_old) * 100 / residents),
        "old_age_index": one(Decimal(old) * 100 / young),
        "dependency_ratio": one(Decimal(young + old) * 100 / working),
    }


@pytest.mark.parametrize("code", ["108033", "108012", "108049"])
def test_indicators_match_a_hand_calculation_from_the_shipped_file(db, code):
    from ambito.territory.models import Comune
    from ambito.territory.selectors import needs_indicators

    population_import(data=SHIPPED_2023.read_bytes(), source_name=SHIPPED_2023.name)
    comune = Comune.objects.get(istat_code=code)
    computed = needs_indicators(comune_ids=[comune.id], year=2023).as_dict()
    expected = hand_computed(code)
    assert {key: computed[key] for key in expected} == expected


def test_monza_figures_are_the_real_istat_ones(db):
    from ambito.territory.models import Comune
    from ambito.territory.selectors import needs_indicators

    population_import(data=SHIPPED_2023.read_bytes(), source_name=SHIPPED_2023.name)
    monza = Comune.objects.get(istat_code="108033")
    assert needs_indicators(comune_ids=[monza.id], year=2023).residents == 121799
