"""E-mail templates of issue 13 (the hustings refusal, the reminders, the pre-election period
notices, a meeting recorded after it was held), created from their defaults where missing."""

from django.db import migrations


def create_missing(apps, schema_editor):
    from requests_register.email_templates import ensure_templates

    ensure_templates(apps.get_model("requests_register", "EmailTemplate"))


class Migration(migrations.Migration):
    dependencies = [("requests_register", "0011_sign_off_proposals")]

    operations = [migrations.RunPython(create_missing, migrations.RunPython.noop)]
