# The register list's topic choices read by a loose index scan (queries.topics; issue 7).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("requests_register", "0007_entry_legal_hold"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["election", "topic"], name="entry_election_topic"),
        ),
    ]
