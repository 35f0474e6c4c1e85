"""Typed text stays text (issue 6, item 5): script and markup typed into any field are inert
on staff pages, public pages, feeds, PDFs and e-mails; CSV exports never start a formula;
uploads are limited in size and type with a clear message; e-mail headers cannot be injected.

The hostile values are written straight into the world's rows (ORM update): what matters is
how each output prints whatever is stored, however it got there.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from icalendar import Calendar

from briefings.models import BriefingEvent
from candidates.models import Candidate
from publishing.models import PublicEntry
from publishing.site import pages, publish_site, scan
from requests_register import services
from requests_register.csv_safety import FORMULA_TRIGGERS
from requests_register.models import Attachment, Entry, OutboundEmail
from tests.security.conftest import NOW, client_for
from tests.security.helpers import changed_tables, table_counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW = [SCRIPT, "<img src=x onerror=alert(1)>"]
INJECT = "x\r\nBcc: victim@example.org"
# The register's log form filled in as the SPOC would (a test changes what it is about).
LOG_FORM = {
    "received_at": "2026-11-25T09:00",
    "channel": "email",
    "first_reached": "opcc",
    "kind": "information",
    "topic": "Custody",
    "question": "How many?",
    "requester_type": "public",
    "requester_name": "Alex Example",
    "requester_email": "alex@example.org",
}


def _no_raw_markup(text: str, where: str) -> None:
    for raw in RAW:
        assert raw not in text, f"{raw!r} unescaped in {where}"


def _pdf_is_inert(data: bytes, where: str) -> str:
    """Assert the PDF holds no script action; return its text."""
    assert data.startswith(b"%PDF-"), where
    for marker in (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch", b"/SubmitForm"):
        assert marker not in data, f"{marker!r} in {where}"
    return "\n".join(scan.pdf_texts(data))


# --- staff pages --------------------------------------------------------------------------------


def test_markup_is_escaped_on_staff_pages(world, client):
    entry, candidate, event = (world.objects[k] for k in ("entry", "candidate", "event"))
    Entry.objects.filter(pk=entry.pk).update(
        topic=SCRIPT, question=IMG, requester_name=SCRIPT, answer=IMG
    )
    Candidate.objects.filter(pk=candidate.pk).update(name=SCRIPT, agent_name=IMG)
    BriefingEvent.objects.filter(pk=event.pk).update(title=SCRIPT, place=IMG)
    PublicEntry.objects.filter(pk=world.objects["public_entry"].pk).update(topic=SCRIPT)
    client_for(client, world, "spoc")
    urls = [
        reverse("requests_register:list"),
        reverse("requests_register:detail", kwargs={"pk": entry.pk}),
        reverse("requests_register:my_work"),
        reverse("candidates:list"),
        reverse("candidates:detail", kwargs={"pk": candidate.pk}),
        reverse("briefings:event", kwargs={"pk": event.pk}),
        reverse("briefings:events"),
        reverse("briefings:offer"),
        reverse("publishing:list"),
        reverse("publishing:review", kwargs={"pk": world.objects["public_entry"].pk}),
    ]
    for url in urls:
        html = client.get(url).content.decode()
        _no_raw_markup(html, url)
    detail = client.get(urls[1]).content.decode()
    assert escape(SCRIPT) in detail and escape(IMG) in detail


# --- the public site ----------------------------------------------------------------------------


def test_public_site_pages_feeds_and_pdf_are_inert(world, tmp_path):
    election = world.election
    published = world.objects["public_entry_published"]
    PublicEntry.objects.filter(pk=published.pk).update(
        topic=SCRIPT, question=IMG, answer='=HYPERLINK("http://x.example.org","Click")'
    )
    event = world.objects["event"]
    BriefingEvent.objects.filter(pk=event.pk).update(
        title=SCRIPT, place="Hall\r\nATTENDEE:mailto:victim@example.org"
    )
    result = publish_site(election, to=tmp_path)
    assert result.status == "published", result.reason
    files = {
        p.relative_to(tmp_path).as_posix(): p.read_bytes()
        for p in tmp_path.rglob("*")
        if p.is_file()
    }
    page = files[f"entries/{published.reference}.html"].decode()
    assert escape(SCRIPT) in page and escape(IMG) in page
    # Markup matters where it is markup (HTML, the Atom feed); in iCalendar and CSV it is text,
    # and what matters there is that no line break makes a property and no cell a formula.
    for path, data in files.items():
        if path.endswith((".html", ".atom")):
            _no_raw_markup(data.decode("utf-8-sig"), path)

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(files["feed.atom"])  # noqa: S314 - our own output
    titles = [e.find(f"{atom}title").text for e in feed.findall(f"{atom}entry")]
    assert f"{published.reference}: {SCRIPT}" in titles  # text in the XML, not markup

    doc = json.loads(files["register.json"])
    [row] = [e for e in doc["entries"] if e["reference"] == published.reference]
    assert (row["topic"], row["question"]) == (SCRIPT, IMG)

    rows = list(csv.reader(io.StringIO(files["register.csv"].decode("utf-8-sig"))))
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_TRIGGERS), cell
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)

    [ics_path] = [p for p in files if p.endswith(".ics")]
    calendar = Calendar.from_ical(files[ics_path])
    events = [c for c in calendar.walk("VEVENT")]
    assert any(SCRIPT in str(e.get("summary")) for e in events)  # the text, as typed
    assert all(e.get("attendee") is None for e in events), "a line break added a property"
    assert b"\r\nATTENDEE" not in files[ics_path]

    text = _pdf_is_inert(files["register.pdf"], "register.pdf")
    assert "alert(1)" in text


# --- staff exports ----------------------------------------------------------------------------

LEADING = st.sampled_from([*FORMULA_TRIGGERS, " =", "\n=", " \t@"])
# No NUL: no form lets one through, and PostgreSQL text cannot hold it.
FORMULA = st.tuples(
    LEADING, st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)
).map("".join)


def test_staff_csv_export_never_starts_a_formula(world, client):
    entry = world.objects["entry"]
    client_for(client, world, "aud")
    url = reverse("requests_register:export_csv")

    @hypothesis_settings(max_examples=30)
    @given(values=st.tuples(FORMULA, FORMULA, FORMULA, FORMULA, FORMULA))
    def check(values):
        topic, question, name, answer, reason = values
        Entry.objects.filter(pk=entry.pk).update(
            topic=topic,
            question=question,
            requester_name=name,
            answer=answer,
            ending_reason=reason,
        )
        response = client.get(url)
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
        [row] = [r for r in rows if r and r[0] == entry.reference]
        for cell in row:
            assert not cell.lstrip().startswith(FORMULA_TRIGGERS) or cell.startswith("'"), cell
        assert f"'{topic}" in row

    check()


def test_public_csv_never_starts_a_formula(world):
    published = world.objects["public_entry_published"]

    @hypothesis_settings(max_examples=30)
    @given(values=st.tuples(FORMULA, FORMULA, FORMULA))
    def check(values):
        topic, question, answer = values
        PublicEntry.objects.filter(pk=published.pk).update(
            topic=topic, question=question, answer=answer
        )
        text = pages.render_csv(pages.load(world.election)).decode("utf-8-sig")
        for row in csv.reader(io.StringIO(text, newline="")):
            for cell in row:
                assert not cell.lstrip().startswith(FORMULA_TRIGGERS) or cell.startswith("'")

    check()


def test_staff_pdf_export_and_letters_are_inert(world, client):
    from briefings import letter_queue, letters

    entry = world.objects["entry"]
    Entry.objects.filter(pk=entry.pk).update(topic=SCRIPT, question=IMG)
    client_for(client, world, "aud")
    response = client.get(reverse("requests_register:export_pdf"))
    text = _pdf_is_inert(response.content, "the register export")
    assert "alert(1)" in text

    booking = world.objects["booking"]
    Candidate.objects.filter(pk=booking.candidate_id).update(name=SCRIPT)
    booking.refresh_from_db()
    booking.candidate.refresh_from_db()
    booking.place, booking.host = IMG, SCRIPT
    pdf = letters.render_letter_pdf(letter_queue.build_letter(booking, "confirmation", NOW))
    assert "alert(1)" in _pdf_is_inert(pdf, "a confirmation letter")


# --- e-mail ---------------------------------------------------------------------------------


def test_a_line_break_in_a_subject_cannot_add_a_header(world, client):
    """The topic goes into the acknowledgement's subject: collapsed to one line, so a typed
    "Bcc:" stays text in the subject; the body is plain text with the markup as typed."""
    from requests_register.outbox import build_message

    client_for(client, world, "spoc")
    response = client.post(
        reverse("requests_register:log"),
        {**LOG_FORM, "topic": INJECT, "question": SCRIPT, "acknowledge": "on"},
    )
    assert response.status_code == 302
    email = OutboundEmail.objects.filter(to=["alex@example.org"]).latest("pk")
    assert "\r" not in email.subject and "\n" not in email.subject
    message = build_message(email).message()
    assert message["Bcc"] is None
    assert build_message(email).recipients() == ["alex@example.org"]
    assert message.get_content_type() == "text/plain"


@pytest.mark.parametrize(
    "address",
    ["alex@example.org\r\nBcc: victim@example.org", "alex@example.org\nCc: victim@example.org"],
)
def test_an_address_with_a_line_break_is_refused_clearly(world, client, address):
    client_for(client, world, "spoc")
    before = table_counts()
    response = client.post(
        reverse("requests_register:log"),
        {**LOG_FORM, "requester_email": address, "acknowledge": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["requester_email"] == ["Enter a valid email address."]
    assert "govuk-error-summary" in response.content.decode()
    assert changed_tables(before, table_counts()) == {}


# --- uploads --------------------------------------------------------------------------------


def _media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize(
    ("name", "content_type", "data", "message"),
    [
        ("big.pdf", "application/pdf", b"%PDF-1.4 " + b"x" * 2048, "is larger than"),
        ("tool.exe", "application/x-msdownload", b"MZ\x90\x00", "is not a file type we keep"),
        ("tool.pdf", "application/pdf", b"MZ\x90\x00", "is not a real PDF file"),
        ("letter.exe", "application/pdf", b"%PDF-1.4", "name must end in .pdf"),
        ("photo.png", "image/png", b"<script>alert(1)</script>", "is not a real PNG file"),
        ("notes.txt", "text/plain", b"MZ\x00\x00binary", "is not a real TXT file"),
    ],
)
def test_a_refused_upload_is_explained_and_nothing_is_kept(
    world, client, settings, monkeypatch, name, content_type, data, message
):
    monkeypatch.setattr(services.common, "MAX_ATTACHMENT_BYTES", 1024)
    entry = world.objects["entry"]
    client_for(client, world, "spoc")
    files_before, before = _media_files(settings), table_counts()
    good = SimpleUploadedFile("fine.pdf", b"%PDF-1.4 fine", content_type="application/pdf")
    refused = SimpleUploadedFile(name, data, content_type=content_type)
    # Attached to an entry: a message after the redirect.
    response = client.post(
        reverse("requests_register:attachments", kwargs={"pk": entry.pk}),
        {"files": [good, refused]},
        follow=True,
    )
    html = response.content.decode()
    assert message in html
    _no_raw_markup(html, "the attachments message")
    # Logging a new entry: the form again, the reason against the field.
    good.seek(0)
    refused.seek(0)
    response = client.post(
        reverse("requests_register:log"),
        {**LOG_FORM, "attachments": [good, refused]},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["attachments"])
    assert "govuk-error-summary" in response.content.decode()
    assert changed_tables(before, table_counts()) == {}
    assert _media_files(settings) == files_before, "a refused upload left a file behind"
    assert not Attachment.objects.filter(filename="fine.pdf").exists()


def test_the_genuine_types_are_kept(world, client):
    entry = world.objects["entry"]
    client_for(client, world, "spoc")
    kept = [
        SimpleUploadedFile("a.pdf", b"%PDF-1.7\n", content_type="application/pdf"),
        SimpleUploadedFile("b.jpeg", b"\xff\xd8\xff\xe0JFIF", content_type="image/jpeg"),
        SimpleUploadedFile("c.png", b"\x89PNG\r\n\x1a\nIHDR", content_type="image/png"),
        SimpleUploadedFile(
            "d.docx",
            b"PK\x03\x04word/",
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        SimpleUploadedFile("e.csv", b"a,b\n1,2\n", content_type="text/csv"),
    ]
    client.post(reverse("requests_register:attachments", kwargs={"pk": entry.pk}), {"files": kept})
    names = set(entry.attachments.values_list("filename", flat=True))
    assert {"a.pdf", "b.jpeg", "c.png", "d.docx", "e.csv"} <= names


def test_oversized_sopn_and_email_uploads_are_refused_clearly(world, client, monkeypatch):
    from candidates import sopn
    from requests_register import email_import

    client_for(client, world, "spoc")
    monkeypatch.setattr(sopn, "MAX_BYTES", 100)
    response = client.post(
        reverse("candidates:sopn_import"),
        {"file": SimpleUploadedFile("sopn.csv", b"Name\n" + b"A" * 200, content_type="text/csv")},
    )
    assert "is larger than" in " ".join(response.context["form"].errors["file"])
    assert "govuk-error-summary" in response.content.decode()
    monkeypatch.setattr(email_import, "MAX_EMAIL_BYTES", 100)
    response = client.post(
        reverse("requests_register:log_from_email"),
        {"eml": SimpleUploadedFile("m.eml", b"Subject: x\n\n" + b"A" * 200)},
    )
    assert "larger than" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
