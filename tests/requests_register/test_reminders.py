"""Reminders (issue 13, item 7): approvals batched per person and never repeated for the same
items, unconfirmed oral requests chased after a working day, the pre-election period
announced once at its start and end. E-mails checked as received by the SMTP sink."""

from __future__ import annotations

from datetime import datetime

import pytest

from election_protocol.calendar import LONDON
from election_protocol.roles import Role
from publishing import services as publishing
from requests_register import handover, reminders, services
from requests_register.models import Reminder
from requests_register.tasks import task_send_reminders
from tests.builders import answered, declared_candidate, prepared_booking
from tests.requests_register.helpers import log, messages_to

pytestmark = pytest.mark.django_db
NOW = datetime(2024, 4, 10, 12, 0, tzinfo=LONDON)  # a Wednesday, in the pre-election period


def _drafted(election, spoc, topic):
    entry = log(election, spoc, received_at=NOW, topic=topic, question="?", now=NOW)
    services.set_entry_status(entry.pk, "in_progress", by=spoc, now=NOW)
    return services.draft_answer(entry.pk, answer="An answer.", by=spoc, now=NOW)


def test_approvers_get_one_batched_email_and_never_the_same_items_twice(
    election, cast, make_user, smtp_server, django_capture_on_commit_callbacks
):
    spoc, ce = cast["spoc"], cast["ce"]
    deputy = make_user(Role.SPOC, username="deputy", email="deputy@example.org")
    election.approval_deputies.set([deputy])
    first = _drafted(election, spoc, "Custody suites")
    second = _drafted(election, spoc, "Stations open")
    candidate = declared_candidate(election, spoc, at=NOW)
    prepared_booking(election, cast, candidate, received_at=NOW)
    public = publishing.prepare_public_entry(answered(election, cast, now=NOW), spoc)
    publishing.submit_for_approval(public.pk, spoc)

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.queue_approval_reminders(election, now=NOW) == 2
    [to_ce] = messages_to(smtp_server, ce.email)
    body = to_ce.get_content()
    assert "4 item(s)" in to_ce["Subject"]
    for text in (first.reference, second.reference, "booking to decide", public.reference):
        assert text in body
    [to_deputy] = messages_to(smtp_server, deputy.email)
    # A deputy approves answers only: no bookings (the Chief Executive's) and no public entries.
    assert first.reference in to_deputy.get_content()
    assert "booking to decide" not in to_deputy.get_content()
    assert messages_to(smtp_server, spoc.email) == []  # the drafter is no approver

    # The same items again: nothing is resent.
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.queue_approval_reminders(election, now=NOW) == 0
    assert len(messages_to(smtp_server, ce.email)) == 1
    # An edit elsewhere on an entry (a new owner) is no new item either.
    handover.set_owner(first.pk, owner=deputy, by=spoc, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.queue_approval_reminders(election, now=NOW) == 0

    # One more: one more e-mail, listing everything still waiting.
    third = _drafted(election, spoc, "Fleet")
    with django_capture_on_commit_callbacks(execute=True):
        reminders.queue_approval_reminders(election, now=NOW)
    latest = messages_to(smtp_server, ce.email)[-1].get_content()
    assert third.reference in latest and first.reference in latest


def test_an_unconfirmed_phone_request_is_chased_after_one_working_day(
    election, cast, smtp_server, django_capture_on_commit_callbacks
):
    spoc = cast["spoc"]
    asked = datetime(2024, 4, 12, 16, 0, tzinfo=LONDON)  # a Friday
    entry = log(
        election,
        spoc,
        received_at=asked,
        channel="phone",
        topic="Speed cameras",
        question="Where are the cameras?",
        now=asked,
    )
    services.set_entry_status(entry.pk, "awaiting_confirmation", by=spoc, now=asked)
    with django_capture_on_commit_callbacks(execute=True):
        # Saturday and Sunday are not working days: not yet.
        sunday = datetime(2024, 4, 14, 12, 0, tzinfo=LONDON)
        assert reminders.queue_confirmation_chases(election, now=sunday) == 0
        monday = datetime(2024, 4, 15, 9, 0, tzinfo=LONDON)
        assert reminders.queue_confirmation_chases(election, now=monday) == 1
        assert reminders.queue_confirmation_chases(election, now=monday) == 0  # once
    [chase] = [m for m in messages_to(smtp_server, spoc.email) if "not confirmed" in m["Subject"]]
    assert entry.reference in chase["Subject"]
    assert "alex@example.org" not in chase.get_content()


def test_staff_are_told_once_when_the_pre_election_period_starts_and_ends(
    election, cast, smtp_server, django_capture_on_commit_callbacks
):
    spoc, cc = cast["spoc"], cast["cc"]
    before = datetime(2024, 3, 1, 9, 0, tzinfo=LONDON)
    after = datetime(2024, 6, 3, 9, 0, tzinfo=LONDON)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.queue_period_notices(election, now=before) == 0
        assert reminders.queue_period_notices(election, now=NOW) == 2
        assert reminders.queue_period_notices(election, now=NOW) == 0
        assert reminders.queue_period_notices(election, now=after) == 2
        assert reminders.queue_period_notices(election, now=after) == 0
    subjects = [m["Subject"] for m in messages_to(smtp_server, cc.email)]
    assert subjects == [
        "The pre-election period has started",
        "The pre-election period has ended",
    ]
    assert Reminder.objects.filter(user=spoc).count() == 2


def test_the_beat_task_runs_every_reminder(election, cast, settings, time_machine):
    time_machine.move_to(NOW)
    _drafted(election, cast["spoc"], "Custody")
    cast["ce"]
    result = task_send_reminders.delay().get()
    assert result["approvals"] == 1
    assert result["period"] >= 2
