"""Each public entry's fingerprint, kept by PostgreSQL itself (issue 16).

A BEFORE INSERT OR UPDATE trigger sets `fingerprint` to the SHA-256 of the row's public fields
as PostgreSQL writes them as text: the expression publishing.queries._fingerprint() works out
in a query, so an entry changed in any way (a service, a bulk update, SQL by hand) has a new
one. The fields are written out here, as of this migration: when PUBLIC_FIELDS changes, a new
migration replaces the function (a test compares the stored fingerprint with the expression
for every public field). Nothing on another database: there every publish run reads every
row.
"""

from django.db import migrations, models

# The public fields as of this migration (publishing.queries.PUBLIC_FIELDS), in its order.
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
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS publishing_publicentry_fingerprint ON publishing_publicentry;
CREATE TRIGGER publishing_publicentry_fingerprint
    BEFORE INSERT OR UPDATE ON publishing_publicentry
    FOR EACH ROW EXECUTE FUNCTION publishing_publicentry_fingerprint();
UPDATE publishing_publicentry SET fingerprint = '';
"""

DROP = """
DROP TRIGGER IF EXISTS publishing_publicentry_fingerprint ON publishing_publicentry;
DROP FUNCTION IF EXISTS publishing_publicentry_fingerprint();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0005_publish_run_skipped"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicentry",
            name="fingerprint",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
