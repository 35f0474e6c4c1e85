"""Refusals, referrals and no-reply closures proposed by the SPOC and signed off by the Chief
Executive (issue 13): listed in the reminders and My work, signed off through the funnel."""

from __future__ import annotations

import pytest
from django.urls import reverse

from requests_register import reminders, rules, services, signoff
from requests_register.models import Entry, SignOffProposal
from tests.requests_register.helpers import NOW, log, messages_to

pytestmark = pytest.mark.django_db


def test_a_proposed_refusal_waits_is_reminded_and_is_signed_off(
    client, election, cast, smtp_server, django_capture_on_commit_callbacks
):
    spoc, ce = cast["spoc"], cast["ce"]
    entry = log(election, spoc, topic="Investigation files", now=NOW, received_at=NOW)
    services.set_entry_status(entry.pk, "in_progress", by=spoc, now=NOW)
    client.force_login(spoc)
    client.post(
        reverse("requests_register:propose", kwargs={"pk": entry.pk}),
        {"status": "refused", "reason": "Confidential: not available to the public."},
    )
    proposal = SignOffProposal.objects.get(entry=entry)
    assert proposal.decision == "" and Entry.objects.get(pk=entry.pk).status == "in_progress"

    with django_capture_on_commit_callbacks(execute=True):
        reminders.queue_approval_reminders(election, now=NOW)
    [reminder] = messages_to(smtp_server, ce.email)
    assert f"{entry.reference} Investigation files: Refuse, to sign off" in reminder.get_content()

    client.force_login(ce)
    response = client.get(reverse("requests_register:my_work"))
    assert [e.pk for e in response.context["groups"]["To sign off"]] == [entry.pk]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "requests_register:decide_proposal",
                kwargs={"pk": entry.pk, "proposal_pk": proposal.pk},
            ),
            {"decision": "sign_off"},
        )
    entry.refresh_from_db()
    assert (entry.status, entry.ending_reason) == (
        "refused",
        "Confidential: not available to the public.",
    )
    assert SignOffProposal.objects.get().decision == "signed_off"
    [refusal] = messages_to(smtp_server, "alex@example.org")[-1:]
    assert "Confidential: not available to the public." in refusal.get_content()


def test_a_proposal_declined_needs_a_note_and_only_an_approver_decides(election, cast):
    spoc, ce = cast["spoc"], cast["ce"]
    entry = log(election, spoc, now=NOW, received_at=NOW)
    proposal = signoff.propose_ending(
        entry.pk, "closed", no_reply_reason="decided", reason="Abusive.", by=spoc, now=NOW
    )
    with pytest.raises(rules.TransitionError, match="Only the Chief Executive"):
        signoff.decide_proposal(proposal.pk, sign_off=True, by=spoc, may_approve=False)
    with pytest.raises(rules.TransitionError, match="Say why"):
        signoff.decide_proposal(proposal.pk, sign_off=False, by=ce, may_approve=True)
    signoff.decide_proposal(
        proposal.pk, sign_off=False, note="Reply politely.", by=ce, may_approve=True
    )
    assert Entry.objects.get(pk=entry.pk).status == "logged"
    assert entry.notes.filter(body="Not signed off: Reply politely.").exists()


def test_only_what_needs_signing_off_is_proposed(election, cast):
    spoc = cast["spoc"]
    entry = log(election, spoc, now=NOW, received_at=NOW)
    with pytest.raises(rules.TransitionError, match="Close it yourself"):
        signoff.propose_ending(
            entry.pk, "closed", no_reply_reason="no_question", reason="Thanks.", by=spoc
        )
    no_email = log(election, spoc, requester_email="", now=NOW, received_at=NOW)
    with pytest.raises(rules.TransitionError, match="e-mail"):
        signoff.propose_ending(no_email.pk, "refused", reason="No.", by=spoc)
    first = signoff.propose_ending(entry.pk, "refused", reason="No.", by=spoc)
    signoff.propose_ending(entry.pk, "referred_to_paro", reason="For the PARO.", by=spoc)
    first.refresh_from_db()
    assert first.decision == "superseded"
    assert SignOffProposal.objects.filter(entry=entry, decision="").count() == 1
