"""One live public election page, and it is the current election's (issue 15): publishing a
past election, or another election running beside it, never replaces it. Found in the demo,
where the past election's last approval made its 2024 page live over the current one."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from publishing import services
from publishing.models import PublishRun
from publishing.site import publish_site, run_publish, schedule_publish
from publishing.site.target import default_target, live_site, site_target
from tests.builders import NOW, answered, published, read_site, text
from tests.factories import ElectionFactory

pytestmark = pytest.mark.django_db


def test_a_past_elections_run_is_skipped_and_the_live_page_stays(election, cast):
    past = ElectionFactory(area="Oldshire", poll_date=date(2020, 5, 7), reference_prefix="OS20")
    with time_machine.travel(NOW, tick=False):
        published(election, cast)
        live = publish_site(election)
        assert live.status == "published"
        version = default_target().current_version()

        direct = publish_site(past)
        assert direct.status == "skipped"
        assert "current election's" in direct.reason

        queued = schedule_publish(past.pk)
        assert run_publish(queued.pk) == "skipped"

    queued.refresh_from_db()
    assert queued.status == PublishRun.Status.SKIPPED
    assert "Oldshire" in queued.reason and "archive" in queued.reason
    assert default_target().current_version() == version  # the live link never moved
    assert PublishRun.objects.filter(election=past, status=PublishRun.Status.PUBLISHED).count() == 0


# --- a live site of its own for every running election (issue 15) -------------------------------


def _by_election(**fields):
    fields.setdefault("area", "Westvale")
    fields.setdefault("office", "mayor")
    fields.setdefault("by_election", True)
    fields.setdefault("reference_prefix", "WV24")
    fields.setdefault("office_name", "Office of the Mayor of Westvale: police and crime functions")
    return ElectionFactory(poll_date=date(2024, 5, 23), **fields)


def test_a_running_by_elections_run_goes_live_at_its_own_path_and_leaves_election_alone(
    election, cast
):
    by_election = _by_election()
    with time_machine.travel(NOW, tick=False):
        published(election, cast)
        assert publish_site(election).status == "published"
        main = default_target()
        main_version = main.current_version()
        assert main_version is not None
        published(by_election, cast, topic="Nominations", answer="Nominations close at 4pm.")
        queued = schedule_publish(by_election.pk)
        assert run_publish(queued.pk) == "published"

        site = live_site(by_election, NOW.date())
        assert site is not None and site.folder == "wv24" and site.url == "/election/wv24/"
        assert live_site(election, NOW.date()).url == "/election/"
        own = site_target(site)
        assert own.root == main.root / "sites" / "wv24"
        assert own.current_version() is not None
        assert main.current_version() == main_version  # /election/ never moved
    assert (
        PublishRun.objects.filter(election=by_election, status=PublishRun.Status.PUBLISHED).count()
        >= 1
    )
    files = read_site(own.current_path)
    home = text(files["index.html"])
    assert "Mayor with PCC functions by-election, Westvale" in home
    assert "Nominations" in text(files["register/index.html"])
    assert "Night cover" not in text(files["register.csv"])  # its own data only
    assert "Night cover" not in text(files["feed.atom"])
    main_files = read_site(main.current_path)
    assert "Nominations" not in text(main_files["register.csv"])
    assert "Night cover" in text(main_files["register.csv"])
    # Every link stays inside the site: relative, never to the root of /election/.
    for path, data in files.items():
        if path.endswith(".html"):
            assert 'href="/election' not in text(data), path


def test_a_closed_running_election_is_still_skipped(election, cast):
    from lifecycle.models import Closure

    by_election = _by_election()
    with time_machine.travel(NOW, tick=False):
        Closure.objects.create(election=by_election, frozen_at=NOW)
        result = publish_site(by_election)
        assert result.status == "skipped"
        assert "archive" in result.reason
        assert live_site(by_election, NOW.date()) is None
    assert not (default_target().root / "sites" / "wv24").exists()


def test_the_leak_scan_runs_for_each_site(election, cast):
    """The by-election's page must not carry the main election's private identifiers."""
    by_election = _by_election()
    with time_machine.travel(NOW, tick=False):
        published(election, cast)  # Dorothy Pennington-Smythe asked the main election
        # A by-election answer naming her: not a subject of the by-election's anonymiser.
        published(
            by_election,
            cast,
            topic="Hustings",
            answer="A hustings is held at 4 Mill Lane, Kirkby Stephen on 1 May.",
            requester_type="public",
            requester_name="Sam Ockenden",
            requester_email="sam.ockenden@example.org",
        )
        result = publish_site(by_election)
    assert result.status == "blocked", result.reason
    assert "postal address" in result.reason and "register.csv" in result.reason
    assert site_target(live_site(by_election, NOW.date())).current_version() is None


def test_the_public_view_serves_each_site(election, cast, client, debug_urls):
    by_election = _by_election()
    with time_machine.travel(NOW, tick=False):
        published(election, cast)
        publish_site(election)
        published(by_election, cast, topic="Nominations", answer="Nominations close at 4pm.")
        publish_site(by_election)
        main = client.get("/election/")
        assert main.status_code == 200
        assert "Testshire" in b"".join(main.streaming_content).decode()
        own = client.get("/election/wv24/")
        assert own.status_code == 200
        assert "Westvale" in b"".join(own.streaming_content).decode()
        register = client.get("/election/wv24/register/index.html")
        assert "Nominations" in b"".join(register.streaming_content).decode()
        upper = client.get("/election/WV24/register/index.html")
        assert upper.status_code == 302 and upper.url == "/election/wv24/register/index.html"
        bare = client.get("/election/wv24")
        assert bare.status_code == 302 and bare.url == "/election/wv24/"
        # A past election has no live site: its prefix is no path of its own.
        ElectionFactory(area="Oldshire", poll_date=date(2020, 5, 7), reference_prefix="OS20")
        assert client.get("/election/os20/").status_code == 404


def test_nginx_leaves_the_sites_own_folders_to_the_current_election():
    """The web server's pattern for /election/<prefix>/ excludes exactly the reserved names."""
    import re
    from pathlib import Path

    from publishing.site.target import RESERVED_FOLDERS, site_folder

    conf = (Path(__file__).parents[2] / "deploy/nginx/default.conf").read_text()
    excluded = re.search(r'location ~ "\^/election/\(\?!\(\?:([a-z|]+)\)/\)', conf).group(1)
    assert set(excluded.split("|")) == RESERVED_FOLDERS
    assert site_folder("WV26") == "wv26" and site_folder("PDF") == "pdf-site"


