"""E-mail templates of issue 13 (the PARO copied on referrals and told of material; briefing
events changed or cancelled), created from their defaults where missing."""

from django.db import migrations


def create_missing(apps, schema_editor):
    from requests_register.email_templates import ensure_templates

    ensure_templates(apps.get_model("requests_register", "EmailTemplate"))


class Migration(migrations.Migration):
    dependencies = [("requests_register", "0009_email_template_defaults")]

    operations = [migrations.RunPython(create_missing, migrations.RunPython.noop)]
