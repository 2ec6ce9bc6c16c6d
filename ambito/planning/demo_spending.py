"""Demo of the money loop on the Monza 2021–2023 plan (fictional figures, plausible against its € 5.4 M of 2022):

- the chapters of the capofila's accounts (Comune di Monza, which keeps the accounts of the gestione associata:
  the other Comuni transfer their share to it) mapped once to interventions and sources;
- commitments and payments for 2021–2023 imported once from ``demo_data/contabilita_monza_2021_2023.csv``
  (written by ``write_sample_files``; layout in docs/money-loop.md);
- what the Ambito received from FNPS, FNA, Fondo Povertà and the Region for each year;
- unit costs of the services delivered by the cooperatives;
- the ASL's aggregate figures 2019–2023 (``demo_data/asl_ricoveri_2019_2023.csv``) and the Accordo's
  reinvestment of savings (baseline 2019–2020, 5% reinvested, € 420 a bed-day).

Built through the services, as the planning office would."""

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ambito.core.tabular import write_csv
from ambito.planning import services_spending as spending
from ambito.planning.models import CostBasis, FundAllocation, SpendingImport

DATA = Path(__file__).parent / "demo_data"
ACCOUNTING_FILE = DATA / "contabilita_monza_2021_2023.csv"
ASL_FILE = DATA / "asl_ricoveri_2019_2023.csv"
YEARS = {2021: Decimal("0.97"), 2022: Decimal("1"), 2023: Decimal("1.03")}
# Share of the planned amount committed, and of the committed amount paid by the end of 2024, by year.
COMMITTED = {2021: Decimal("0.95"), 2022: Decimal("0.96"), 2023: Decimal("0.92")}
PAID = {2021: Decimal("1"), 2022: Decimal("0.98"), 2023: Decimal("0.84")}
PAYEES = {"I01": "Cooperativa Sociale Il Ponte", "I02": "ASST Monza", "I03": "Cooperativa Sociale Il Ponte",
          "I04": "Fondazione Casa Amica", "I05": "Ufficio di Piano — personale e servizi",
          "I06": "Ufficio di Piano — personale e servizi", "I07": "Beneficiari di contributi economici (aggregato)",
          "I08": "Cooperativa Sociale Spazio Aperto", "I09": "Comuni dell'Ambito — personale sociale"}
SOURCE_ARTICLE = {"fnps": "01", "fna": "02", "poverty": "03", "regional": "04", "health": "05", "eu_pnrr": "06",
                  "reinvested": "07", "comune:108033": "10", "comune:108012": "11", "comune:108049": "12"}
ALLOCATIONS = {  # fund: (received per year, act)
    "fnps": ({2021: "545000", 2022: "560000", 2023: "575000"}, "D.G.R. Lombardia di riparto FNPS"),
    "fna": ({2021: "440000", 2022: "455000", 2023: "470000"}, "D.G.R. Lombardia di riparto FNA"),
    "poverty": ({2021: "690000", 2022: "700000", 2023: "720000"}, "Decreto ministeriale Quota servizi Fondo Povertà"),
    "regional": ({2021: "255000", 2022: "260000", 2023: "268000"}, "D.G.R. Lombardia Fondo sociale regionale"),
}
UNIT_COSTS = [  # service key, provider key, basis, rate
    ("sad_monza", "coop_ponte", CostBasis.HOURLY, "22.50"),
    ("sad_brugherio", "coop_spazio", CostBasis.HOURLY, "21.80"),
    ("school", "coop_ponte", CostBasis.HOURLY, "23.10"),
    ("cdd", "fondazione_casa", CostBasis.DAILY, "68.00"),
    ("adm_minori", "coop_ponte", CostBasis.HOURLY, "24.00"),
    ("transport", "coop_spazio", CostBasis.LUMP_SUM, "18.00"),
]