def test_a_past_elections_change_is_said_to_have_no_live_page_not_to_be_publishing(election):
    from datetime import timedelta

    from publishing.site.health import site_state

    past = ElectionFactory(area="Oldshire", poll_date=date(2020, 5, 7), reference_prefix="OS20")
    with time_machine.travel(NOW, tick=False):
        queued = schedule_publish(past.pk)
        assert run_publish(queued.pk) == "skipped"
        state = site_state(past.pk, NOW - timedelta(minutes=1), now=NOW)
    assert state.kind == "not-live" and "archive" in state.text


def test_a_rollback_never_puts_another_elections_register_on_the_page(election, cast):
    """The current election changed (an election polling sooner was added): /election/ is now
    its page, and the versions kept there from before are the other election's register. A
    rollback to one of them is refused, with what to do, and nothing moves; a version made
    since is rolled back to as before."""
    from publishing.site import RollbackError, rollback_to

    with time_machine.travel(NOW, tick=False):
        published(election, cast)
        before = publish_site(election)
        assert before.status == "published"
        sooner = ElectionFactory(
            area="Eastmere", reference_prefix="EM24", poll_date=date(2024, 3, 7)
        )
        # Its pre-election period has begun: approved with the factual confirmation.
        _approved_in_the_period(sooner, cast, topic="Nominations", answer="Close at 4pm.")
        first = publish_site(sooner)
        _approved_in_the_period(sooner, cast, topic="Polling", answer="Open at 7am.")
        second = publish_site(sooner)
        main = default_target()
        assert live_site(sooner, NOW.date()).url == "/election/"
        assert before.version in main.versions() and main.current_version() == second.version

        with pytest.raises(RollbackError, match="another election's register") as refused:
            rollback_to(before.version)
        assert "Roll back to a version made since" in str(refused.value)
        assert main.current_version() == second.version
        assert not PublishRun.objects.filter(progress__startswith="Roll").exists()

        assert rollback_to(first.version).status == "published"
        assert main.current_version() == first.version


def _approved_in_the_period(election, cast, **fields):
    entry = answered(election, cast, **fields)
    public_entry = services.prepare_public_entry(entry, cast["spoc"])
    services.submit_for_approval(public_entry.pk, cast["spoc"])
    return services.approve_and_publish(public_entry.pk, cast["ce"], True, NOW)
