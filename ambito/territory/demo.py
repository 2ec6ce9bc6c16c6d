"""Demo territory: the Ambito of Monza on real ISTAT codes and real ISTAT population (2022, 2023)."""

from functools import lru_cache
from pathlib import Path

from django.conf import settings

from ambito.territory.models import Ambito, PopulationRecord
from ambito.territory.services import comune_ensure, population_parse, population_write

DEMO_COMUNI = {"monza": "108033", "brugherio": "108012", "villasanta": "108049"}
POPULATION_DIR = Path(settings.BASE_DIR) / "data" / "population"


@lru_cache(maxsize=8)
def _parsed(path: Path):
    """The shipped files never change while a process runs: validate each once (the test suite loads the
    demo hundreds of times)."""
    return population_parse(data=path.read_bytes())


def load(ctx):
    ambito, created = Ambito.objects.get_or_create(
        code="monza", defaults={"name": "Ambito di Monza", "region_code": "03", "region_name": "Regione Lombardia"}
    )
    for key, code in DEMO_COMUNI.items():
        ctx.comuni[key] = comune_ensure(istat_code=code, ambito=ambito)
    if ambito.lead_comune_id is None:
        ambito.lead_comune = ctx.comuni["monza"]
        ambito.save(update_fields=["lead_comune"])
    if not ambito.ipa_code:  # the lead Comune publishes the Ambito's open data (IPA code of the Comune di Monza)
        ambito.ipa_code, ambito.open_data_email = "c_f704", "opendata@ambito-monza.example.it"
        ambito.save(update_fields=["ipa_code", "open_data_email"])
    ctx.ambito = ambito
    for path in sorted(POPULATION_DIR.glob("popolazione_*_ambito_monza.csv")):
        year = int(path.name.split("_")[1])
        if not PopulationRecord.objects.filter(year=year, comune__in=ctx.comuni.values()).exists():
            result = population_write(parsed=_parsed(path), source_name=path.name)
            ctx.say(f"population {result.year}: {result.rows} age rows")
    if created:
        ctx.say("Ambito di Monza with Monza (lead), Brugherio, Villasanta")
