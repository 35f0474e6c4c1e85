"""The close-down's one funnel (issue 15, item 3): every step goes through take_step, under a
lock on the election row, checked by lifecycle.rules.check_step, recorded on the Closure with
who and when (and a history row)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from election_protocol.calendar import retention_date
from election_protocol.models import Election
from lifecycle import archive, queries, report, rules
from lifecycle.models import Closure


@transaction.atomic
def take_step(
    election_id: int,
    step: rules.Step | str,
    *,
    by,
    explanation: str = "",
    now: datetime | None = None,
) -> Closure:
    """Take close-down step `step` of election `election_id`; raise rules.CloseDownError with
    the reason if it may not be taken now.

    Effects: LAST_ANSWERS keeps the explanation of why answers still await publication;
    FREEZE makes the election read-only (lifecycle.middleware); ARCHIVE renders the public
    page through publishing's build and leak scan and stores it as a permanent snapshot;
    REPORT stores the summary report's PDF; RETENTION records the day personal data becomes
    due for erasure (dataprotection's daily run then erases it)."""
    now = now or timezone.now()
    step = rules.Step(step)
    election = Election.objects.select_for_update().get(pk=election_id)
    closure, _ = Closure.objects.get_or_create(election=election)
    rules.check_step(step, queries.facts(election, now))
    if step == rules.Step.LAST_ANSWERS:
        explanation = explanation.strip()
        if not explanation:
            raise rules.CloseDownError("Explain why the answers are not published.")
        closure.publication_explanation = explanation
        closure.explained_at, closure.explained_by = now, by
    elif step == rules.Step.FREEZE:
        closure.frozen_at, closure.frozen_by = now, by
    elif step == rules.Step.ARCHIVE:
        closure.archived_version = archive.archive_public_site(election, now=now)
        closure.archived_at, closure.archived_by = now, by
    elif step == rules.Step.REPORT:
        closure.report_pdf = report.render_report_pdf(election, now=now)
        closure.report_at, closure.report_by = now, by
    elif step == rules.Step.RETENTION:
        closure.retention_due = retention_date(election)
        closure.retention_started_at, closure.retention_started_by = now, by
    else:  # RESULTS and OPEN_ENTRIES are done on the candidates' and register's pages
        raise rules.CloseDownError("That step is done on its own page.")
    closure._change_reason = str(rules.STEP_LABELS[step])
    closure.save()
    return closure


def close_down(election_id: int, *, by, now: datetime | None = None) -> Closure:
    """Take every remaining close-down step that this page takes, in order (the demo and the
    command use it); stops at the first that may not be taken, with its reason."""
    now = now or timezone.now()
    election = Election.objects.get(pk=election_id)
    closure = None
    for step in (rules.Step.FREEZE, rules.Step.ARCHIVE, rules.Step.REPORT, rules.Step.RETENTION):
        if not rules.is_done(step, queries.facts(election, now)):
            closure = take_step(election_id, step, by=by, now=now)
    return closure or Closure.objects.get(election=election)
