"""Load the standard scales (Barthel, Lawton IADL 8 and 5 items, social and household) as data."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ambito.access.scales import scales_ensure

    scales_ensure(apps.get_model("access", "Scale"), apps.get_model("access", "ScaleItem"))


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
