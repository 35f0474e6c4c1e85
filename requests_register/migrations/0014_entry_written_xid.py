"""The transaction that last wrote each register entry and each of its history rows, kept by
PostgreSQL itself (issue 16).

A trigger sets `written_xid` to the writing transaction's id (pg_current_xact_id(): 64 bits,
never wrapping) on every insert and update, and an index on it finds the rows written since a
given transaction. The publish run's leak check keeps the requesters' details of every entry
and history row and reads only those written by transactions that had not finished when it
last read them (publishing.queries.rows_written_since), instead of scanning both tables, with
ten thousand entries, each run. Rows written before this migration have 0: the first read
reads every row anyway. Nothing on another database: there every run reads every row.
"""

from django.db import migrations, models

TABLES = ("requests_register_entry", "requests_register_historicalentry")

CREATE = """
CREATE OR REPLACE FUNCTION requests_register_written_xid() RETURNS trigger AS $$
BEGIN
    NEW.written_xid := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
DROP TRIGGER IF EXISTS {table}_written_xid ON {table};
CREATE TRIGGER {table}_written_xid BEFORE INSERT OR UPDATE ON {table}
    FOR EACH ROW EXECUTE FUNCTION requests_register_written_xid();
CREATE INDEX IF NOT EXISTS {table}_written ON {table} (written_xid);
"""
    for table in TABLES
)

DROP = (
    "".join(
        f"""
DROP INDEX IF EXISTS {table}_written;
DROP TRIGGER IF EXISTS {table}_written_xid ON {table};
"""
        for table in TABLES
    )
    + "DROP FUNCTION IF EXISTS requests_register_written_xid();\n"
)


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("requests_register", "0013_merge_20261204_0934"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="written_xid",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="historicalentry",
            name="written_xid",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
