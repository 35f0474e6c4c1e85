"""The premises candidates commonly ask to visit, and whose chief confirms. Offices add more."""

from django.db import migrations

VISIT_TYPES = [
    ("Police station", "chief_constable"),
    ("Custody suite", "chief_constable"),
    ("Force control room", "chief_constable"),
    ("Ride-along with a police patrol", "chief_constable"),
    ("Fire station", "chief_fire_officer"),
    ("Commissioner's office", ""),
]


def add(apps, schema_editor):
    VisitType = apps.get_model("briefings", "VisitType")
    for name, chief in VISIT_TYPES:
        VisitType.objects.update_or_create(name=name, defaults={"chief": chief})


def remove(apps, schema_editor):
    VisitType = apps.get_model("briefings", "VisitType")
    VisitType.objects.filter(name__in=[n for n, _ in VISIT_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("briefings", "0002_visittype_booking_bookingstep_briefingevent_and_more")]
    operations = [migrations.RunPython(add, remove)]
