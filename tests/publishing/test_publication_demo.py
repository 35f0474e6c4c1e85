"""The demo shows issue 13, items 1 and 2 ("Done when"): the SPOC sees publication due dates
and an overdue publication; a "not for publication" decision is visible and counted on the
public page; a refusal appears on the public register with its action."""

from datetime import datetime

from django.conf import settings as django_settings
from django.urls import reverse

from election_protocol.calendar import LONDON
from election_protocol.demo import seed_demo
from publishing.models import NotForPublication, PublicEntry
from publishing.site import publish_site
from tests.builders import read_site, text

NOW = datetime(2026, 11, 26, 11, 0, tzinfo=LONDON)


def test_the_demo_shows_deadlines_decisions_and_the_action_taken(
    db, client, tmp_path, settings, time_machine
):
    settings.VAR_DIR = tmp_path
    settings.PUBLIC_SITE_ROOT = tmp_path / "public"
    settings.STORAGES = {
        **django_settings.STORAGES,
        "public_site": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "public"), "base_url": "/election/"},
        },
    }
    time_machine.move_to(NOW, tick=False)
    result = seed_demo(NOW)
    election = result.election
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="spoc"))
    page = client.get(reverse("publishing:deadlines")).content.decode()
    assert 'data-state="overdue"' in page and 'data-state="due_soon"' in page
    assert "Rural crime" in page and "Publish by" in page
    assert 'id="publication-deadlines"' in page  # the banner beside the register's counts
    decision = NotForPublication.objects.get(election=election, status="approved")
    assert decision.reason == "third_party" and decision.decided_by.username == "chief-executive"
    assert NotForPublication.objects.filter(election=election, status="proposed").exists()
    refusal = PublicEntry.objects.get(election=election, kind="register_action")
    assert (refusal.status, refusal.action, refusal.action_reason) == (
        "published",
        "refused",
        "operational",
    )
    publish_site(election, to=tmp_path / "site")
    files = read_site(tmp_path / "site")
    index = text(files["register/index.html"])
    assert refusal.reference in index
    assert "Refused: Operationally sensitive or a security risk" in index
    assert "About another person, such as a complaint" in index
    assert decision.entry.reference not in index
    assert "Neighbour dispute" not in " ".join(
        text(d) for p, d in files.items() if not p.endswith(".pdf")
    )
