"""An index that holds what a publish run reads of every published entry (issue 16).

queries.published_entry_fingerprints reads the id and fingerprint of each of an election's
published entries in the register's order (kind, number): at 10,000 entries a read of the
whole table and a sort, most of the query's time. This index, on PostgreSQL, gives the rows in
that order with both values, so the query reads the index alone (an index-only scan) once
vacuum has marked the table's pages visible, as autovacuum does. PostgreSQL only, as the
fingerprint is (migration 0006): SQLite has no INCLUDE, and there every run reads every row.
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS public_entry_in_order ON publishing_publicentry
    (election_id, status, kind, number) INCLUDE (id, fingerprint);
"""

DROP = "DROP INDEX IF EXISTS public_entry_in_order;"


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0006_public_entry_fingerprint"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
