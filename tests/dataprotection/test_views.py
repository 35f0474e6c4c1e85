"""Data protection pages: who may see and do what, and what each page shows or writes."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from django.urls import reverse

from dataprotection.models import SubjectAccessRequest
from election_protocol.calendar import LONDON
from election_protocol.roles import Role
from publishing.models import PublishRun
from tests.pdf import expanded

NOW = datetime(2024, 4, 20, 12, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW)


@pytest.fixture
def login(client):
    def as_(user):
        client.force_login(user)
        return client

    return as_


def test_retention_page_shows_the_period_date_and_holds(
    login, spoc, election, make_entry, chief_executive
):
    held = make_entry(legal_hold=True, legal_hold_reason="Claim")
    still_open = make_entry(status="in_progress")
    html = login(spoc).get(reverse("dataprotection:retention")).content.decode()
    assert '<strong id="retention-months">12 months</strong>' in html
    assert '<strong id="retention-date">2 May 2025</strong>' in html
    assert "Not yet due" in html
    assert held.reference in html and still_open.reference in html
    assert 'action="/data-protection/retention-period/"' not in html  # the SPOC cannot change it


def test_the_auditor_reads_the_retention_page_but_not_subject_access(login, auditor, election):
    client = login(auditor)
    assert "retention-date" in client.get(reverse("dataprotection:retention")).content.decode()
    assert client.get(reverse("dataprotection:subject_access")).status_code == 403
    response = client.post(
        reverse("dataprotection:subject_access_export"), {"name": "Jo", "format": "json"}
    )
    assert response.status_code == 403
    assert SubjectAccessRequest.objects.count() == 0


@pytest.mark.parametrize("role", [Role.POLICE_LIAISON, Role.CHIEF_CONSTABLE])
def test_chiefs_and_liaisons_get_nothing(login, make_user, election, role):
    client = login(make_user(role))
    assert client.get(reverse("dataprotection:retention")).status_code == 403
    assert client.get(reverse("dataprotection:subject_access")).status_code == 403


def test_only_the_chief_executive_sets_the_period_and_the_notice_is_republished(
    login, spoc, chief_executive, election
):
    url = reverse("dataprotection:retention_period")
    assert login(spoc).post(url, {"months": 6}).status_code == 403
    election.refresh_from_db()
    assert election.retention_months == 12
    client = login(chief_executive)
    assert (
        'action="/data-protection/retention-period/"'
        in client.get(reverse("dataprotection:retention")).content.decode()
    )
    response = client.post(url, {"months": 6}, follow=True)
    election.refresh_from_db()
    assert election.retention_months == 6
    assert "kept until 2 November 2024" in response.content.decode()
    assert PublishRun.objects.filter(election=election, requested_by=chief_executive).exists()


def test_legal_hold_from_the_entry_page(login, spoc, auditor, make_entry):
    entry = make_entry()
    url = reverse("dataprotection:legal_hold", args=[entry.pk])
    assert login(auditor).post(url, {"hold": "on", "reason": "Claim"}).status_code == 403
    client = login(spoc)
    detail = client.get(reverse("requests_register:detail", args=[entry.pk])).content.decode()
    assert "Place on legal hold" in detail and "erased from 2 May 2025" in detail
    client.post(url, {"hold": "on", "reason": ""})
    entry.refresh_from_db()
    assert not entry.legal_hold
    client.post(url, {"hold": "on", "reason": "Complaint to the ICO"})
    entry.refresh_from_db()
    assert entry.legal_hold and entry.legal_hold_by == spoc
    detail = client.get(reverse("requests_register:detail", args=[entry.pk])).content.decode()
    assert "On legal hold since 20 April 2024" in detail and "Complaint to the ICO" in detail


def test_subject_access_search_and_json_export_is_logged(login, spoc, make_entry):
    entry = make_entry()
    make_entry(requester_name="Someone Else", requester_email="else@example.org")
    client = login(spoc)
    html = client.get(
        reverse("dataprotection:subject_access"), {"email": "JO.BLOGGS@example.org"}
    ).content.decode()
    assert f"{entry.reference}: Police station opening hours" in html
    assert "Someone Else" not in html
    response = client.post(
        reverse("dataprotection:subject_access_export"),
        {"email": "jo.bloggs@example.org", "format": "json"},
    )
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    document = json.loads(response.content)
    assert [e["reference"] for e in document["register_entries"]] == [entry.reference]
    assert document["register_entries"][0]["requester"]["phone"] == "07700 900555"
    assert document["subject_access_export"]["generated_by"] == spoc.username
    log = SubjectAccessRequest.objects.get()
    assert (log.requested_by, log.email, log.format) == (spoc, "jo.bloggs@example.org", "json")
    assert log.found["register_entries"] == 1
    assert (
        "jo.bloggs@example.org"
        in client.get(reverse("dataprotection:subject_access")).content.decode()
    )


def test_subject_access_pdf_is_tagged_and_logged(login, chief_executive, make_entry):
    make_entry()
    response = login(chief_executive).post(
        reverse("dataprotection:subject_access_export"),
        {"name": "Jo Bloggsworth", "format": "pdf"},
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    document = expanded(response.content)
    assert b"/StructTreeRoot" in document  # tagged (PDF/UA-1), as the letters are
    assert b"/Lang (en-GB)" in document
    assert SubjectAccessRequest.objects.get().format == "pdf"


def test_subject_access_needs_something_to_search_for(login, spoc):
    html = login(spoc).get(reverse("dataprotection:subject_access"), {"name": " "}).content
    assert b"Give at least one of" in html


def test_subject_access_includes_a_staff_members_audit_events(login, spoc, make_user):
    from django.apps import apps

    AuditEvent = apps.get_model("security", "AuditEvent")
    staff = make_user(Role.POLICE_LIAISON, username="pat-liaison", email="pat@example.org")
    AuditEvent.objects.create(kind="login", username="pat-liaison", user=staff)
    response = login(spoc).post(
        reverse("dataprotection:subject_access_export"),
        {"username": "pat-liaison", "format": "json"},
    )
    document = json.loads(response.content)
    assert [a["username"] for a in document["staff_accounts"]] == ["pat-liaison"]
    # The security app's own records of the account (created, roles) and the sign-in.
    events = [a["event"] for a in document["audit_events"]]
    assert {"Account created", "Signed in"} <= set(events)
    assert all(a["username"] == "pat-liaison" for a in document["audit_events"])


def test_the_retention_page_costs_the_same_queries_for_1_and_3_runs(
    login, spoc, chief_executive, election, count_queries
):
    from dataprotection.models import RetentionRun

    client = login(spoc)
    url = reverse("dataprotection:retention")

    def add_run(by):
        RetentionRun.objects.create(election=election, ran_at=NOW, run_by=by, due_on=NOW.date())

    add_run(spoc)
    one = count_queries(lambda: client.get(url))
    add_run(chief_executive)
    add_run(None)
    three = count_queries(lambda: client.get(url))
    assert one == three
    assert "Automatic" in client.get(url).content.decode()


def test_mentions_are_whole_words_only():
    """A search for "Lee" finds a note naming Lee, never one about Leeds."""
    from dataprotection.subject_access import Query, _mentions

    q = Query(name="Lee")
    assert _mentions(q, "Spoke to Lee on the phone.")
    assert _mentions(q, "lee called back")
    assert not _mentions(q, "The Leeds office called.")
    assert not _mentions(q, "Ask Ashlee.")
    assert _mentions(Query(email="lee@example.org"), "Reply to lee@example.org today")
    assert not _mentions(Query(email="lee@example.org"), "Reply to marlee@example.org")
