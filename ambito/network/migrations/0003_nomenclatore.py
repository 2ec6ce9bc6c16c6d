"""Load the CISIS Nomenclatore codes shipped in network/data/nomenclatore_cisis.json (partial list)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "nomenclatore_cisis.json"


def load(apps, schema_editor):
    TaxonomyTerm = apps.get_model("network", "TaxonomyTerm")
    by_code = {}
    for code, name, parent_code in json.loads(DATA.read_text(encoding="utf-8"))["terms"]:
        term, _created = TaxonomyTerm.objects.update_or_create(
            code=code, defaults={"name": name, "macro_area": code[0], "parent": by_code.get(parent_code)}
        )
        by_code[code] = term


class Migration(migrations.Migration):
    dependencies = [("network", "0002_catalogue")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
