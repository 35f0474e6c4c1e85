"""A partial index of the withdrawal notices every publish run reads (issue 16).

queries.withdrawn_notices reads the election's entries once published and since withdrawn,
in the register's order: without this index, a read of every public entry (ten thousand
published ones to find a few notices). Only rows with a withdrawal date are in it, so it
stays as small as the notices are few.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0008_public_entry_written_xid"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="publicentry",
            index=models.Index(
                condition=models.Q(("withdrawn_at__isnull", False)),
                fields=["election", "kind", "number"],
                name="public_entry_withdrawn",
            ),
        ),
    ]