def chapter(code: str, column: str) -> str:
    """The capofila's chapter of an intervention and source: 12 (Missione 12, social rights), a number per
    intervention, an article per source."""
    return f"12{int(code[1:]):02d}0/{SOURCE_ARTICLE[column]}"


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _it(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def sample_rows() -> list[list[str]]:
    """The rows of the sample accounting export (deterministic)."""
    from ambito.planning.demo import INTERVENTIONS_2021

    rng = random.Random(19)
    comuni = {"monza": "108033", "brugherio": "108012", "villasanta": "108049"}
    rows, act = [], 100
    for year, factor in YEARS.items():
        for code, *_rest, amounts in INTERVENTIONS_2021:
            if code not in PAYEES:
                continue
            for key, amount in amounts.items():
                column = f"comune:{comuni[key]}" if key in comuni else key
                planned = (Decimal(amount) * factor).quantize(Decimal("1"))
                share = COMMITTED[year] + Decimal(rng.randint(-20, 20)) / 1000
                committed = _cents(planned * min(share, Decimal(1)))
                act += rng.randint(1, 9)
                number = f"DD {act}/{year}"
                day = date(year, rng.randint(1, 3), rng.randint(1, 28))
                rows.append(["IMPEGNO", chapter(code, column), str(year), number, day.strftime("%d/%m/%Y"),
                             _it(committed), PAYEES[code], "", f"{code} {key}"])
                to_pay = _cents(committed * PAID[year])
                instalments = [_cents(to_pay / 4)] * 3
                instalments.append(to_pay - sum(instalments))
                for n, part in enumerate(instalments):
                    paid_on = date(year, 3 * n + 4, 20) if n < 3 else date(year + 1, 2, 15)
                    rows.append(["MANDATO", chapter(code, column), str(year), f"M {year}/{act}-{n + 1}",
                                 paid_on.strftime("%d/%m/%Y"), _it(part), PAYEES[code], number, ""])
                if year == 2023:  # liquidated, waiting for the payment order at the end of 2024
                    rows.append(["LIQUIDAZIONE", chapter(code, column), str(year), f"L {year}/{act}",
                                 "30/11/2024", _it(_cents(committed * Decimal("0.08"))), PAYEES[code], number, ""])
    return rows


ACCOUNTING_HEADER = ["tipo", "capitolo", "esercizio", "numero", "data", "importo", "beneficiario", "impegno", "note"]
ASL_HEADER = ["codice_istat", "comune", "anno", "ricoveri", "giornate_degenza", "ricoveri_evitabili", "indicatore"]
# Chronic and frail residents of each Comune: admissions and bed-days fall from 2021 with the protected
# discharges and the home care of the plan.
ASL = {"108033": (1480, 14200, 310), "108012": (440, 4150, 92), "108049": (190, 1820, 41)}
TREND = {2019: Decimal("1.02"), 2020: Decimal("0.98"), 2021: Decimal("0.95"), 2022: Decimal("0.90"),
         2023: Decimal("0.86")}
NAMES = {"108033": "Monza", "108012": "Brugherio", "108049": "Villasanta"}


def asl_rows() -> list[list[str]]:
    return [[istat, NAMES[istat], str(year), str(int(adm * f)), str(int(days * f)), str(int(avoid * f)),
             "PQI AHRQ (ricoveri potenzialmente evitabili)"]
            for year, f in TREND.items() for istat, (adm, days, avoid) in ASL.items()]


def write_sample_files():
    """Write the two sample files shipped with the demo (run once by hand when the demo plan changes)."""
    DATA.mkdir(exist_ok=True)
    ACCOUNTING_FILE.write_text(write_csv(sample_rows(), ACCOUNTING_HEADER), encoding="utf-8")
    ASL_FILE.write_text(write_csv(asl_rows(), ASL_HEADER), encoding="utf-8")


def load(ctx, plan):
    """Map the chapters, record allocations, import the accounts once, unit costs, ASL figures, reinvestment."""
    from ambito.planning.demo import INTERVENTIONS_2021

    if SpendingImport.objects.filter(plan=plan).exists():
        return
    planner = ctx.users["planner"]
    monza = ctx.comuni["monza"]
    comuni = {c.istat_code: c for c in ctx.comuni.values()}
    interventions = {i.code: i for i in plan.interventions.all()}
    for code, *_rest, amounts in INTERVENTIONS_2021:
        if code not in interventions or code not in PAYEES:  # the sample file covers I01–I09
            continue
        for key in amounts:
            comune = ctx.comuni.get(key)
            column = f"comune:{comune.istat_code}" if comune else key
            spending.accounting_code_set(actor=planner, plan=plan, ente=monza, code=chapter(code, column),
                                         intervention=interventions[code], source="comune" if comune else key,
                                         comune=comune)
    for source, (amounts, act) in ALLOCATIONS.items():
        for year, amount in amounts.items():
            if not FundAllocation.objects.filter(ambito=plan.ambito, source=source, year=year).exists():
                spending.fund_allocation_set(actor=planner, ambito=plan.ambito, source=source, year=year,
                                             amount=amount, act=f"{act} {year}")
    spending.spending_import(actor=planner, plan=plan, ente=monza, data=ACCOUNTING_FILE.read_bytes(),
                             filename=ACCOUNTING_FILE.name)
    for service_key, provider_key, basis, rate in UNIT_COSTS:
        service = ctx.services.get(service_key)
        if service is not None and not service.unit_costs.exists():
            spending.unit_cost_set(actor=planner, service=service, provider=ctx.organisations[provider_key],
                                   basis=basis, rate=rate, valid_from=date(2021, 1, 1))
    spending.health_figures_import(actor=planner, ambito=plan.ambito, data=ASL_FILE.read_bytes(),
                                   filename=ASL_FILE.name)
    spending.reinvestment_set(actor=planner, plan=plan, baseline_start=2019, baseline_end=2020,
                              cost_per_bed_day="420", share="5",
                              note="Accordo di Programma 2021–2023, art. 9: reinvestimento dei risparmi")
    _ = comuni
    ctx.say("Money loop: 2021–2023 accounts imported, fund allocations, unit costs, ASL figures and reinvestment")
