"""The transaction that last wrote each public entry, kept by PostgreSQL itself (issue 16).

The trigger of migration 0006 also sets `written_xid` to the writing transaction's id
(pg_current_xact_id(): 64 bits, never wrapping) on every insert and update, and an index on
(election, written_xid) finds the entries written since a given transaction. A publish run
keeps the published entries' fingerprints and reads only those written by transactions that
had not finished when it last read them (publishing.site.pages.data._fingerprints), instead
of ten thousand each run. The function is migration 0006's with that one line more (the
public fields as of that migration). Nothing on another database: there every run reads
every row.
"""

from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION publishing_publicentry_fingerprint() RETURNS trigger AS $$
BEGIN
    NEW.fingerprint := encode(
        sha256(convert_to(ROW(
            NEW.id, NEW.kind, NEW.reference, NEW.topic, NEW.received_on, NEW.answered_on,
            NEW.answering_body, NEW.is_foi, NEW.question, NEW.answer, NEW.action,
            NEW.action_reason, NEW.status, NEW.published_at
        )::text, 'UTF8')),
        'hex'
    );
    NEW.written_xid := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
UPDATE publishing_publicentry SET written_xid = 0;
CREATE INDEX IF NOT EXISTS public_entry_written ON publishing_publicentry
    (election_id, written_xid);
"""

# Migration 0006's function again.
DROP = """
DROP INDEX IF EXISTS public_entry_written;
CREATE OR REPLACE FUNCTION publishing_publicentry_fingerprint() RETURNS trigger AS $$
BEGIN
    NEW.fingerprint := encode(
        sha256(convert_to(ROW(
            NEW.id, NEW.kind, NEW.reference, NEW.topic, NEW.received_on, NEW.answered_on,
            NEW.answering_body, NEW.is_foi, NEW.question, NEW.answer, NEW.action,
            NEW.action_reason, NEW.status, NEW.published_at
        )::text, 'UTF8')),
        'hex'
    );
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0007_public_entry_in_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicentry",
            name="written_xid",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
