"""Synthetic Ambiti on real Comuni (official ISTAT codes), with a Lombardy-like age structure taken from the
real population of the demo Comuni, scaled to each Comune's size."""

import csv
from pathlib import Path

from django.conf import settings

from ambito.devtools.synthetic import SYNTHETIC_PREFIX
from ambito.territory.models import OPEN_AGE, Ambito, Comune, PopulationRecord
from ambito.territory.services import _official_comuni

COMUNI_PER_100K = 10
SOURCE = Path(settings.BASE_DIR) / "data" / "population" / "popolazione_2023_ambito_monza.csv"


def _age_profile() -> list[tuple[str, int, float]]:
    with SOURCE.open(encoding="utf-8") as handle:
        rows = [r for r in list(csv.reader(handle, delimiter=";"))[2:] if r and r[2] != "999"]
    totals: dict[tuple[str, int], int] = {}
    for row in rows:
        age = int(row[2])
        totals[("M", age)] = totals.get(("M", age), 0) + int(row[3])
        totals[("F", age)] = totals.get(("F", age), 0) + int(row[4])
    grand = sum(totals.values())
    return [(sex, age, totals[(sex, age)] / grand) for sex in ("M", "F") for age in range(OPEN_AGE + 1)]


def seed(gen):
    scale = gen.scale
    used = set(Comune.objects.values_list("istat_code", flat=True))
    official = [record for code, record in sorted(_official_comuni().items()) if code not in used]
    per_ambito = max(1, round(scale.residents_per_ambito / 100_000 * COMUNI_PER_100K))
    needed = per_ambito * scale.ambiti
    if needed > len(official):
        raise ValueError(f"{needed} Comuni requested, only {len(official)} official codes are free")
    chosen = official[:needed]
    ambito_ids = gen.reserve_ids(Ambito, scale.ambiti)
    gen.load(
        Ambito,
        ["id", "name", "code", "region_code", "region_name"],
        ((pk, f"Ambito sintetico {n + 1:03d}", f"{SYNTHETIC_PREFIX}{n + 1:03d}", "99", "Regione sintetica")
         for n, pk in enumerate(ambito_ids)),
    )
    comune_ids = gen.reserve_ids(Comune, needed)
    comuni = []  # (comune_id, ambito_id, residents)
    for index, pk in enumerate(comune_ids):
        ambito_id = ambito_ids[index // per_ambito]
        # Uneven Comuni: the first of each Ambito is its town, the rest share the remainder.
        weights = [4] + [1] * (per_ambito - 1)
        share = weights[index % per_ambito] / sum(weights)
        comuni.append((pk, ambito_id, int(scale.residents_per_ambito * share)))
    gen.load(
        Comune,
        ["id", "istat_code", "name", "province", "province_code", "region", "belfiore_code", "ambito_id"],
        ((pk, r["codice_istat"], r["denominazione_italiana"], r["provincia"], r["sigla_provincia"], r["regione"],
          r["codice_catastale"], ambito_id)
         for (pk, ambito_id, _), r in zip(comuni, chosen, strict=True)),
    )
    profile = _age_profile()
    rows_per_year = len(comuni) * len(profile)
    record_ids = gen.reserve_ids(PopulationRecord, rows_per_year * scale.years)

    def population_rows():
        ids = iter(record_ids)
        for year in scale.years_list:
            drift = 1 + 0.002 * (year - scale.end_year)
            for pk, _ambito, residents in comuni:
                for sex, age, weight in profile:
                    yield (next(ids), pk, year, sex, age, max(0, round(residents * weight * drift)))

    gen.load(PopulationRecord, ["id", "comune_id", "year", "sex", "age", "count"], population_rows())
    gen.state["ambito_ids"] = list(ambito_ids)
    gen.state["comuni"] = comuni
