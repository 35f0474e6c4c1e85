"""One live public election page, and it is the current election's (issue 15): publishing a
past election, or another election running beside it, never replaces it. Found in the demo,
where the past election's last approval made its 2024 page live over the current one."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from publishing.models import PublishRun
from publishing.site import publish_site, run_publish, schedule_publish
from publishing.site.target import default_target
from tests.builders import NOW, published
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
