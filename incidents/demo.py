"""Fictional incidents for the demo: every kind, in different states (issue 12), made through
the services so each has its steps, e-mails, letters and history. Called by
election_protocol.demo before the publishing demo, so the published statement is on the
public page it publishes. Every name, address and number is invented."""

from __future__ import annotations

from datetime import datetime, timedelta

from candidates.models import Candidate
from election_protocol.models import Election
from incidents import rules, services


def seed_incidents(election: Election, users: dict, now: datetime) -> None:
    spoc, ce = users["spoc"], users["chief-executive"]
    cc, cfo = users["chief-constable"], users["chief-fire-officer"]
    people = {c.name: c for c in Candidate.objects.filter(election=election)}

    def ago(hours: float) -> datetime:
        return now - timedelta(hours=hours)

    def record(kind, hours, **kwargs):
        return services.record_incident(
            election=election, by=spoc, kind=kind, raised_at=ago(hours), now=ago(hours), **kwargs
        )

    def move(incident, status, by, hours, **kwargs):
        return services.set_incident_status(incident.pk, status, by=by, now=ago(hours), **kwargs)

    # 1. Imagery, police: decided by the Chief Constable (ask to remove), letter sent, closed.
    leaflet = record(
        rules.Kind.IMAGERY,
        70,
        service=rules.Service.POLICE,
        title="Force crest on a campaign leaflet",
        description="A leaflet delivered in Northtown shows the Northshire Police crest beside "
        "the candidate's photograph.",
        source="Leaflet, Northtown ward (photographed by a member of staff)",
        raised_by_type="staff",
        raised_by_name="Neighbourhood team, Northtown",
        candidates=[people["Priya Castellane"]],
    )
    move(leaflet, rules.Status.AWAITING_DECISION, spoc, 69)
    move(
        leaflet,
        rules.Status.DECIDED,
        cc,
        60,
        decision="request_removal",
        considerations={
            "profile": "The crest is prominent, beside the candidate's photograph.",
            "message": "Suggests the force supports the candidate.",
            "publication": "About 2,000 leaflets delivered in one ward; no online copy.",
            "damage": "High: the force must be seen to be impartial.",
        },
        reasons="The crest suggests endorsement by the force. Remaining leaflets to be "
        "withdrawn and the crest left off any reprint.",
    )
    move(
        leaflet,
        rules.Status.CLOSED,
        spoc,
        30,
        reasons="The agent confirmed the remaining "
        "leaflets were withdrawn and a reprint ordered without the crest.",
    )

    # 2. Imagery, police: awaiting the Chief Constable (earlier decision shown while deciding).
    photo = record(
        rules.Kind.IMAGERY,
        5,
        service=rules.Service.POLICE,
        title="Patrol car photograph on a campaign website",
        description="The candidate's website shows a photograph of a marked Northshire Police "
        "patrol car on its home page.",
        source="https://hartswood-independent.example.org",
        raised_by_type="public",
        candidates=[people["Imogen Hartswood"]],
    )
    move(photo, rules.Status.AWAITING_DECISION, spoc, 4)

    # 3. Factual inaccuracy: statement drafted, PARO and Chief Constable consulted, approved by
    #    the Chief Executive and published on the public page.
    claim = record(
        rules.Kind.FACTUAL,
        50,
        service=rules.Service.POLICE,
        title="Claim that three police stations closed this year",
        description="A candidate's press release says three police stations in Northshire "
        "closed this year. None has closed; one front counter changed its opening hours.",
        source="Northshire Gazette (fictional), page 4",
        raised_by_type="media",
        candidates=[people["Tomasz Everleigh"]],
    )
    move(claim, rules.Status.AWAITING_DECISION, spoc, 48, classification="inaccuracy")
    services.draft_statement(
        claim.pk,
        by=spoc,
        title="Police stations in Northshire",
        draft="No police station in Northshire has closed this year. The front counter at "
        "Northtown station now opens from 9am to 5pm on weekdays. Tomasz Everleigh's press "
        "release said otherwise.",
        email_to="newsdesk@gazette.example.org",
        now=ago(47),
    )
    # The PARO's "No objection" on this statement is recorded by paro/demo.py (the PARO's record).
    services.record_consultation(
        claim.pk,
        by=spoc,
        consultee="chief_constable",
        asked_at=ago(46),
        answer="Factually correct.",
        now=ago(45),
    )
    move(
        claim,
        rules.Status.DECIDED,
        ce,
        44,
        decision="publish_statement",
        reasons="A factual inaccuracy that would undermine confidence in policing "
        "(Cumbria 7.1.2); the statement corrects it neutrally.",
    )

    # 4. A claim that is an interpretation: awaiting the Chief Executive (no response).
    opinion = record(
        rules.Kind.FACTUAL,
        8,
        title="Claim that the commissioner's plan has failed",
        description="A party leaflet says the police and crime plan has failed rural areas.",
        source="Party leaflet",
        raised_by_type="party",
    )
    move(opinion, rules.Status.AWAITING_DECISION, spoc, 7, classification="interpretation")

    # 4b. A claim just recorded: the SPOC is to classify it and may draft a statement.
    record(
        rules.Kind.FACTUAL,
        1,
        service=rules.Service.FIRE,
        title="Claim that fire engines wait an hour at Eastmoor",
        description="A radio phone-in caller, introduced as a campaigner, said fire engines "
        "take an hour to reach Eastmoor. The published average is 11 minutes.",
        source="Northshire local radio (fictional), breakfast programme",
        raised_by_type="media",
    )

    # 5. Social media: a comment removed from the force's Facebook page, to be confirmed.
    record(
        rules.Kind.SOCIAL_MEDIA,
        2,
        service=rules.Service.POLICE,
        title="Politically controversial comment on a road safety post",
        description="A comment urging people to vote for a named party, under a road safety post.",
        platform="Facebook",
        account="Northshire Police (official page)",
        removed_at=ago(2),
        removed_by="Digital communications officer",
    )

    # 6. Breach complaint from an agent: acknowledged, investigating (awaiting the CE).
    complaint = record(
        rules.Kind.BREACH,
        30,
        title="Complaint of unequal briefing",
        description="The agent says another candidate was given a longer briefing on the "
        "police budget than theirs.",
        raised_by_type="agent",
        raised_by_name="Dev Marchbank",
        raised_by_email="agent.castellane@example.org",
        candidates=[people["Priya Castellane"]],
    )
    move(complaint, rules.Status.AWAITING_DECISION, spoc, 29)

    # 7. Conduct concern referred to the PARO; a police liaison may see it.
    conduct = record(
        rules.Kind.CONDUCT,
        20,
        service=rules.Service.POLICE,
        title="Candidate filmed officers at a community event",
        description="Officers at a community event were filmed by a candidate's team for a "
        "campaign video after being asked not to be.",
        raised_by_type="staff",
        candidates=[people["Imogen Hartswood"]],
    )
    move(
        conduct,
        rules.Status.AWAITING_GUIDANCE,
        spoc,
        19,
        reasons="Officers were filmed for a campaign video after asking not to be (Cumbria "
        "9.1). We ask for your guidance.",
    )
    services.assign_incident(conduct.pk, users["police-liaison"], by=spoc, now=ago(18))

    # 8. Announcement: the fire service's new station, delayed by the Chief Fire Officer.
    announcement = record(
        rules.Kind.ANNOUNCEMENT,
        40,
        service=rules.Service.FIRE,
        title="Opening of the new Eastmoor fire station",
        description="The service planned to announce the opening date of the new station.",
    )
    move(announcement, rules.Status.AWAITING_DECISION, spoc, 39)
    move(
        announcement,
        rules.Status.DECIDED,
        cfo,
        30,
        decision="delay",
        delay_effect="None for the public: the station opens after the poll either way.",
        reasons="A politically sensitive announcement during the pre-election period "
        "(Cumbria 11.1); nothing is lost by waiting until after the poll.",
    )

    # 9. Dealings with the incumbent: statutory business, reminder recorded as sent.
    engagement = record(
        rules.Kind.INCUMBENT,
        12,
        title="Commissioner at the quarterly performance meeting",
        description="The commissioner chaired the statutory quarterly performance meeting "
        "with the Chief Constable.",
        candidates=[people["Rowan Pettifer"]],
        statutory_business=True,
    )
    services.record_reminder(engagement.pk, by=spoc, now=ago(11))
