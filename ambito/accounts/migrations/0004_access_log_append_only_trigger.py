"""On PostgreSQL the database itself refuses UPDATE and DELETE on the access log, whatever the client: only a
DELETE inside a transaction that set ``ambito.retention_purge = 'on'`` (the retention purge) passes.
SQLite has no session settings: there the model and queryset guards are the protection."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION accounts_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('ambito.retention_purge', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'accounts_accesslog is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER accounts_accesslog_append_only
BEFORE UPDATE OR DELETE ON accounts_accesslog
FOR EACH STATEMENT EXECUTE FUNCTION accounts_accesslog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS accounts_accesslog_append_only ON accounts_accesslog;
DROP FUNCTION IF EXISTS accounts_accesslog_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        schema_editor.execute(TRIGGER, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_access_log_role_person_purpose")]

    operations = [migrations.RunPython(install, remove)]
