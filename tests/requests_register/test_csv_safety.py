"""Tests for requests_register.csv_safety: CSV export safe from formula injection (OWASP)."""

import csv
import io
from datetime import date

import pytest

from requests_register.csv_safety import neutralise_cell, write_csv

HOSTILE = [
    pytest.param('=HYPERLINK("http://x.example.org")', id="equals-hyperlink"),
    pytest.param("+1+2", id="plus"),
    pytest.param("-2+3", id="minus"),
    pytest.param("@SUM(A1)", id="at"),
    pytest.param("\t=1", id="tab"),
    pytest.param("\r=1", id="carriage-return"),
    pytest.param("  =1", id="equals-after-spaces"),
    pytest.param(" \n@SUM(A1)", id="at-after-newline"),
    pytest.param("\tPolicing plan", id="tab-before-text"),
    pytest.param("-5", id="negative-number"),
]


def _read(text: str) -> list[list[str]]:
    # newline="" keeps the carriage returns inside quoted cells, as the csv docs require.
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise_cell_hostile_text_gets_quote_prefix(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("Policing plan", "Policing plan", id="text"),
        pytest.param("", "", id="empty"),
        pytest.param(None, "", id="none"),
        pytest.param(42, "42", id="int"),
        pytest.param(-5, "'-5", id="negative-int"),
        pytest.param(date(2024, 5, 2), "2024-05-02", id="date"),
        pytest.param(
            "Sam Sample <sam.sample@example.org>", "Sam Sample <sam.sample@example.org>", id="email"
        ),
        pytest.param("07700 900123", "07700 900123", id="phone"),
        pytest.param("Cost = £5", "Cost = £5", id="equals-inside"),
        pytest.param("'=1", "'=1", id="already-quoted"),
    ],
)
def test_neutralise_cell_benign_values_are_plain_text(value: object, expected: str) -> None:
    assert neutralise_cell(value) == expected


def test_write_csv_neutralises_every_cell_and_uses_crlf() -> None:
    text = write_csv(
        [["Sam Sample", "=1+1", 3], ["Zoë Example", None, "@SUM(A1)"]],
        header=["Name", "Question", "-Days"],
    )

    assert text == ("Name,Question,'-Days\r\nSam Sample,'=1+1,3\r\nZoë Example,,'@SUM(A1)\r\n")


@pytest.mark.parametrize("value", HOSTILE)
def test_write_csv_hostile_cell_round_trips_neutralised(value: str) -> None:
    text = write_csv([[value, "Policing plan"]], header=["Question", "Topic"])

    assert _read(text) == [["Question", "Topic"], ["'" + value, "Policing plan"]]


def test_write_csv_quotes_commas_quotes_and_line_breaks() -> None:
    question = 'When is the "hustings", and where?\r\nThanks'
    text = write_csv([[question, None, 42]], header=["Question", "Notes", "Days"])

    assert (text.splitlines()[1], _read(text)) == (
        '"When is the ""hustings"", and where?',
        [["Question", "Notes", "Days"], [question, "", "42"]],
    )


def test_write_csv_no_rows_is_header_only() -> None:
    assert write_csv([], header=["Name", "Received"]) == "Name,Received\r\n"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        pytest.param(
            ["Sam Sample"],
            r"Row 1 has the wrong number of cells \(1; the header has 2\)",
            id="short",
        ),
        pytest.param(
            ["a", "b", "c"],
            r"Row 1 has the wrong number of cells \(3; the header has 2\)",
            id="long",
        ),
        pytest.param("ab", "Row 1 must be a sequence of cells, not a string", id="string"),
    ],
)
def test_write_csv_row_not_matching_header_raises(row: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        write_csv([row], header=["Name", "Received"])  # type: ignore[list-item]
