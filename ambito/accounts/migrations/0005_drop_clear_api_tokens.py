"""API tokens moved from DRF's ``rest_framework.authtoken`` (key stored in clear) to django-rest-knox (only a
hash stored). The old keys are not carried over, they are invalidated: the old table, which held every key in
clear, is dropped, and its migration records removed. Clients ask ``POST /api/v1/token/`` for a new token."""

from django.db import migrations

DROP = [
    "DROP TABLE IF EXISTS authtoken_token",
    "DELETE FROM django_migrations WHERE app = 'authtoken'",
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_access_log_append_only_trigger"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunSQL(sql, reverse_sql=migrations.RunSQL.noop) for sql in DROP]
