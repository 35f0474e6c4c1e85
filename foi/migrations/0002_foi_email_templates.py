"""The FOI notices' e-mail templates (clarification, extension, refusal, review outcome),
created from their defaults where missing."""

from django.db import migrations


def create_missing(apps, schema_editor):
    from requests_register.email_templates import ensure_templates

    ensure_templates(apps.get_model("requests_register", "EmailTemplate"))


class Migration(migrations.Migration):
    dependencies = [
        ("foi", "0001_foi_cases"),
        ("requests_register", "0009_email_template_defaults"),
    ]

    operations = [migrations.RunPython(create_missing, migrations.RunPython.noop)]
