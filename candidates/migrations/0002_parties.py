"""Preload the parties that stand in PCC elections in England and Wales.

Registered names as on the Electoral Commission's register, with the short forms people write
(used to match SoPN descriptions and, later, by the anonymiser). Offices add others in the admin.
"""

from django.db import migrations

PARTIES = [
    (
        "Conservative and Unionist Party",
        [
            "Conservative",
            "Conservatives",
            "Conservative Party",
            "Tory",
            "Tories",
            "the Tories",
            "Con",
        ],
    ),
    ("Labour Party", ["Labour", "Labour Party", "Lab"]),
    ("Labour and Co-operative Party", ["Labour and Co-operative", "Labour Co-op", "Lab Co-op"]),
    (
        "Liberal Democrats",
        ["Liberal Democrat", "Lib Dem", "Lib Dems", "LibDem", "LibDems", "the Lib Dems"],
    ),
    ("Green Party", ["Green", "Greens", "the Greens", "Green Party"]),
    ("Reform UK", ["Reform", "Reform Party"]),
    ("Plaid Cymru - The Party of Wales", ["Plaid Cymru", "Plaid"]),
    ("UK Independence Party (UKIP)", ["UKIP", "UK Independence Party"]),
    ("English Democrats", ["English Democrat", "EDP"]),
    ("Social Democratic Party", ["SDP"]),
    ("Heritage Party", ["Heritage"]),
    ("Workers Party of Britain", ["Workers Party"]),
    ("Women's Equality Party", ["WEP"]),
    ("Christian Peoples Alliance", ["CPA"]),
    ("Trade Unionist and Socialist Coalition", ["TUSC"]),
    ("The Yorkshire Party", ["Yorkshire Party"]),
]


def add_parties(apps, schema_editor):
    Party = apps.get_model("candidates", "Party")
    for name, short_forms in PARTIES:
        Party.objects.update_or_create(name=name, defaults={"short_forms": short_forms})


def remove_parties(apps, schema_editor):
    Party = apps.get_model("candidates", "Party")
    Party.objects.filter(name__in=[name for name, _ in PARTIES], candidates__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("candidates", "0001_initial")]
    operations = [migrations.RunPython(add_parties, remove_parties)]
