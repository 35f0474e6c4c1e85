import csv
import io
from datetime import datetime
from email.message import EmailMessage

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from election_protocol.calendar import LONDON
from election_protocol.roles import Role
from requests_register import services
from requests_register.models import Entry
from tests.builders import logged
from tests.clock import frozen_clock
from tests.factories import CandidateFactory

NOW = datetime(2024, 4, 10, 12, 0, tzinfo=LONDON)
pytestmark = pytest.mark.usefixtures("_frozen")


_frozen = frozen_clock(NOW)


def log(election, by, **overrides) -> Entry:
    values = dict(
        received_at=datetime(2024, 4, 10, 9, 0, tzinfo=LONDON),
        topic="Custody",
        question="How many custody suites?",
    )
    values.update(overrides)
    return logged(election, by, **values)


def test_list_queries_do_not_grow_with_entries(spoc_client, election, spoc, count_queries):
    log(election, spoc)
    one = count_queries(lambda: spoc_client.get(reverse("requests_register:list")))
    for _ in range(2):
        log(
            election,
            spoc,
            requester_type="candidate",
            candidate=CandidateFactory(election=election),
        )
    three = count_queries(lambda: spoc_client.get(reverse("requests_register:list")))
    assert one == three
    for _ in range(60):
        log(election, spoc)
    page_one = count_queries(lambda: spoc_client.get(reverse("requests_register:list")))
    page_two = count_queries(lambda: spoc_client.get(reverse("requests_register:list") + "?page=2"))
    assert page_one == page_two == three


def test_list_filters_and_search(spoc_client, election, spoc):
    foi = log(election, spoc, kind="foi", topic="Officer numbers", question="How many officers?")
    late = log(
        election, spoc, topic="Custody", received_at=datetime(2024, 3, 1, 9, 0, tzinfo=LONDON)
    )
    sent = log(election, spoc, topic="Roads", question="Speed cameras?")
    services.set_entry_status(sent.pk, "withdrawn", by=spoc, reason="No longer needed")

    def refs(query):
        response = spoc_client.get(reverse("requests_register:list") + query)
        return sorted(e.reference for e in response.context["page"].object_list)

    assert refs("?foi=yes") == [foi.reference]
    assert refs("?overdue=on") == [late.reference]
    assert refs("?status=withdrawn") == [sent.reference]
    assert refs("?status=open") == sorted([foi.reference, late.reference])
    assert refs("?topic=Roads") == [sent.reference]
    assert refs("?q=officers") == [foi.reference]
    assert refs("?q=" + late.reference) == [late.reference]


def test_log_form_errors_keep_the_input_and_say_what_to_fix(spoc_client, election):
    response = spoc_client.post(
        reverse("requests_register:log"),
        {
            "received_at": "2024-04-11T09:00",
            "channel": "phone",
            "first_reached": "police",
            "kind": "information",
            "topic": "Custody",
            "question": "How many cells?",
            "requester_type": "candidate",
            "requester_name": "Alex Example",
        },
    )
    html = response.content.decode()
    assert "The date received cannot be in the future." in html
    assert "Choose the candidate the request is from" in html
    assert "Say when the request was passed to the SPOC." in html
    assert "a request not made in writing is confirmed back by e-mail" in html
    assert "How many cells?" in html and 'value="Alex Example"' in html
    assert not Entry.objects.exists()


def test_an_upload_of_a_refused_type_is_explained(spoc_client, election):
    response = spoc_client.post(
        reverse("requests_register:log"),
        {
            "received_at": "2024-04-10T09:00",
            "channel": "email",
            "first_reached": "opcc",
            "kind": "information",
            "topic": "Custody",
            "question": "How many cells?",
            "requester_type": "public",
            "requester_name": "Alex Example",
            "requester_email": "alex@example.org",
            "attachments": [
                SimpleUploadedFile("tool.exe", b"MZ", content_type="application/x-msdownload")
            ],
        },
    )
    assert "tool.exe is not a file type we keep" in response.content.decode()
    assert not Entry.objects.exists()


