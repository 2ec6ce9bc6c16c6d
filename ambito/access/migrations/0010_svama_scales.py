"""Two SVAMA sections as scales: cognition (SPMSQ, Pfeiffer) and pressure-ulcer risk (Exton-Smith)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ambito.access.scales import SVAMA_EXTON_SMITH, SVAMA_SPMSQ, scales_ensure

    scales_ensure(apps.get_model("access", "Scale"), apps.get_model("access", "ScaleItem"),
                  definitions=[SVAMA_SPMSQ, SVAMA_EXTON_SMITH])


class Migration(migrations.Migration):
    dependencies = [("access", "0009_doors_desks")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
