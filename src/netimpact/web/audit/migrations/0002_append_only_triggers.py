"""Database triggers that refuse changes to audit events, for anyone going round the ORM.

PostgreSQL: UPDATE and DELETE are refused row by row. TRUNCATE (the table owner's bulk reset, which
`manage flush` and the test runner use) is not a row operation and stays possible; the chain head then
no longer matches and verify_chain reports it.
SQLite: UPDATE is refused. DELETE is left to the ORM's refusal and the chain, because SQLite's flush
empties tables with DELETE and has no TRUNCATE to tell the two apart.
"""

from django.db import migrations

POSTGRESQL_CREATE = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % of event % refused', TG_OP, OLD.sequence;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_refuse_change();
"""
SQLITE_CREATE = """
CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_auditevent
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS audit_event_append_only;"


def _run(sql_by_vendor: dict[str, str]):
    def run(apps, schema_editor) -> None:
        sql = sql_by_vendor.get(schema_editor.connection.vendor)
        if sql:  # other databases: the ORM's refusal and the hash chain still apply
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)  # no parameters: the % in the PL/pgSQL message is not a placeholder

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_CREATE, "sqlite": SQLITE_CREATE}),
            _run({"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}),
        )
    ]