def test_log_from_an_email_fills_in_the_form_and_keeps_attachments(spoc_client, election, spoc):
    candidate = CandidateFactory(
        election=election, name="Priya Castellane", emails=["priya@example.org"]
    )
    message = EmailMessage()
    message["From"] = "Priya Castellane <priya@example.org>"
    message["To"] = election.spoc_email
    message["Subject"] = "Knife crime figures"
    message["Date"] = "Tue, 09 Apr 2024 16:20:00 +0100"
    message.set_content("How many knife crime offences were recorded last year?")
    message.add_attachment(
        b"%PDF-1.4 letter", maintype="application", subtype="pdf", filename="letter.pdf"
    )
    upload = SimpleUploadedFile("message.eml", bytes(message), content_type="message/rfc822")
    response = spoc_client.post(reverse("requests_register:log_from_email"), {"eml": upload})
    form = response.context["form"]
    assert form.initial["requester_type"] == "candidate"
    assert form.initial["candidate"] == candidate.pk
    assert form.initial["topic"] == "Knife crime figures"
    assert form.initial["received_at"] == "2024-04-09T16:20"
    assert "How many knife crime offences" in form.initial["question"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["acknowledge"] = "on"
    response = spoc_client.post(reverse("requests_register:log"), data)
    entry = Entry.objects.get()
    assert (entry.candidate, entry.requester_email) == (candidate, "priya@example.org")
    assert [a.filename for a in entry.attachments.all()] == ["letter.pdf"]


def test_log_from_something_that_is_not_an_email(spoc_client, election):
    response = spoc_client.post(
        reverse("requests_register:log_from_email"), {"source": "just words, no headers"}
    )
    assert "does not look like an e-mail" in response.content.decode()


@pytest.mark.parametrize("role", [Role.CHIEF_CONSTABLE, Role.FIRE_LIAISON, Role.POLICE_LIAISON])
def test_colleagues_see_nothing_they_were_not_assigned(client, make_user, election, spoc, role):
    entry = log(election, spoc)
    client.force_login(make_user(role))
    assert client.get(reverse("requests_register:detail", args=[entry.pk])).status_code == 404
    assert client.get(reverse("requests_register:export_csv")).status_code == 403
    assert client.get(reverse("requests_register:parity")).status_code == 403
    response = client.post(reverse("requests_register:contribute", args=[entry.pk]), {"body": "x"})
    assert response.status_code == 404
    assert not entry.contributions.exists()


def test_a_liaison_logs_what_reached_the_police_and_sees_it(client, make_user, election):
    liaison = make_user(Role.POLICE_LIAISON)
    client.force_login(liaison)
    form = client.get(reverse("requests_register:log")).context["form"]
    assert [c[0] for c in form.fields["first_reached"].choices] == ["police"]
    response = client.post(
        reverse("requests_register:log"),
        {
            "received_at": "2024-04-10T08:00",
            "redirected_at": "2024-04-10T08:30",
            "channel": "email",
            "first_reached": "police",
            "kind": "information",
            "topic": "Stations",
            "question": "Which stations open on Sundays?",
            "requester_type": "public",
            "requester_name": "Dana Example",
            "requester_email": "dana@example.org",
        },
    )
    entry = Entry.objects.get()
    assert response.url == reverse("requests_register:detail", args=[entry.pk])
    assert entry.first_reached == "police"
    assert client.get(response.url).status_code == 200


def test_the_auditor_reads_and_exports_but_cannot_change_or_see_contacts(
    client, auditor, election, spoc
):
    entry = log(election, spoc, requester_phone="07700 900555")
    client.force_login(auditor)
    page = client.get(reverse("requests_register:detail", args=[entry.pk])).content.decode()
    assert "How many custody suites?" in page
    assert "alex@example.org" not in page and "07700 900555" not in page
    response = client.post(
        reverse("requests_register:status", args=[entry.pk]), {"status": "in_progress"}
    )
    assert response.status_code == 403
    assert client.get(reverse("requests_register:export_csv")).status_code == 200


def test_csv_export_neutralises_formulas_and_leaves_out_contacts(spoc_client, election, spoc):
    log(
        election,
        spoc,
        topic='=HYPERLINK("http://evil.example.org")',
        requester_phone="07700 900555",
    )
    response = spoc_client.get(reverse("requests_register:export_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Reference"
    assert rows[1][6] == '\'=HYPERLINK("http://evil.example.org")'
    body = response.content.decode()
    assert "alex@example.org" not in body and "07700 900555" not in body


def test_pdf_export_is_a_pdf_with_the_entries(spoc_client, election, spoc):
    log(election, spoc)
    response = spoc_client.get(reverse("requests_register:export_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 2000


def test_parity_counts_each_candidate(spoc_client, election, spoc, chief_executive):
    a = CandidateFactory(election=election, name="Ada Example", status="declared")
    b = CandidateFactory(election=election, name="Bea Example", status="declared")
    first = log(election, spoc, requester_type="candidate", candidate=a)
    log(
        election,
        spoc,
        requester_type="candidate",
        candidate=a,
        received_at=datetime(2024, 3, 1, 9, tzinfo=LONDON),
    )
    services.set_entry_status(first.pk, "in_progress", by=spoc)
    services.draft_answer(first.pk, answer="Yes.", by=spoc)
    services.set_entry_status(first.pk, "approved", by=chief_executive, may_approve=True)
    services.set_entry_status(first.pk, "sent", by=spoc)
    rows = spoc_client.get(reverse("requests_register:parity")).context["rows"]
    assert [(r.candidate.name, r.requests, r.answered, r.median_days, r.overdue) for r in rows] == [
        ("Ada Example", 2, 1, 0, 1),
        ("Bea Example", 0, 0, None, 0),
    ]
    assert b.name in spoc_client.get(reverse("requests_register:parity")).content.decode()


def test_my_work_shows_what_awaits_each_role(client, spoc, chief_executive, election):
    entry = log(election, spoc, channel="phone", requester_phone="07700 900123")
    drafted = log(election, spoc)
    services.set_entry_status(drafted.pk, "in_progress", by=spoc)
    services.draft_answer(drafted.pk, answer="Yes.", by=spoc)
    client.force_login(spoc)
    groups = client.get(reverse("requests_register:my_work")).context["groups"]
    assert [e.pk for e in groups["To confirm in writing"]] == [entry.pk]
    assert "To approve" not in groups
    client.force_login(chief_executive)
    groups = client.get(reverse("requests_register:my_work")).context["groups"]
    assert [e.pk for e in groups["To approve"]] == [drafted.pk]


def test_the_chief_executive_names_a_deputy_who_can_then_approve(
    client, chief_executive, spoc, make_user, election
):
    deputy = make_user(Role.SPOC, username="deputy")
    entry = log(election, spoc)
    services.set_entry_status(entry.pk, "in_progress", by=spoc)
    services.draft_answer(entry.pk, answer="Yes.", by=spoc)
    client.force_login(deputy)
    assert client.get(reverse("requests_register:deputies")).status_code == 403
    client.post(reverse("requests_register:status", args=[entry.pk]), {"status": "approved"})
    entry.refresh_from_db()
    assert entry.status == "answer_drafted"
    client.force_login(chief_executive)
    client.post(reverse("requests_register:deputies"), {"deputies": [deputy.pk]})
    client.force_login(deputy)
    client.post(reverse("requests_register:status", args=[entry.pk]), {"status": "approved"})
    entry.refresh_from_db()
    assert (entry.status, entry.approved_by) == ("approved", deputy)


def test_editing_from_a_stale_page_is_refused_keeping_the_input(
    spoc_client, election, spoc, chief_executive
):
    entry = log(election, spoc)
    url = reverse("requests_register:edit", args=[entry.pk])
    form = spoc_client.get(url).context["form"]
    data = {
        k: v for k, v in form.initial.items() if v is not None and k not in ("candidate", "party")
    }
    data["received_at"] = "2024-04-10T09:00"
    services.update_entry(
        entry.pk, expected_version=entry.version, by=chief_executive, topic="Cells"
    )
    data["topic"] = "Custody suites"
    response = spoc_client.post(url, data)
    html = response.content.decode()
    assert "Someone else saved this entry while you were editing it" in html
    assert 'value="Custody suites"' in html
    entry.refresh_from_db()
    assert entry.topic == "Cells"


def test_attachment_download_is_for_those_who_may_see_the_entry(
    client, spoc, police_liaison, election
):
    entry = log(
        election, spoc, attachments=[services.IncomingFile("a.pdf", "application/pdf", b"%PDF-1.4")]
    )
    token = entry.attachments.get().token
    client.force_login(spoc)
    response = client.get(reverse("requests_register:attachment", args=[token]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    client.force_login(police_liaison)
    assert client.get(reverse("requests_register:attachment", args=[token])).status_code == 404


def test_the_prefilled_form_from_an_email_posts_to_the_log_page(spoc_client, election):
    import re

    message = EmailMessage()
    message["From"] = "Dana Example <dana@example.org>"
    message["Subject"] = "Opening hours"
    message["Date"] = "Tue, 09 Apr 2024 16:20:00 +0100"
    message.set_content("When is the front counter open?")
    message.add_attachment(b"GIF89a", maintype="image", subtype="gif", filename="signature.gif")
    upload = SimpleUploadedFile("m.eml", bytes(message), content_type="message/rfc822")
    html = spoc_client.post(
        reverse("requests_register:log_from_email"), {"eml": upload}
    ).content.decode()
    [action] = re.findall(r'<form method="post" action="([^"]+)" enctype', html)
    assert action == reverse("requests_register:log")
    form = spoc_client.post(
        reverse("requests_register:log_from_email"),
        {"eml": SimpleUploadedFile("m.eml", bytes(message), content_type="message/rfc822")},
    ).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    response = spoc_client.post(action, data, follow=True)
    entry = Entry.objects.get()
    assert entry.question.strip() == "When is the front counter open?"
    # The signature image is not a kept type: the entry is logged and the user is told.
    assert entry.attachments.count() == 0
    assert "Not kept (type or size not accepted): signature.gif." in response.content.decode()


def test_an_assigned_colleague_does_not_get_the_files(client, spoc, police_liaison, election):
    entry = log(
        election,
        spoc,
        attachments=[
            services.IncomingFile("Letter from Alex Example.pdf", "application/pdf", b"%PDF")
        ],
    )
    services.assign_entry(entry.pk, assignee=police_liaison, by=spoc, request="Numbers")
    client.force_login(police_liaison)
    page = client.get(reverse("requests_register:detail", args=[entry.pk])).content.decode()
    assert "Letter from Alex Example.pdf" not in page
    assert "Attachment received" in page
    token = entry.attachments.get().token
    assert client.get(reverse("requests_register:attachment", args=[token])).status_code == 404


def test_a_refused_action_shows_why_and_keeps_what_was_typed(spoc_client, election, spoc):
    entry = log(election, spoc)
    response = spoc_client.post(
        reverse("requests_register:status", args=[entry.pk]),
        {"status": "duplicate", "original": "NOPE-0001", "reason": "Asked twice"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "No entry NOPE-0001 in this election." in html
    assert 'value="NOPE-0001"' in html and ">Asked twice</textarea>" in html
    entry.refresh_from_db()
    assert entry.status == "logged"


def test_a_colleague_sees_only_topics_of_entries_they_may_see(
    client, spoc, police_liaison, election
):
    mine = log(election, spoc, topic="Stations")
    log(election, spoc, topic="Secret subject")
    services.assign_entry(mine.pk, assignee=police_liaison, by=spoc, request="x")
    client.force_login(police_liaison)
    html = client.get(reverse("requests_register:list")).content.decode()
    assert "Stations" in html and "Secret subject" not in html
    html = client.get(reverse("requests_register:log")).content.decode()
    assert "Secret subject" not in html


def test_the_pdf_template_lists_entries_without_contacts(election, spoc):
    from django.template.loader import render_to_string

    entry = log(election, spoc, requester_phone="07700 900555")
    html = render_to_string(
        "requests_register/export_pdf.html", {"election": election, "entries": [entry], "now": NOW}
    )
    assert entry.reference in html and "How many custody suites?" in html
    assert "alex@example.org" not in html and "07700 900555" not in html
