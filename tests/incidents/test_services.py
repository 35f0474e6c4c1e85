"""Incidents end to end through the services: who decides, who is e-mailed what (letters as
tagged PDFs), what reaches the public page, and who is refused. Reference election: poll
2 May 2024, in its pre-election period."""

from datetime import datetime, timedelta

import pytest
from django.core import mail

from election_protocol.calendar import LONDON
from election_protocol.roles import Role
from incidents import permissions, queries, rules, services
from incidents.models import Incident, IncidentEmail, Statement
from publishing import queries as gate
from publishing.site import publish_site
from requests_register import services as register
from tests.clock import IN_THE_PERIOD as NOW
from tests.incidents.helpers import staff_and_ada
from tests.pdf import expanded

FOUR = {
    "profile": "Prominent, beside the photograph.",
    "message": "Suggests the force endorses the candidate.",
    "publication": "2,000 leaflets in one ward.",
    "damage": "High: impartiality questioned.",
}
pytestmark = pytest.mark.usefixtures("in_the_period_clock")


@pytest.fixture
def cast(make_user, election):
    return staff_and_ada(
        make_user,
        election,
        ["spoc", "ce", "cc", "cfo", "pl", "aud"],
        at=datetime(2024, 4, 8, 9, 0, tzinfo=LONDON),
        agent_name="Bea Agent",
        agent_email="agent.ada@example.org",
    )


def _record(election, users, kind, **kw):
    kw.setdefault("title", "Something happened")
    kw.setdefault("description", "What happened, in detail.")
    kw.setdefault("raised_at", NOW - timedelta(hours=1))
    return services.record_incident(election=election, by=users["spoc"], kind=kind, **kw)


def _step(incident, status: str, by, **kw) -> None:
    """Take `incident` to `status` through the one funnel (services.set_incident_status)."""
    services.set_incident_status(incident.pk, status, by=by, **kw)


def _decide(incident, by, decision: str, **kw) -> None:
    _step(incident, "decided", by, decision=decision, **kw)


def _sent_to(purpose_prefix: str) -> list:
    return [
        link.email
        for link in IncidentEmail.objects.select_related("email").filter(
            email__purpose__startswith=purpose_prefix
        )
    ]


def test_imagery_decided_by_the_chief_constable_sends_a_tagged_letter(
    election, cast, django_capture_on_commit_callbacks
):
    users, ada = cast
    incident = _record(
        election, users, "imagery", service="police", candidates=[ada], source="Leaflet"
    )
    assert incident.reference == f"{election.reference_prefix}-INC-001"
    # 24 hours by default.
    assert incident.due_at == incident.raised_at + timedelta(hours=24)
    _step(incident, "awaiting_decision", users["spoc"])
    with pytest.raises(rules.IncidentError, match="Only the Chief Constable"):
        _decide(incident, users["ce"], "request_removal", reasons="x", considerations=FOUR)
    with django_capture_on_commit_callbacks(execute=True):
        _decide(
            incident,
            users["cc"],
            "request_removal",
            reasons="The crest suggests endorsement.",
            considerations=FOUR,
        )
    incident.refresh_from_db()
    assert (incident.status, incident.decision, incident.decided_by) == (
        "decided",
        "request_removal",
        users["cc"],
    )
    assert incident.considerations == FOUR
    [letter] = _sent_to("incident_letter_imagery")
    assert letter.to == ["ada@example.org", "agent.ada@example.org"]
    [pdf] = letter.attachments.all()
    data = bytes(pdf.data)
    assert pdf.content_type == "application/pdf" and data.startswith(b"%PDF")
    document = expanded(data)
    assert b"/StructTreeRoot" in document and b"/Lang (en-GB)" in document  # tagged PDF/UA
    # Sent through the outbox, after commit (Celery eager in tests).
    assert any(m.to == ["ada@example.org", "agent.ada@example.org"] for m in mail.outbox)
    assert [s.new_status for s in incident.steps.all()] == [
        "recorded",
        "awaiting_decision",
        "decided",
    ]
    _step(incident, "closed", users["spoc"], reasons="Withdrawn.")
    incident.refresh_from_db()
    assert incident.outcome == "Withdrawn." and incident.closed_at == NOW


def test_no_action_on_imagery_sends_no_letter(election, cast):
    users, ada = cast
    incident = _record(election, users, "imagery", service="office", candidates=[ada])
    _step(incident, "awaiting_decision", users["spoc"])
    _decide(
        incident, users["ce"], "no_action", reasons="Tiny, already withdrawn.", considerations=FOUR
    )
    assert _sent_to("incident_letter") == []


