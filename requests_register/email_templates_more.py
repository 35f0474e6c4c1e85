"""Default e-mails added by issue 13: the hustings refusal (Norfolk 20), the reminders
(requests_register.reminders) and the pre-election period notices. Merged into
email_templates.DEFAULTS; editable in the admin like the others."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from requests_register.email_templates import Default

MORE_DEFAULTS: dict[str, Default] = {
    "refused_hustings": Default(
        description=(
            "Declines an invitation to attend or speak at hustings or a campaign event "
            "(Norfolk protocol 20)"
        ),
        subject=gettext_noop("$reference: your invitation to $topic"),
        body=gettext_noop(
            """Dear $name,

Thank you for your invitation about "$topic" (reference $reference).

During the election the office, the police force and the fire and rescue service must remain
politically impartial. We therefore do not attend, speak at or support hustings or any event with
a party political or campaigning purpose, whoever organises it, and we decline every such
invitation in the same way.

$reason

Information about the election, and the briefing offered equally to every candidate, is on our
website.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "approvals_reminder": Default(
        description="Reminds the Chief Executive and deputies of what awaits approval (staff)",
        subject=gettext_noop("Election SPOC: $count item(s) await your approval"),
        body=gettext_noop(
            """Dear $name,

These items await your approval or decision:

$items

Please open Election SPOC to deal with them.

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "confirmation_chase": Default(
        description="Tells the SPOC an oral request is unconfirmed after a working day (staff)",
        subject=gettext_noop("$reference: still not confirmed in writing"),
        body=gettext_noop(
            """Dear $name,

The request $reference ("$topic") reached us by phone, in person or on social media. We asked
the requester to confirm it in writing on $asked_on and have had no confirmation yet.

Please chase the requester (Cumbria protocol 6.1.2), or close the entry if they no longer want
an answer.

$office_name
"""
        ),
    ),
    "period_started": Default(
        description="Tells staff the pre-election period has started (staff)",
        subject=gettext_noop("The pre-election period has started"),
        body=gettext_noop(
            """Dear $name,

The pre-election period for $election started on $start. It ends on $end.

Until then: publish only factual material, treat every candidate the same, send every contact
with a candidate to the Election SPOC, and do not be filmed or photographed with candidates
(Cumbria protocol 9.1, 11.2).

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "period_ended": Default(
        description="Tells staff the pre-election period has ended (staff)",
        subject=gettext_noop("The pre-election period has ended"),
        body=gettext_noop(
            """Dear $name,

The pre-election period for $election ended on $end. The usual rules apply again.

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "meeting_recorded": Default(
        description="Tells the SPOC a chief or liaison recorded a meeting held without the office",
        subject=gettext_noop("$reference: a meeting already held was recorded"),
        body=gettext_noop(
            """$by recorded on the register a meeting or visit held without the office:

$what, with $candidate (reference $reference).

Please prepare its notes for publication (Cumbria protocol 8.3) and check that the same is
offered to every candidate (Norfolk protocol 19).
"""
        ),
    ),
}
