"""Two staff editing the same thing at once (issue 6, item 2): the second save is refused with
a clear message, the second person's typing is kept on the page, and the first edit stays.

Through the real pages with two signed-in browsers (Django's test client): a register entry's
details (requests_register: Entry.version) and a public entry's redactions (publishing:
PublicEntry.version).
"""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from election_protocol.roles import Role
from publishing import rules as public_rules
from publishing import services as publishing
from publishing.models import PublicEntry, PublicRedaction
from requests_register import services as register
from requests_register.models import Entry
from tests.factories import ElectionFactory

pytestmark = pytest.mark.django_db

REFUSED_ENTRY = "Someone else saved this entry while you were editing it."
REFUSED_PUBLIC = "Someone else changed this entry while you were looking at it. Nothing was saved"


@pytest.fixture
def staff(make_user):
    return (
        make_user(Role.SPOC, username="spoc-one", email="spoc-one@example.org"),
        make_user(Role.SPOC, username="spoc-two", email="spoc-two@example.org"),
        make_user(Role.CHIEF_EXECUTIVE, username="ce-one", email="ce-one@example.org"),
    )


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _logged(election, by) -> Entry:
    return register.log_entry(
        election=election,
        by=by,
        received_at=timezone.now() - timedelta(hours=2),
        channel="email",
        first_reached="opcc",
        kind="information",
        topic="Rural crime",
        question="How many rural crime officers are there?",
        requester_type="public",
        requester_name="Sam Example",
        requester_email="sam@example.org",
    )


def _edit_form_data(client: Client, entry: Entry) -> dict[str, str]:
    """Return the edit form as the page shows it: every field's value, the version included."""
    form = client.get(reverse("requests_register:edit", args=[entry.pk])).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if hasattr(value, "strftime"):  # the form's datetimes are local time already
            value = value.strftime("%Y-%m-%dT%H:%M")
        data[name] = "" if value is None else str(value)
    return data


def test_a_second_save_of_a_register_entry_is_refused_and_nothing_is_lost(staff):
    first_user, second_user, _ = staff
    election = ElectionFactory()
    entry = _logged(election, first_user)
    first, second = _browser(first_user), _browser(second_user)

    # Both open the edit page of the same version.
    first_form, second_form = _edit_form_data(first, entry), _edit_form_data(second, entry)
    assert first_form["version"] == second_form["version"] == str(entry.version)

    # The first saves a new topic.
    saved = first.post(
        reverse("requests_register:edit", args=[entry.pk]),
        {**first_form, "topic": "Rural crime and wildlife crime"},
    )
    assert saved.status_code == 302

    # The second, still on the old version, saves a new question: refused, with the reason.
    typed = "How many rural and wildlife crime officers are there in each district?"
    refused = second.post(
        reverse("requests_register:edit", args=[entry.pk]), {**second_form, "question": typed}
    )
    assert refused.status_code == 200  # the form again, not a redirect
    page = html.unescape(refused.content.decode())
    assert REFUSED_ENTRY in page
    assert typed in page  # the second person's typing is still in the form
    assert refused.context["form"]["question"].value() == typed

    # The first edit is saved; the refused one changed nothing.
    entry.refresh_from_db()
    assert (entry.topic, entry.question) == (
        "Rural crime and wildlife crime",
        "How many rural crime officers are there?",
    )
    assert entry.version == int(first_form["version"]) + 1
    assert [h.topic for h in entry.history.order_by("history_date", "history_id")] == [
        "Rural crime",
        "Rural crime and wildlife crime",
    ]

    # Sending the same stale form again cannot overwrite the first edit either.
    again = second.post(
        reverse("requests_register:edit", args=[entry.pk]), {**second_form, "question": typed}
    )
    assert REFUSED_ENTRY in html.unescape(again.content.decode())
    entry.refresh_from_db()
    assert entry.topic == "Rural crime and wildlife crime"

    # Opened afresh, the second person's save goes through on top of the first edit.
    fresh = _edit_form_data(second, entry)
    assert fresh["topic"] == "Rural crime and wildlife crime"
    assert (
        second.post(
            reverse("requests_register:edit", args=[entry.pk]), {**fresh, "question": typed}
        ).status_code
        == 302
    )
    entry.refresh_from_db()
    assert (entry.topic, entry.question) == ("Rural crime and wildlife crime", typed)