def test_earlier_decisions_on_similar_cases_are_shown_same_service_first(election, cast):
    users, ada = cast
    decided = []
    for service, decider in (("office", "ce"), ("police", "cc")):
        incident = _record(election, users, "imagery", service=service, candidates=[ada])
        _step(incident, "awaiting_decision", users["spoc"])
        _decide(incident, users[decider], "no_action", reasons="r", considerations=FOUR)
        decided.append(incident)
    other_kind = _record(election, users, "announcement")
    new = _record(election, users, "imagery", service="police", candidates=[ada])
    similar = list(queries.similar_decisions(new))
    assert similar == [decided[1], decided[0]]
    assert other_kind not in similar


def test_factual_statement_is_approved_anonymised_and_published(election, cast):
    users, ada = cast
    incident = _record(election, users, "factual", service="police", candidates=[ada])
    _step(incident, "awaiting_decision", users["spoc"], classification="inaccuracy")
    drafted = {
        "title": "Police stations",
        "draft": "No station closed. Ada Lovelock (ada@example.org) said otherwise.",
        "email_to": "news@example.org",
    }
    services.draft_statement(incident.pk, by=users["spoc"], **drafted)
    services.record_consultation(
        incident.pk, by=users["spoc"], consultee="chief_constable", asked_at=NOW, answer="Fine."
    )
    # Whoever drafted it cannot approve it, even the Chief Executive.
    with pytest.raises(rules.IncidentError, match="drafted"):
        services.draft_statement(incident.pk, by=users["ce"], title="T", draft="D")
        _decide(incident, users["ce"], "publish_statement", reasons="r")
    services.draft_statement(incident.pk, by=users["spoc"], **drafted)  # the SPOC's again
    assert list(gate.published_statements(election)) == []
    _decide(incident, users["ce"], "publish_statement", reasons="A factual inaccuracy.")
    [public] = gate.published_statements(election)
    assert public.public_text == "No station closed. [candidate] ([email address]) said otherwise."
    [email] = _sent_to("incident_statement")
    assert email.to == ["news@example.org"] and "Ada" not in email.body
    statement = Statement.objects.get(incident=incident)
    assert statement.approved_by == users["ce"]


def test_the_public_page_shows_the_statement_and_nothing_private(election, cast, tmp_path):
    users, ada = cast
    incident = _record(election, users, "factual", candidates=[ada])
    _step(incident, "awaiting_decision", users["spoc"], classification="inaccuracy")
    services.draft_statement(
        incident.pk, by=users["spoc"], title="Budget", draft="Ada Lovelock misread the budget."
    )
    _decide(incident, users["ce"], "publish_statement", reasons="r")
    publish_site(election, to=tmp_path / "site")
    html = (tmp_path / "site" / "statements" / "index.html").read_text()
    assert "[candidate] misread the budget." in html
    assert "Ada" not in html and incident.description not in html
    assert "statements/index.html" in (tmp_path / "site" / "index.html").read_text()


def test_an_interpretation_cannot_have_a_statement(election, cast):
    users, _ada = cast
    incident = _record(election, users, "factual")
    _step(incident, "awaiting_decision", users["spoc"], classification="interpretation")
    with pytest.raises(rules.IncidentError, match=r"7\.1\.3"):
        services.draft_statement(incident.pk, by=users["spoc"], title="T", draft="D")
    _decide(incident, users["ce"], "no_response", reasons="Opinion.")
    assert Incident.objects.get(pk=incident.pk).decision == "no_response"


def test_cleveland_deputy_approves_a_statement(election, cast, make_user):
    users, _ada = cast
    deputy = make_user(Role.SPOC, username="dmo", email="dmo@example.org")
    election.approval_deputies.add(deputy)
    incident = _record(election, users, "factual")
    _step(incident, "awaiting_decision", users["spoc"], classification="inaccuracy")
    services.draft_statement(incident.pk, by=users["spoc"], title="T", draft="Facts.")
    _decide(incident, deputy, "publish_statement", reasons="r")
    assert Statement.objects.get(incident=incident).approved_by == deputy


def test_breach_complaint_acknowledged_then_answered_in_writing(election, cast):
    users, ada = cast
    incident = _record(
        election,
        users,
        "breach",
        raised_by_type="agent",
        raised_by_name="Bea Agent",
        raised_by_email="agent.ada@example.org",
        candidates=[ada],
    )
    _step(incident, "awaiting_decision", users["spoc"])
    [ack] = _sent_to("incident_acknowledgement")
    assert ack.to == ["agent.ada@example.org"]
    _decide(incident, users["ce"], "not_upheld", reasons="Equal time.")
    [letter] = _sent_to("incident_letter_breach")
    assert letter.to == ["agent.ada@example.org"] and letter.attachments.count() == 1


