"""The protocol as a document (issue 15, item 2): versions with change notes, the office's
clauses mapped to the rules the software applies, acknowledgements, the Chief Executive's list
of who has not read it, and the version on the public election page."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from election_protocol.calendar import LONDON
from protocol import queries, rules, services
from protocol.models import Acknowledgement, ProtocolVersion
from publishing.site import publish_site

NOW = datetime(2024, 4, 10, 11, 0, tzinfo=LONDON)


def test_parse_mapping_reads_lines_and_says_what_to_fix():
    text = "\n register.four_eyes = 6.3 Approved by the CE \n\nclosedown.after_poll=7. Close"
    assert rules.parse_mapping(text) == {
        "register.four_eyes": "6.3 Approved by the CE",
        "closedown.after_poll": "7. Close",
    }
    with pytest.raises(rules.MappingError, match="Line 1: write"):
        rules.parse_mapping("no equals sign")
    with pytest.raises(rules.MappingError, match="not a rule the software applies"):
        rules.parse_mapping("register.nonsense = x")
    with pytest.raises(rules.MappingError, match="mapped twice"):
        rules.parse_mapping("register.four_eyes = a\nregister.four_eyes = b")
    with pytest.raises(rules.MappingError, match="empty"):
        rules.parse_mapping("register.four_eyes = ")
    assert rules.parse_mapping(rules.mapping_text({"register.four_eyes": "x"})) == {
        "register.four_eyes": "x"
    }


def test_versions_are_numbered_and_acknowledged_once(election, cast):
    first = services.add_version(
        election, title="P", text="One", change_note="First", clauses={}, by=cast["spoc"], now=NOW
    )
    second = services.add_version(
        election, title="P", text="Two", change_note="More", clauses={}, by=cast["ce"], now=NOW
    )
    assert (first.number, second.number) == (1, 2)
    assert queries.latest_version(election) == second
    services.acknowledge(second, by=cast["spoc"], now=NOW)
    services.acknowledge(second, by=cast["spoc"])
    assert Acknowledgement.objects.filter(version=second).count() == 1
    missing = [r.name for r in queries.not_acknowledged(second)]
    assert "spoc-test" not in missing and "ce-test" in missing


def test_the_office_writes_uploads_and_staff_acknowledge(election, cast, client, time_machine):
    time_machine.move_to(NOW)
    client.force_login(cast["spoc"])
    url = reverse("protocol:new_version")
    refused = client.post(
        url,
        {
            "title": "Our protocol",
            "text": "",
            "change_note": "First",
            "clauses": "register.bogus = x",
        },
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "govuk-error-summary" in html and "not a rule the software applies" in html
    assert "Write the protocol, or upload it" in html and "Our protocol" in html
    assert not ProtocolVersion.objects.exists()

    upload = SimpleUploadedFile("protocol.txt", b"1. Purpose\n\nWe treat all alike.")
    saved = client.post(
        url,
        {
            "title": "Our protocol",
            "text": "",
            "upload": upload,
            "change_note": "First version",
            "clauses": "register.four_eyes = 4. The Chief Executive approves every answer.",
        },
    )
    assert saved.status_code == 302
    version = ProtocolVersion.objects.get()
    assert version.text == "1. Purpose\n\nWe treat all alike." and version.number == 1
    binary = SimpleUploadedFile("protocol.txt", b"\xff\xfe\x00bad")
    response = client.post(url, {"title": "T", "upload": binary, "change_note": "x", "clauses": ""})
    assert "not plain text" in response.content.decode()
    assert ProtocolVersion.objects.count() == 1

    # A liaison reads it and says so; an old page cannot acknowledge a newer version.
    client.force_login(cast["liaison"])
    page = client.get(reverse("protocol:page")).content.decode()
    assert "We treat all alike." in page and "The Chief Executive approves every answer." in page
    client.post(reverse("protocol:acknowledge"), {"number": "7"})
    assert not Acknowledgement.objects.exists()
    client.post(reverse("protocol:acknowledge"), {"number": "1"})
    assert Acknowledgement.objects.get().user == cast["liaison"]

    # The Chief Executive's list: who has not read version 1.
    client.force_login(cast["ce"])
    html = client.get(reverse("protocol:readers")).content.decode()
    not_read = html.split('id="not-read"')[1].split("</ul>")[0]
    assert "spoc-test" in not_read and "liaison-test" not in not_read
    # The register shows the office's own clause where it applies the four-eyes rule.
    parity = client.get(reverse("requests_register:parity")).content.decode()
    assert "equal_treatment" not in parity  # not mapped: nothing shown


def test_the_public_page_carries_the_version_in_force(election, cast, _public_site_in_tmp):
    services.add_version(
        election, title="P", text="Old text", change_note="First", clauses={}, by=cast["spoc"]
    )
    services.add_version(
        election,
        title="Northshire protocol",
        text="Clause one.\n\nClause two.",
        change_note="Clause two added.",
        clauses={},
        by=cast["spoc"],
    )
    result = publish_site(election)
    assert result.status == "published"
    page = (_public_site_in_tmp / "current" / "protocol" / "index.html").read_text()
    assert "Northshire protocol" in page and "Version 2" in page
    assert "Clause two added." in page and "Clause two." in page and "Old text" not in page
    assert "protocol/index.html" in (_public_site_in_tmp / "current" / "index.html").read_text()


def test_the_mapped_clause_is_shown_where_the_rule_applies(election, cast, client, time_machine):
    time_machine.move_to(NOW)
    services.add_version(
        election,
        title="P",
        text="T",
        change_note="N",
        clauses={"register.equal_treatment": "3. Offered to all alike."},
        by=cast["spoc"],
    )
    client.force_login(cast["spoc"])
    html = client.get(reverse("requests_register:parity")).content.decode()
    assert "3. Offered to all alike." in html and "Your protocol (version 1)" in html


def _pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<h1>Protocol</h1><p>{text}</p>").write_pdf()


def test_the_protocol_uploaded_as_a_pdf_is_checked_kept_and_published(
    election, cast, client, time_machine, _public_site_in_tmp
):
    """Issue 15, item 2: the protocol as adopted, a PDF checked like every uploaded PDF
    (briefings.materials.check_pdf), versioned, and a download on the public page beside the
    text version."""
    time_machine.move_to(NOW)
    client.force_login(cast["spoc"])
    url = reverse("protocol:new_version")
    typed = {
        "title": "Westvale protocol",
        "text": "1. Purpose\n\nWe treat all alike.",
        "change_note": "Adopted by the board",
        "clauses": "",
    }
    # A program named .pdf, a PDF named .txt, a text file declared as a PDF: refused with a
    # clear message, what was typed kept, nothing stored.
    for name, body, kind in (
        ("protocol.pdf", b"MZ\x90\x00 a Windows program", "application/pdf"),
        ("protocol.txt", _pdf("x"), "application/pdf"),
        ("protocol.pdf", b"Just text", "text/plain"),
    ):
        refused = client.post(
            url, {**typed, "pdf": SimpleUploadedFile(name, body, content_type=kind)}
        )
        assert refused.status_code == 400, name
        html = refused.content.decode()
        assert "govuk-error-summary" in html and name in html
        assert "Westvale protocol" in html and "Adopted by the board" in html
        assert not ProtocolVersion.objects.exists()

    pdf = _pdf("The Chief Executive approves every answer.")
    saved = client.post(
        url,
        {**typed, "pdf": SimpleUploadedFile("Our protocol.pdf", pdf, "application/pdf")},
    )
    assert saved.status_code == 302
    version = ProtocolVersion.objects.get()
    assert version.pdf_filename == "Our protocol.pdf" and version.pdf.read() == pdf
    # A second version without a PDF: the first keeps its own file (versioned).
    services.add_version(
        election, title="P", text="Text only.", change_note="Second", clauses={}, by=cast["spoc"]
    )
    assert ProtocolVersion.objects.get(number=1).pdf
    assert not ProtocolVersion.objects.get(number=2).pdf

    # The public page: the download beside the text version, the file itself in the site.
    ProtocolVersion.objects.filter(number=2).delete()
    assert publish_site(election).status == "published"
    site = _public_site_in_tmp / "current"
    page = (site / "protocol" / "index.html").read_text()
    assert 'href="../protocol/protocol-version-1.pdf"' in page and "We treat all alike." in page
    assert (site / "protocol" / "protocol-version-1.pdf").read_bytes() == pdf
    welsh = (site / "cy" / "protocol" / "index.html").read_text()
    assert 'href="../../protocol/protocol-version-1.pdf"' in welsh