def _draft_public_entry(election, spoc, ce) -> PublicEntry:
    """Return a public entry in draft, prepared from an entry answered through the funnel."""
    entry = _logged(election, spoc)
    register.set_entry_status(entry.pk, "in_progress", by=spoc)
    register.draft_answer(
        entry.pk, answer="There are six rural crime officers, one per district.", by=spoc
    )
    register.set_entry_status(entry.pk, "approved", by=ce, may_approve=True)
    register.set_entry_status(entry.pk, "sent", by=spoc)
    return publishing.prepare_public_entry(Entry.objects.get(pk=entry.pk), spoc)


def test_a_second_redaction_of_a_public_entry_on_an_old_version_is_refused(staff):
    first_user, second_user, ce = staff
    election = ElectionFactory()
    public_entry = _draft_public_entry(election, first_user, ce)
    first, second = _browser(first_user), _browser(second_user)
    url = reverse("publishing:redact", args=[public_entry.pk])
    version = str(public_entry.version)
    for browser in (first, second):  # both have the review page of this version open
        form = browser.get(reverse("publishing:review", args=[public_entry.pk])).context[
            "redact_form"
        ]
        assert str(form["version"].value()) == version

    def redact(browser: Client, text: str, reason: str):
        return browser.post(
            url,
            {
                "redact-version": version,
                "redact-field": "answer",
                "redact-text": text,
                "redact-kind": next(iter(public_rules.MANUAL_KIND_LABELS)),
                "redact-reason": reason,
            },
        )

    assert redact(first, "six", "Staffing numbers are operational.").status_code == 302
    refused = redact(second, "one per district", "Shows deployment.")
    assert refused.status_code == 400
    page = html.unescape(refused.content.decode())
    assert REFUSED_PUBLIC in page
    form = refused.context["redact_form"]
    assert (form["text"].value(), form["reason"].value()) == (
        "one per district",
        "Shows deployment.",
    )
    # The form now carries the current version: after checking the page, a deliberate
    # second submission is possible, and it adds to the first redaction rather than undoing it.
    public_entry.refresh_from_db()
    assert str(form["version"].value()) == str(public_entry.version)
    # The first redaction is in; the refused one hid nothing.
    assert "six" not in public_entry.answer
    assert "one per district" in public_entry.answer
    assert PublicRedaction.objects.filter(public_entry=public_entry, by=second_user).count() == 0
    assert PublicRedaction.objects.filter(public_entry=public_entry, by=first_user).count() == 1


REFUSED_NOTES = "Someone else saved the notes of this event while you were writing."


def test_a_second_save_of_event_notes_is_refused_and_the_typing_kept(staff):
    """Review finding 4 (issue 16): event notes had no version check, so the later save
    silently replaced the earlier one."""
    from briefings.models import BriefingEvent

    first_user, second_user, _ = staff
    election = ElectionFactory()
    start = timezone.now() - timedelta(days=1)
    event = BriefingEvent.objects.create(
        election=election,
        title="Policing in Testshire",
        place="Town hall",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        invited_at=start - timedelta(days=7),
        created_by=first_user,
    )
    first, second = _browser(first_user), _browser(second_user)
    page = reverse("briefings:event", args=[event.pk])
    url = reverse("briefings:event_action", args=[event.pk, "notes"])
    versions = [str(b.get(page).context["notes_form"]["version"].value()) for b in (first, second)]
    assert versions == [str(event.version)] * 2

    saved = first.post(url, {"version": versions[0], "notes": "Twelve candidates attended."})
    assert saved.status_code == 302
    typed = "Eleven candidates attended; questions on rural crime."
    refused = second.post(url, {"version": versions[1], "notes": typed})
    assert refused.status_code == 400
    text = html.unescape(refused.content.decode())
    assert REFUSED_NOTES in text
    assert "Twelve candidates attended." in text  # the saved notes shown beside the typing
    form = refused.context["notes_form"]
    assert form["notes"].value() == typed
    event.refresh_from_db()
    assert event.notes == "Twelve candidates attended."
    assert str(form["version"].value()) == str(event.version)
    # The same stale form again: refused again.
    again = second.post(url, {"version": versions[1], "notes": typed})
    assert REFUSED_NOTES in html.unescape(again.content.decode())
    event.refresh_from_db()
    assert event.notes == "Twelve candidates attended."
    # After comparing, a deliberate save on the current version goes through.
    assert second.post(url, {"version": form["version"].value(), "notes": typed}).status_code == 302
    event.refresh_from_db()
    assert event.notes == typed
    assert [h.history_user for h in event.history.order_by("history_date", "history_id")][-2:] == [
        first_user,
        second_user,
    ]
