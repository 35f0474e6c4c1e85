"""What a publish run keeps for the next one in its worker process (issue 16, item 1): the
rows of the register (pages.data._ROWS), each whole-register file's per-entry pieces
(pages.opendata._PIECES) and the register PDF's stand-in. Kept or not, the site must be the
same, byte for byte, and a change of any kind must show in the next run."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine

from publishing import services
from publishing.models import PublicEntry
from publishing.site import pages
from publishing.site.pages import data as site_data
from publishing.site.pages import opendata
from publishing.site.pages import pdf as site_pdf
from publishing.site.publish import forget_kept
from requests_register.csv_safety import csv_line, write_csv
from tests.builders import NOW, published

WHOLE_REGISTER = {
    "register.csv": pages.render_csv,
    "register.json": pages.render_json,
    "search-index.json": pages.render_search_index,
}


def _forget() -> None:
    forget_kept()


def _files(election) -> dict[str, bytes]:
    data = pages.load(election)
    return {name: render(data) for name, render in WHOLE_REGISTER.items()}


def _cold(election) -> dict[str, bytes]:
    _forget()
    return _files(election)


@pytest.fixture
def register(election, cast):
    _forget()
    with time_machine.travel(NOW, tick=False):
        entries = [published(election, cast, topic=t) for t in ("Road safety", "Night cover")]
    yield entries
    _forget()


def test_a_new_answer_is_in_every_file_and_the_kept_pieces_make_the_full_render(
    election, cast, register
):
    before = _files(election)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        third = published(election, cast, topic="Rural crime")
    warm = _files(election)
    assert warm == _cold(election)
    for name, content in warm.items():
        assert third.reference.encode() in content, name
        assert third.reference.encode() not in before[name], name


def test_a_correction_shows_in_the_next_run_with_its_note(election, cast, register):
    first = register[0]
    _files(election)  # kept: the rows and the pieces of both entries
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        correction = services.correct(
            first.pk, "Nine officers cover the night.", "The number was corrected.", cast["ce"]
        )
        services.approve_correction(correction.pk, cast["spoc"])
    warm = _files(election)
    assert warm == _cold(election)
    assert b"The number was corrected." in warm["register.csv"]
    assert b"Nine officers cover the night." in warm["register.json"]


def test_a_withdrawn_answer_leaves_the_files_at_once(election, cast, register):
    first = register[0]
    _files(election)
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        services.set_public_status(
            first.pk, "withdrawn", by=cast["ce"], reason="It named a person."
        )
    warm = _files(election)
    assert warm == _cold(election)
    document = json.loads(warm["register.json"])
    assert [e["reference"] for e in document["entries"]] == [register[1].reference]
    assert [n["reference"] for n in document["withdrawn"]] == [first.reference]
    search = json.loads(warm["search-index.json"])
    assert [row["reference"] for row in search] == [register[1].reference]
    assert b"It named a person." in warm["register.csv"]  # its notice, as before


def test_a_change_made_behind_the_services_back_is_not_hidden_by_what_was_kept(election, register):
    """The rows are kept by every value they are built from, not by a version number: even
    an update that bypasses the services (and bumps nothing) is in the next run."""
    _files(election)
    PublicEntry.objects.filter(pk=register[1].pk).update(topic="Moved topic")
    warm = _files(election)
    assert warm == _cold(election)
    assert b"Moved topic" in warm["register.csv"]
    assert b"Night cover" not in warm["register.csv"]


def test_the_election_s_answering_body_names_are_part_of_what_a_row_is_kept_by(election, register):
    _files(election)
    election.office_name = "Office of the Commissioner for Testshire (renamed)"
    election.save()
    warm = _files(election)
    assert warm == _cold(election)
    assert b"(renamed)" in warm["register.csv"]


def test_the_welsh_pieces_are_not_the_english_ones(election, register):
    from django.utils import translation

    english = _files(election)
    with translation.override("cy"):
        welsh = pages.render_csv(pages.load(election))
    with translation.override("en-gb"):
        assert pages.render_csv(pages.load(election)) == english["register.csv"]
    assert opendata._PIECES.keys() >= {
        ("register.csv", election.pk, "cy"),
        ("register.csv", election.pk, "en-gb"),
    }
    assert welsh.count(b"\r\n") == english["register.csv"].count(b"\r\n")


def test_only_the_last_run_s_rows_and_pieces_are_kept(election, cast, register):
    _files(election)
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        services.set_public_status(register[0].pk, "withdrawn", by=cast["ce"], reason="Named.")
    _files(election)
    assert len(site_data._ROWS[election.pk]) == 1
    assert len(opendata._PIECES[("register.csv", election.pk, "en-gb")]) == 1


def test_a_csv_line_is_the_line_write_csv_writes():
    header = ("a", "b", "c")
    rows = [["=1+2", "line\nbreak", 'quote "q"'], ["", None, "-5"]]
    whole = write_csv(rows, header)
    assert whole == write_csv([], header) + "".join(csv_line(r, header) for r in rows)
    with pytest.raises(ValueError, match="wrong number of cells"):
        csv_line(["only one"], header)


def test_the_stand_in_pdf_is_laid_out_once_per_text(monkeypatch):
    made = []
    monkeypatch.setattr(site_pdf, "render_pdf", lambda html: made.append(html) or b"%PDF-")
    monkeypatch.setattr(site_pdf, "_STAND_INS", {})
    assert site_pdf._stand_in("<p>Office A</p>") == b"%PDF-"
    assert site_pdf._stand_in("<p>Office A</p>") == b"%PDF-"
    site_pdf._stand_in("<p>Office B</p>")
    assert made == ["<p>Office A</p>", "<p>Office B</p>"]


def test_forget_kept_leaves_nothing_kept(election, register):
    _files(election)
    assert site_data._ROWS and opendata._PIECES
    forget_kept()
    assert not site_data._ROWS and not opendata._PIECES and not site_pdf._STAND_INS
