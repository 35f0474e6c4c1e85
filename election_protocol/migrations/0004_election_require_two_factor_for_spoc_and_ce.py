# Written by hand (issue 6, item 3): only this field, so that another change to Election being
# made at the same time gets its own migration.

from django.db import migrations, models

FIELD = dict(
    default=False,
    help_text="When ticked, staff in the SPOC officer and Chief Executive roles must set up an "
    "authenticator app and enter a code from it each time they sign in (security app). For "
    "everyone else two-factor authentication stays optional.",
    verbose_name="require two-factor authentication for the SPOC and Chief Executive",
)


class Migration(migrations.Migration):
    dependencies = [
        ("election_protocol", "0003_approval_deputies_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="election",
            name="require_two_factor_for_spoc_and_ce",
            field=models.BooleanField(**FIELD),
        ),
        migrations.AddField(
            model_name="historicalelection",
            name="require_two_factor_for_spoc_and_ce",
            field=models.BooleanField(**FIELD),
        ),
    ]
