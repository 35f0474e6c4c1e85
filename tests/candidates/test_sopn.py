import pytest

from candidates.rules import Status
from candidates.sopn import (
    KnownCandidate,
    KnownParty,
    RowError,
    SopnAction,
    SopnFileError,
    decode_upload,
    plan_sopn,
)

PARTIES = [
    KnownParty(1, "Labour Party", ("Labour",)),
    KnownParty(2, "Liberal Democrats", ("Lib Dems",)),
    KnownParty(3, "Conservative and Unionist Party", ("Conservative", "the Tories")),
]
CANDIDATES = [
    KnownCandidate(10, "Priya Castellane", Status.PROSPECTIVE),
    KnownCandidate(11, "Robert Quayle", Status.PROSPECTIVE, ("Bob Quayle",)),
    KnownCandidate(12, "Dana Already", Status.DECLARED),
    KnownCandidate(13, "Gone Away", Status.WITHDRAWN),
    KnownCandidate(14, "Not Standing", Status.PROSPECTIVE),
]


def test_plan_matches_known_candidates_by_name_and_alias_and_creates_new_ones():
    text = (
        "Surname,Other names,Description,Home address\n"
        'CASTELLANE,Priya,Labour Party,"1 Fictional Row, Northtown"\n'
        "QUAYLE,Bob,Conservative,\n"
        "ALREADY,Dana,Lib Dems,\n"
        "NEWCOMER,Ffion,,Address in the Northshire police area\n"
    )
    plan = plan_sopn(text, PARTIES, CANDIDATES)
    assert plan.errors == []
    assert [(r.line, r.name, r.party_id, r.action, r.candidate_id) for r in plan.rows] == [
        (2, "Priya Castellane", 1, SopnAction.DECLARE, 10),
        (3, "Bob Quayle", 3, SopnAction.DECLARE, 11),
        (4, "Dana Already", 2, SopnAction.UNCHANGED, 12),
        (5, "Ffion Newcomer", None, SopnAction.CREATE, None),
    ]
    assert plan.rows[0].address == "1 Fictional Row, Northtown"
    assert plan.rows[3].party_label == "Independent"
    assert plan.not_on_statement == ["Not Standing"]


def test_plan_reports_each_unreadable_row_with_its_line():
    text = (
        "Name,Party\n"
        ",Labour\n"
        "Ann Example,Monster Raving Loony\n"
        "Gone Away,Labour\n"
        "Bea Example,Independent\n"
        "bea example,Labour\n"
    )
    plan = plan_sopn(text, PARTIES, CANDIDATES)
    assert [e.line for e in plan.errors] == [2, 3, 4, 6]
    assert plan.errors[0] == RowError(2, "No candidate name on this row.")
    assert "'Monster Raving Loony' for Ann Example is not a known party" in plan.errors[1].message
    assert "recorded as withdrawn" in plan.errors[2].message
    assert "appears more than once" in plan.errors[3].message
    assert [r.name for r in plan.rows] == ["Bea Example"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Candidate,Address\nA B,x\n", "no 'Description' or 'Party' column"),
        ("Foo,Party\nA B,Labour\n", "must name the columns"),
        ("Name,Party\n\n", "no candidates"),
        ("", "empty"),
    ],
)
def test_plan_refuses_a_file_it_cannot_read_saying_what_to_fix(text, message):
    with pytest.raises(SopnFileError, match=message):
        plan_sopn(text, PARTIES, CANDIDATES)


def test_decode_upload_accepts_utf8_with_bom_and_windows_1252():
    assert decode_upload("\ufeffName,Party\nZoë X,Labour\n".encode()).startswith("Name")
    assert "Zoë" in decode_upload("Name,Party\nZoë X,Labour\n".encode("cp1252"))


def test_decode_upload_refuses_empty_and_huge_files():
    with pytest.raises(SopnFileError, match="empty"):
        decode_upload(b"  \n")
    with pytest.raises(SopnFileError, match="larger than"):
        decode_upload(b"x" * 200_001)


def test_plan_reads_rows_ended_by_a_bare_carriage_return():
    # A stray "\r" once raised csv.Error, a server error (found by the hostile-input suite).
    plan = plan_sopn("Name,Party\rAnn Example,Labour\r\nBea Example,\r", PARTIES, CANDIDATES)
    assert plan.errors == []
    assert [(r.line, r.name) for r in plan.rows] == [(2, "Ann Example"), (3, "Bea Example")]


def test_plan_refuses_text_the_csv_reader_cannot_parse_saying_what_to_fix():
    with pytest.raises(SopnFileError, match="cannot be read as CSV"):
        # One cell over the csv module's field limit (131,072 characters), under MAX_BYTES.
        plan_sopn("Name,Party\n" + "A" * 140_000 + ",Labour\n", PARTIES, CANDIDATES)
