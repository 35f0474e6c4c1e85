"""E-mail templates for every outgoing e-mail (issue 17): the staff notices, the booking and
briefing e-mails and the public site's alert, created from their defaults where missing."""

from django.db import migrations


def create_missing(apps, schema_editor):
    # The defaults of today: a key added later gets its row from a later migration.
    from requests_register.email_templates import ensure_templates

    ensure_templates(apps.get_model("requests_register", "EmailTemplate"))


class Migration(migrations.Migration):
    dependencies = [("requests_register", "0008_entry_topic_index")]

    operations = [migrations.RunPython(create_missing, migrations.RunPython.noop)]