def test_conduct_concern_referred_to_the_paro_and_guidance_recorded(election, cast):
    users, ada = cast
    incident = _record(election, users, "conduct", service="police", candidates=[ada])
    _step(incident, "awaiting_guidance", users["spoc"], reasons="Filmed officers.")
    [referral] = _sent_to("incident_referral")
    assert referral.to == [election.paro_email] and "Filmed officers." in referral.body
    _decide(
        incident,
        users["spoc"],
        "action_taken",
        guidance="Remind the candidate of 9.1.",
        reasons="Reminded.",
    )
    assert Incident.objects.get(pk=incident.pk).guidance == "Remind the candidate of 9.1."


def test_incumbent_breach_is_referred_as_a_conduct_matter(election, cast):
    users, ada = cast
    incident = _record(election, users, "incumbent", candidates=[ada], statutory_business=False)
    services.record_reminder(incident.pk, by=users["spoc"])
    with pytest.raises(rules.IncidentError, match="already"):
        services.record_reminder(incident.pk, by=users["spoc"])
    _step(incident, "awaiting_decision", users["spoc"])
    _decide(incident, users["ce"], "breach_referred", reasons="Used data.")
    conduct = Incident.objects.get(referred_from=incident)
    assert conduct.kind == "conduct" and list(conduct.candidates.all()) == [ada]


def test_announcement_decided_by_the_chief_fire_officer_weighs_the_delay(election, cast):
    users, _ada = cast
    incident = _record(election, users, "announcement", service="fire")
    _step(incident, "awaiting_decision", users["spoc"])
    with pytest.raises(rules.IncidentError, match="effect of delaying"):
        _decide(incident, users["cfo"], "delay", reasons="r")
    _decide(incident, users["cfo"], "delay", reasons="Sensitive.", delay_effect="None.")
    assert Incident.objects.get(pk=incident.pk).delay_effect == "None."


def test_social_media_removal_gets_the_office_explanation_and_is_confirmed(election, cast):
    users, _ada = cast
    config = services.settings_for(election)
    config.social_media_explanation = "Removed: pre-election rules."
    config.save()
    incident = _record(
        election,
        users,
        "social_media",
        platform="Facebook",
        account="Force page",
        removed_at=NOW,
        removed_by="Comms",
    )
    assert incident.explanation_posted == "Removed: pre-election rules."
    assert incident.due_at == incident.raised_at + timedelta(hours=4)
    _decide(incident, users["spoc"], "removal_stands", reasons="Partisan.")
    assert Incident.objects.get(pk=incident.pk).status == "decided"


def test_targets_configured_per_election(election, cast):
    users, _ada = cast
    services.save_settings(
        election,
        targets={"breach": rules.Target(3, rules.Unit.HOURS)},
        explanation="Removed.",
        by=users["ce"],
    )
    incident = _record(election, users, "breach")
    assert incident.due_at == incident.raised_at + timedelta(hours=3)


def test_a_second_click_is_refused(election, cast):
    users, _ada = cast
    incident = _record(election, users, "announcement")
    _step(incident, "awaiting_decision", users["spoc"], expected_status="recorded")
    with pytest.raises(rules.IncidentError, match="changed while"):
        _step(incident, "awaiting_decision", users["spoc"], expected_status="recorded")


def test_who_sees_what(election, cast):
    users, ada = cast
    police = _record(election, users, "imagery", service="police", candidates=[ada])
    fire = _record(election, users, "announcement", service="fire")
    office = _record(election, users, "breach")
    services.assign_incident(office.pk, users["pl"], by=users["spoc"])

    def seen(key):
        return set(permissions.incidents_for_user(users[key]))

    assert seen("spoc") == seen("ce") == seen("aud") == {police, fire, office}
    assert seen("cc") == {police}
    assert seen("cfo") == {fire}
    assert seen("pl") == {office}
    assert permissions.can_decide_incident(users["cc"], police)
    assert not permissions.can_decide_incident(users["cfo"], police)
    assert not permissions.can_decide_incident(users["aud"], police)
    assert not permissions.can_manage_incidents(users["aud"])
    assert permissions.can_manage_incidents(users["spoc"])
    assert permissions.can_view_evidence(users["cc"], police)
    assert not permissions.can_view_evidence(users["pl"], office)


def test_overdue_alert_is_sent_once(election, cast):
    users, _ada = cast
    incident = _record(
        election,
        users,
        "social_media",
        platform="X",
        account="A",
        removed_at=NOW,
        removed_by="B",
        raised_at=NOW - timedelta(hours=5),
    )
    assert services.alert_overdue(election, now=NOW) == 1
    assert services.alert_overdue(election, now=NOW) == 0
    [alert] = [e for e in _sent_to("incident_notice") if "overdue" in e.subject]
    assert alert.to == ["s@example.org"] and incident.reference in alert.subject


