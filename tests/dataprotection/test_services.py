"""Legal holds, the retention period and the retention funnel (reference poll 2 May 2024:
retention date 2 May 2025 at the default 12 months)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.management import call_command

from candidates.models import Candidate
from dataprotection import rules, services
from dataprotection.models import RetentionRun
from election_protocol.calendar import LONDON
from requests_register.models import Entry, Note, OutboundEmail, StatusEvent
from tests.factories import CandidateFactory

DUE = date(2025, 5, 2)
AT = datetime(2025, 5, 2, 2, 15, tzinfo=LONDON)


def test_set_legal_hold_records_who_when_why_in_the_history(make_entry, chief_executive):
    entry = make_entry()
    services.set_legal_hold(entry.pk, hold=True, reason="ICO complaint", by=chief_executive, now=AT)
    entry.refresh_from_db()
    assert (entry.legal_hold, entry.legal_hold_reason, entry.legal_hold_by) == (
        True,
        "ICO complaint",
        chief_executive,
    )
    latest = entry.history.order_by("-history_id").first()
    assert latest.history_user == chief_executive
    assert latest.history_change_reason == "Legal hold placed: ICO complaint"
    services.set_legal_hold(entry.pk, hold=False, reason="Closed", by=chief_executive, now=AT)
    entry.refresh_from_db()
    assert not entry.legal_hold
    assert entry.history.order_by("-history_id").first().history_change_reason == (
        "Legal hold lifted: Closed"
    )
    with pytest.raises(rules.LegalHoldError):
        services.set_legal_hold(entry.pk, hold=False, reason="again", by=chief_executive)


def test_set_retention_period_is_validated_and_kept_in_history(election, chief_executive):
    services.set_retention_period(election.pk, months=6, by=chief_executive)
    election.refresh_from_db()
    assert election.retention_months == 6
    assert election.history.order_by("-history_id").first().history_user == chief_executive
    assert rules.retention_date(election) == date(2024, 11, 2)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.set_retention_period(election.pk, months=0, by=chief_executive)


def test_apply_retention_refuses_before_the_date(election, make_entry):
    make_entry()
    with pytest.raises(services.RetentionNotDue, match="2 May 2025"):
        services.apply_retention(election.pk, today=date(2025, 5, 1))
    assert not Entry.objects.filter(personal_data_erased_at__isnull=False).exists()


def test_apply_retention_erases_finished_entries_keeps_held_and_open(
    election, make_entry, spoc, chief_executive
):
    closed = make_entry()
    Note.objects.create(
        entry=closed, body="Jo Bloggsworth rang again on 07700 900555.", author=spoc, created_at=AT
    )
    StatusEvent.objects.create(
        entry=closed, new_status="closed", at=AT, by=spoc, reason="Jo Bloggsworth is content."
    )
    OutboundEmail.objects.create(
        entry=closed,
        purpose="reply",
        to=["jo.bloggs@example.org"],
        subject="Your request",
        body=f"Dear Jo Bloggsworth,\nWrite to {election.spoc_email}.",
        message_id="<1@example.org>",
        created_at=AT,
    )
    held = make_entry(requester_name="Kim Heldsworth", requester_email="kim@example.org")
    services.set_legal_hold(held.pk, hold=True, reason="Claim", by=chief_executive, now=AT)
    still_open = make_entry(status="in_progress", requester_name="Lou Openshaw")

    run = services.apply_retention(election.pk, run_by=spoc, today=DUE, now=AT)

    closed.refresh_from_db()
    assert (closed.requester_name, closed.requester_email, closed.requester_phone) == ("", "", "")
    assert closed.question == "Which stations are open on Saturdays? Reply to [email address]."
    assert closed.personal_data_erased_at == AT
    assert Note.objects.get(entry=closed).body == "[requester] rang again on [phone number]."
    assert StatusEvent.objects.get(entry=closed).reason == "[requester] is content."
    email = OutboundEmail.objects.get(entry=closed)
    # The office's own public address survives: it is not personal data.
    assert (email.to, email.body) == ([], f"Dear [requester],\nWrite to {election.spoc_email}.")
    assert {h.requester_name for h in closed.history.all()} == {""}
    held.refresh_from_db()
    still_open.refresh_from_db()
    assert held.requester_name == "Kim Heldsworth" and held.personal_data_erased_at is None
    assert still_open.requester_name == "Lou Openshaw"
    assert run.run_by == spoc
    assert run.counts["entries"] == 1 and run.counts["texts"] == 2 and run.counts["emails"] == 1
    assert run.held == [held.reference] and run.still_open == [still_open.reference]

    # Idempotent: a second run by a person is logged with nothing erased; an automatic one
    # with nothing to do writes nothing.
    again = services.apply_retention(election.pk, run_by=spoc, today=DUE, now=AT)
    assert again.counts["entries"] == 0
    assert services.apply_retention(election.pk, today=DUE, now=AT) is None
    assert RetentionRun.objects.count() == 2


def test_apply_retention_erases_candidates_private_details_in_history(election, spoc):
    candidate = CandidateFactory(
        election=election,
        name="Pat Ballotworth",
        emails=["pat@example.org"],
        phones=["07700 900777"],
        postal_address="2 Fictional Lane\nNorthtown\nNT1 2BB",
        agent_name="Sam Agentfield",
        agent_email="sam@example.org",
    )
    candidate.history.update(agent_phone="07700 900778")  # an older detail, in history only
    services.apply_retention(election.pk, run_by=spoc, today=DUE, now=AT)
    candidate.refresh_from_db()
    assert candidate.name == "Pat Ballotworth"
    assert (candidate.emails, candidate.phones, candidate.postal_address) == ([], [], "")
    assert (candidate.agent_name, candidate.agent_email) == ("", "")
    rows = Candidate.history.model.objects.filter(id=candidate.pk)
    assert {(r.agent_phone, r.agent_name, tuple(r.emails)) for r in rows} == {("", "", ())}


def test_command_dry_run_lists_and_changes_nothing(election, make_entry, capsys, time_machine):
    entry = make_entry()
    time_machine.move_to(AT)
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert f"erase {entry.reference}" in out and "dry run: nothing changed" in out
    entry.refresh_from_db()
    assert entry.requester_name == "Jo Bloggsworth"
    assert RetentionRun.objects.count() == 0
    call_command("apply_retention")
    entry.refresh_from_db()
    assert entry.requester_name == ""
    assert RetentionRun.objects.get().run_by is None


def test_a_label_longer_than_the_name_still_fits_the_topic(election, make_entry, spoc):
    topic = ("Jo Bloggsworth asks about " + "stations " * 20)[:100]
    entry = make_entry(topic=topic, requester_name="Jo Bo")
    make_entry(topic="Jo Bo " + "y" * 94)
    services.apply_retention(election.pk, run_by=spoc, today=DUE, now=AT)
    for row in Entry.objects.all():
        assert len(row.topic) <= 100 and row.topic.startswith("[requester] ")
    assert {len(h.topic) <= 100 for h in entry.history.all()} == {True}


def test_command_previews_a_future_day_but_never_erases_early(election, make_entry, capsys):
    from django.core.management.base import CommandError

    entry = make_entry()
    call_command("apply_retention", "--dry-run", "--as-of", "2025-05-01")
    assert "not yet due" in capsys.readouterr().out
    call_command("apply_retention", "--dry-run", "--as-of", "2025-05-02")
    assert f"erase {entry.reference}" in capsys.readouterr().out
    with pytest.raises(CommandError, match="previews only"):
        call_command("apply_retention", "--as-of", "2025-05-02")
    entry.refresh_from_db()
    assert entry.requester_name == "Jo Bloggsworth"
