"""The FOI pages and permissions: what each role may see and do, the clock explained on the
page and on the register entry's page, bad input kept, and the copy of another authority's
disclosure."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from foi import permissions, services
from foi.models import FoiCase
from requests_register import services as register
from tests.foi.helpers import RECEIVED, at, log_foi


@pytest.fixture
def frozen():
    with time_machine.travel(at(3), tick=False):
        yield


def test_permissions(election, spoc, chief_executive, police_liaison, auditor):
    entry = log_foi(election, spoc)
    assert permissions.can_manage_foi(spoc) and permissions.can_manage_foi(chief_executive)
    assert not permissions.can_manage_foi(auditor)
    assert not permissions.can_manage_foi(police_liaison)
    assert permissions.can_refuse_foi(chief_executive, entry)
    assert not permissions.can_refuse_foi(spoc, entry)
    assert permissions.can_open_disclosure_copy(spoc)
    assert not permissions.can_open_disclosure_copy(auditor)


def test_entry_page_links_to_the_foi_page_which_explains_the_clock(client, election, spoc, frozen):
    entry = log_foi(election, spoc)
    client.force_login(spoc)
    detail = client.get(reverse("requests_register:detail", args=[entry.pk])).content.decode()
    assert reverse("foi:case", args=[entry.pk]) in detail
    assert 'id="foi-state">Clock running' in detail
    page = client.get(reverse("foi:case", args=[entry.pk])).content.decode()
    assert "Received Mon 1 Jul 2024 (day 0; FOIA s.10(1))." in page
    assert "Fri 12 Jul (Battle of the Boyne (Northern Ireland))" in page
    assert "Ask the requester to clarify" in page
    assert "Refuse, citing exemptions" not in page  # the Chief Executive's


def test_not_an_foi_request_has_no_foi_page(client, election, spoc):
    entry = log_foi(election, spoc, kind="information")
    client.force_login(spoc)
    assert client.get(reverse("foi:case", args=[entry.pk])).status_code == 404
    detail = client.get(reverse("requests_register:detail", args=[entry.pk])).content.decode()
    assert 'id="foi"' not in detail


def test_clarify_through_the_page_stops_the_clock(client, election, spoc, frozen):
    entry = log_foi(election, spoc)
    client.force_login(spoc)
    response = client.post(
        reverse("foi:clarify", args=[entry.pk]), {"clarify-question": "Which year?"}
    )
    assert response.status_code == 302
    case = FoiCase.objects.get(entry=entry)
    assert case.state == "awaiting_clarification"
    assert case.clarifications.get().question == "Which year?"


def test_refused_input_is_kept_with_the_reason(client, election, spoc, frozen):
    entry = log_foi(election, spoc)
    client.force_login(spoc)
    response = client.post(
        reverse("foi:extend", args=[entry.pk]),
        {"extend-new_date": "2024-12-31", "extend-exemptions": ["31"], "extend-reason": "Why"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "at most a further 20 working days" in page
    assert "2024-12-31" in page and "Why</textarea>" in page
    assert not FoiCase.objects.filter(entry=entry, state="extended").exists()


def test_the_spoc_cannot_refuse(client, election, spoc, frozen):
    entry = log_foi(election, spoc)
    client.force_login(spoc)
    response = client.post(
        reverse("foi:refuse", args=[entry.pk]),
        {"refuse-exemptions": ["40"], "refuse-reason": "Personal data."},
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == "in_progress"


def test_the_copy_is_for_those_who_see_contacts(
    client, election, spoc, auditor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    entry = log_foi(election, spoc, first_reached="fire", redirected_at=RECEIVED)
    services.record_disclosure_elsewhere(
        entry.pk,
        their_reference="FRS-77",
        disclosed_on=date(2024, 7, 2),
        text="Appliances: 14.",
        copy=register.IncomingFile("frs.pdf", "application/pdf", b"%PDF-1.4\n% frs\n"),
        by=spoc,
        now=at(3),
    )
    client.force_login(spoc)
    page = client.get(reverse("foi:case", args=[entry.pk])).content.decode()
    assert "Their reference FRS-77" in page and "Appliances: 14." in page
    detail = client.get(reverse("requests_register:detail", args=[entry.pk])).content.decode()
    assert reverse("publishing:prepare", args=[entry.pk]) in detail
    response = client.get(reverse("foi:copy", args=[entry.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n% frs\n"
    assert 'filename="frs.pdf"' in response["Content-Disposition"]
    client.force_login(auditor)
    assert client.get(reverse("foi:copy", args=[entry.pk])).status_code == 403
    assert "frs.pdf" not in client.get(reverse("foi:case", args=[entry.pk])).content.decode()