def test_daily_digest_lists_open_incidents(election, cast):
    users, _ada = cast
    incident = _record(election, users, "breach")
    assert register.queue_daily_digests(election, today=NOW.date(), now=NOW) == 1
    from requests_register.models import OutboundEmail

    digest = OutboundEmail.objects.get(purpose__startswith="digest:")
    assert digest.to == ["s@example.org"]
    assert f"{incident.reference} Complaint that the protocol was breached" in digest.body


def test_evidence_refused_when_not_a_kept_type(election, cast):
    from django.core.exceptions import ValidationError

    users, _ada = cast
    incident = _record(election, users, "imagery", candidates=[cast[1]])
    with pytest.raises(ValidationError):
        services.add_evidence(
            incident.pk,
            [register.IncomingFile("tool.exe", "application/x-msdownload", b"MZ")],
            by=users["spoc"],
        )
    assert incident.evidence.count() == 0
    services.add_evidence(
        incident.pk,
        [register.IncomingFile("leaflet.pdf", "application/pdf", b"%PDF-1.4\n% x\n")],
        by=users["spoc"],
    )
    assert [e.name for e in incident.evidence.all()] == ["leaflet.pdf"]


def test_a_statement_names_neither_the_candidate_nor_who_raised_it(election, cast):
    users, ada = cast
    incident = _record(
        election,
        users,
        "factual",
        candidates=[ada],
        raised_by_type="media",
        raised_by_name="Jo Scrivener",
        raised_by_email="jo@news.example.org",
    )
    _step(incident, "awaiting_decision", users["spoc"], classification="inaccuracy")
    services.draft_statement(
        incident.pk,
        by=users["spoc"],
        title="Budget",
        draft="Jo Scrivener (jo@news.example.org) quoted Ada Lovelock wrongly.",
    )
    _decide(incident, users["ce"], "publish_statement", reasons="r")
    [public] = gate.published_statements(election)
    assert public.public_text == "[requester] ([email address]) quoted [candidate] wrongly."


def test_the_beat_task_alerts_the_current_election(election, cast):
    from incidents.tasks import task_alert_overdue_incidents

    users, _ada = cast
    _record(election, users, "announcement", raised_at=NOW - timedelta(days=10))
    assert task_alert_overdue_incidents.delay().get() == 1
    assert task_alert_overdue_incidents.delay().get() == 0


def test_retention_erases_who_raised_a_closed_incident_and_its_evidence(
    election, cast, django_capture_on_commit_callbacks
):
    from dataprotection import services as dataprotection

    users, _ada = cast
    closed = _record(
        election,
        users,
        "breach",
        raised_by_type="public",
        raised_by_name="Sam Plaintiff",
        raised_by_email="sam@example.org",
    )
    services.add_evidence(
        closed.pk,
        [register.IncomingFile("complaint.pdf", "application/pdf", b"%PDF-1.4\n% x\n")],
        by=users["spoc"],
    )
    stored = closed.evidence.get().file.name
    _step(closed, "awaiting_decision", users["spoc"])
    _decide(closed, users["ce"], "not_upheld", reasons="Equal time.")
    still_open = _record(
        election, users, "breach", raised_by_name="Kim Open", raised_by_email="kim@example.org"
    )
    after = datetime(2025, 6, 1, 12, tzinfo=LONDON)
    with django_capture_on_commit_callbacks(execute=True):
        run = dataprotection.apply_retention(election.pk, today=after.date(), now=after)
    assert run.counts["incidents"] == 1
    closed.refresh_from_db()
    assert (closed.raised_by_name, closed.raised_by_email) == ("", "")
    assert not closed.history.filter(raised_by_name="Sam Plaintiff").exists()
    assert closed.evidence.count() == 0
    from django.core.files.storage import default_storage

    assert not default_storage.exists(stored)
    for link in closed.emails.select_related("email"):
        assert "sam@example.org" not in link.email.to and "Sam Plaintiff" not in link.email.body
    assert Incident.objects.get(pk=still_open.pk).raised_by_name == "Kim Open"


def test_a_consultation_with_the_paro_is_recorded_once_with_the_paro_panel(election, cast):
    """The PARO's consultations have one record (paro app): the incident's own list refuses the
    PARO, in the service and in the form, and says where it goes (issue 17 review)."""
    from incidents.forms import ConsultationForm

    users, _ada = cast
    incident = _record(election, users, "factual")
    with pytest.raises(rules.IncidentError, match="Consultations with the PARO"):
        services.record_consultation(
            incident.pk, by=users["spoc"], consultee="paro", asked_at=NOW, answer="Fine."
        )
    assert not incident.consultations.exists()
    form = ConsultationForm(
        data={"consultee": "paro", "asked_at": "2026-11-25T09:00", "answer": "Fine."}
    )
    assert "paro" not in dict(form.fields["consultee"].choices)
    assert not form.is_valid() and "consultee" in form.errors
