"""The default text of every outgoing e-mail, marked for translation (issue 17).

Each key is an EmailTemplate that staff can edit in the admin (E-mail templates). A template
still as its default is sent in the active language (the default through gettext: the Welsh
catalogue translates it); once edited, it is sent as written. Placeholders are
string.Template names ($reference, $name ...): see EmailTemplate and each caller's context.
`ensure_templates` (migrations and make demo) creates the rows for keys that have none.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop


@dataclass(frozen=True)
class Default:
    description: str
    subject: str
    body: str

    def translated(self) -> tuple[str, str]:
        """Return (subject, body) in the active language."""
        return gettext(self.subject), gettext(self.body)


DEFAULTS: dict[str, Default] = {
    "confirmation": Default(
        description=(
            "Asks the requester to confirm in writing a request received by phone, in person "
            "or on social media (Cumbria protocol 6.1.2)"
        ),
        subject=gettext_noop("$reference: please confirm your request in writing"),
        body=gettext_noop(
            """Dear $name,

Thank you for contacting $office_name. We have recorded the request below, which reached us by
phone, in person or through social media, under reference $reference.

Topic: $topic

$question

So that we can be sure we have understood you correctly, and so that everyone standing at this
election is treated in the same way, we can only act on requests that we have in writing. Please
reply to this e-mail confirming the request, correcting anything we have got wrong. We will start
work on it as soon as we have your confirmation.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "acknowledgement": Default(
        description="Acknowledges a request received in writing",
        subject=gettext_noop("$reference: we have received your request"),
        body=gettext_noop(
            """Dear $name,

Thank you for your request about "$topic", which we have recorded under reference $reference.
Please quote this reference if you contact us about it.

We will reply by e-mail as soon as we can. If you have any questions in the meantime, please
reply to this e-mail.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "reply": Default(
        description="Sends the approved answer",
        subject=gettext_noop("$reference: our reply about $topic"),
        body=gettext_noop(
            """Dear $name,

Thank you for your request about "$topic" (reference $reference).

$answer

If anything is unclear, please reply to this e-mail quoting the reference.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "referred_to_paro": Default(
        description="Refers an electoral-process question to the Police Area Returning Officer",
        subject=gettext_noop("$reference: your question is for the Police Area Returning Officer"),
        body=gettext_noop(
            """Dear $name,

Thank you for your question about "$topic" (reference $reference).

Questions about the conduct of the election itself, such as nominations, expenses, the poll and
the count, are for the Police Area Returning Officer, who runs the election independently of this
office. Please contact $paro_name at $paro_email, who will be able to help you.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "answered_by_material": Default(
        description="Directs the requester to published briefing material (Cumbria 8.1)",
        subject=gettext_noop("$reference: the information you asked for has been published"),
        body=gettext_noop(
            """Dear $name,

Thank you for your request about "$topic" (reference $reference).

The information you asked for is in briefing material we have published and made available to
every candidate in the same way:

$material_title
$material_url

If the material does not answer your question, please reply to this e-mail saying what is still
needed.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "refused": Default(
        description=(
            "Refuses a request for information a candidate is not entitled to (Cumbria 3.3.5)"
        ),
        subject=gettext_noop("$reference: we are unable to provide this information"),
        body=gettext_noop(
            """Dear $name,

Thank you for your request about "$topic" (reference $reference).

We are sorry, but we are unable to provide this information. Candidates remain members of the
public during the election and are not entitled to information that is confidential or not
available to the public.

$reason

You may still ask for recorded information under the Freedom of Information Act 2000; please
reply to this e-mail if you would like us to treat your request in that way.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "duplicate": Default(
        description="Tells a requester their request is the same as one being answered",
        subject=gettext_noop("$reference: your request about $topic"),
        body=gettext_noop(
            """Dear $name,

Thank you for your request about "$topic" (reference $reference).

It is the same as an earlier request we are answering (reference $original). So that everyone
receives the same information, we will send you the same answer as soon as it is ready.

If your request was different in some way, please reply to this e-mail saying how.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "withdrawn": Default(
        description="Confirms that a request has been withdrawn",
        subject=gettext_noop("$reference: your request has been withdrawn"),
        body=gettext_noop(
            """Dear $name,

As you asked, we have withdrawn your request about "$topic" (reference $reference) and will take
no further action on it.

If you would like to make a new request, please reply to this e-mail.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "digest": Default(
        description="The daily digest of open and overdue register entries (staff)",
        subject=gettext_noop("Election register: your open and overdue items"),
        body=gettext_noop(
            """Dear $name,

These are your open register entries, overdue ones first:

$items

Please open Election SPOC to deal with them.

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "assignment": Default(
        description="Asks a colleague to supply information for a register entry (staff)",
        subject=gettext_noop("$reference: information needed by $target_date"),
        body=gettext_noop(
            """The Election SPOC has asked you to supply information for register entry $reference
($topic).

What is needed: $request

Target date: $target_date.

Open the entry in Election SPOC to add your contribution.
"""
        ),
    ),
    "booking_prepared": Default(
        description="Tells the Chief Executive a meeting or visit awaits their decision (staff)",
        subject=gettext_noop("$reference: a booking awaits your decision ($what)"),
        body=gettext_noop(
            """The Election SPOC has prepared a booking for $candidate ($reference): $what.
Please approve or decline it in Election SPOC.
"""
        ),
    ),
    "booking_approved": Default(
        description="Asks the chief involved to confirm an approved meeting or visit (staff)",
        subject=gettext_noop("$reference: please confirm or decline a booking ($what)"),
        body=gettext_noop(
            """The Chief Executive has approved a booking for $candidate ($reference): $what.
It needs your confirmation in Election SPOC.
"""
        ),
    ),
    "booking_confirmed": Default(
        description="Asks the SPOC to schedule a confirmed meeting or visit (staff)",
        subject=gettext_noop("$reference: $what confirmed: please schedule it"),
        body=gettext_noop(
            """$what for $candidate is confirmed. Please schedule it in Election SPOC.
"""
        ),
    ),
    "booking_declined_by_chief": Default(
        description="Tells the office that the chief declined a meeting or visit (staff)",
        subject=gettext_noop("$reference: $what declined by the chief"),
        body=gettext_noop(
            """$what for $candidate was declined: $reason
"""
        ),
    ),
    "booking_decline": Default(
        description="Sends the candidate the letter declining a meeting or visit",
        subject=gettext_noop("$reference: $what: our decision"),
        body=gettext_noop(
            """Dear $name,

Please find attached our letter about your request ($reference): $what.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "booking_confirmation": Default(
        description=(
            "Sends the candidate the letter confirming a meeting or visit (Cumbria 9.1, 10.1)"
        ),
        subject=gettext_noop("$reference: $what: confirmation"),
        body=gettext_noop(
            """Dear $name,

Please find attached our letter about your request ($reference): $what.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "booking_cancelled": Default(
        description="Tells the candidate a meeting or visit has been cancelled",
        subject=gettext_noop("$reference: $what cancelled"),
        body=gettext_noop(
            """Dear $name,

We are sorry: this has had to be cancelled ($reference): $what.

$reason

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "equal_offer": Default(
        description=(
            "Offers a newly declared candidate what every candidate is offered (Norfolk 19)"
        ),
        subject=gettext_noop("$office election: what we offer every candidate"),
        body=gettext_noop(
            """Dear $name,

Now that you are a declared candidate, the $office_name offers you, as it offers every declared
candidate:

$items

To take up any of these, reply to this e-mail. Everything we tell one candidate is published for
all.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "event_invitation": Default(
        description=(
            "Invites every eligible candidate to a briefing, in the same words (Cumbria 8.2)"
        ),
        subject=gettext_noop("Candidate briefing: $title, $date"),
        body=gettext_noop(
            """Dear candidate,

The $office_name invites you to a factual briefing for candidates:

$title
$date, $start to $end
$place

Please send any questions in advance by replying to this e-mail, so that we can give factually
correct and accurate answers (Cumbria protocol 8.2). The briefing will not cover the running of
the election, which is for the Police Area Returning Officer.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "paro_notice": Default(
        description="Tells the PARO of a candidate briefing (Cumbria 8.2)",
        subject=gettext_noop("For information: candidate briefing on $date"),
        body=gettext_noop(
            """Dear $paro_name,

For your information, so that you can tell candidates of the service offered (Cumbria protocol
8.2):

$title
$date, $start
$place

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "public_site_blocked": Default(
        description=(
            "Alerts the SPOC that the public page was not published: private details found (staff)"
        ),
        subject=gettext_noop(
            "Public election page not published: private details found (run $run)"
        ),
        body=gettext_noop(
            """The public election page was rendered but NOT published, because the check found
private details in it.

$reason

The previous version is still online. Find the entry in Publishing, correct or withdraw it (or
fix the record the detail came from), then use Publish now on the Publishing runs page.
"""
        ),
    ),
    # Issue 13: the PARO in the loop, and briefing events changed or cancelled.
    "event_changed": Default(
        description="Tells invited candidates, their agents and the PARO that a briefing changed",
        subject=gettext_noop("Candidate briefing changed: $title, $date"),
        body=gettext_noop(
            """Dear $greeting,

The candidate briefing you were told of has changed. It is now:

$title
$date, $start to $end
$place

What changed: $note

Everyone invited receives this same message, and the election page shows the change.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "event_cancelled": Default(
        description="Tells invited candidates, their agents and the PARO a briefing is cancelled",
        subject=gettext_noop("Candidate briefing cancelled: $title, $date"),
        body=gettext_noop(
            """Dear $greeting,

The candidate briefing below has been cancelled:

$title
$date, $start
$place

Why: $note

Everyone invited receives this same message, and the election page shows the cancellation.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "paro_material_notice": Default(
        description="Tells the PARO of new or changed briefing material for candidates",
        subject=gettext_noop("For information: briefing material for candidates: $title"),
        body=gettext_noop(
            """Dear $paro_name,

For your information, so that you can tell candidates of the service offered, this briefing
material for candidates has been approved and published on the election page:

$title ($topic)
$where

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "paro_referral_copy": Default(
        description="Copies the PARO on a question referred to them (kept on the entry)",
        subject=gettext_noop("$reference: a question referred to you (copy)"),
        body=gettext_noop(
            """Dear $paro_name,

For your information: the $office_name has referred the question below to you, as it is about
the running of the election. The requester has been told to contact you.

Reference: $reference
Topic: $topic
Received: $received

$question

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    # Freedom of Information (foi app, issue 15): the Act's own notices.
    "foi_clarification": Default(
        description="Asks an FOI requester to clarify the request; the clock stops (FOIA s.1(3))",
        subject=gettext_noop("$reference: please help us find the information you want"),
        body=gettext_noop(
            """Dear $name,

Thank you for your request under the Freedom of Information Act 2000 about "$topic"
(reference $reference).

So that we can find the information you want, please tell us:

$clarification

We will not be able to answer your request until we hear from you (section 1(3) of the Act).
The 20 working days for our answer will start again from the day we receive your reply.

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "foi_extension": Default(
        description=(
            "Tells an FOI requester the time is extended for the public interest test "
            "(FOIA s.10(3), s.17(2))"
        ),
        subject=gettext_noop("$reference: we need more time to consider the public interest"),
        body=gettext_noop(
            """Dear $name,

Thank you for your request under the Freedom of Information Act 2000 about "$topic"
(reference $reference).

The information you asked for may be exempt under:
$exemptions

These exemptions are subject to the public interest test: we must decide whether the public
interest in withholding the information outweighs the public interest in disclosing it. We need
more time to do so (section 10(3) of the Act), and expect to give you our answer by $new_date.

$reason

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "foi_refusal": Default(
        description="The refusal notice of an FOI request, citing the exemptions (FOIA s.17)",
        subject=gettext_noop("$reference: refusal notice under the Freedom of Information Act"),
        body=gettext_noop(
            """Dear $name,

Thank you for your request under the Freedom of Information Act 2000 about "$topic"
(reference $reference).

$reason

If you are unhappy with this decision, you may ask us for an internal review by replying to this
e-mail within 40 working days. If you are still unhappy after the review, you may complain to
the Information Commissioner's Office (ico.org.uk, section 50 of the Act).

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
    "foi_review_outcome": Default(
        description="Tells an FOI requester the outcome of the internal review",
        subject=gettext_noop("$reference: the outcome of your internal review"),
        body=gettext_noop(
            """Dear $name,

We have reviewed how we handled your request under the Freedom of Information Act 2000 about
"$topic" (reference $reference).

Outcome: $outcome

$notes

If you are still unhappy, you may complain to the Information Commissioner's Office
(ico.org.uk, section 50 of the Act).

Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""
        ),
    ),
}


def ensure_templates(email_template_model) -> int:
    """Create an EmailTemplate row, as its default, for every key that has none; return how
    many were made. Takes the model so that a migration can pass its historical one."""
    existing = set(email_template_model.objects.values_list("key", flat=True))
    made = [
        email_template_model(
            key=key, description=default.description, subject=default.subject, body=default.body
        )
        for key, default in DEFAULTS.items()
        if key not in existing
    ]
    email_template_model.objects.bulk_create(made)
    return len(made)


# The e-mails of issue 13 (reminders, the hustings refusal, the pre-election period), kept in
# their own module so that the list above stays easy to merge.
from requests_register.email_templates_more import MORE_DEFAULTS  # noqa: E402

DEFAULTS.update(MORE_DEFAULTS)
