"""CSV export that spreadsheet programs cannot be tricked into running as formulas.

Register cells hold text typed by the public (names, questions, e-mail subjects). A cell such as
``=HYPERLINK("http://x.example.org", "Click")`` opened in Excel or LibreOffice becomes a live
formula: it can leak other cells to a remote site or, via DDE, run commands. Pure functions: text
in, text out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# OWASP "CSV Injection": a cell starting with any of these may be read as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> str:
    """Return `value` as text that a spreadsheet will show, never evaluate.

    None becomes "". Text starting with = + - @, a tab or a carriage return, also after leading
    whitespace (spreadsheets skip it before looking for a formula), gets a single quote in
    front, as the OWASP CSV Injection guidance recommends
    (https://owasp.org/www-community/attacks/CSV_Injection). A negative number such as "-5"
    is prefixed too: telling a harmless number from "-2+3" is exactly the cleverness the
    guidance warns against, and the quote only changes how the cell is shown.
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS) or text.lstrip().startswith(FORMULA_TRIGGERS):
        return f"'{text}"
    return text


def write_csv(rows: Iterable[Sequence[object]], header: Sequence[str]) -> str:
    """Return CSV text (RFC 4180: minimal quoting, CRLF line endings) of `header` then `rows`,
    every cell passed through ``neutralise_cell``.

    Raise ValueError if a row does not have one cell per header column: a short or long row
    would shift values into the wrong columns of the export without anyone noticing.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise_cell(name) for name in header])
    for number, row in enumerate(rows, start=1):
        writer.writerow(_cells(row, header, number))
    return buffer.getvalue()


def csv_line(row: Sequence[object], header: Sequence[str]) -> str:
    """Return the line write_csv writes for `row`, on its own: a file's lines can then be made
    one at a time and joined, each kept while its row is the same (the public register's CSV,
    publishing.site.pages.opendata). write_csv([], header) is the header's line."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerow(
        _cells(row, header, 1)
    )
    return buffer.getvalue()


def _cells(row: Sequence[object], header: Sequence[str], number: int) -> list[str]:
    # The row itself is not quoted in the messages: it holds personal data and errors end up
    # in logs.
    if isinstance(row, str | bytes):
        raise ValueError(f"Row {number} must be a sequence of cells, not a string")
    if len(row) != len(header):
        raise ValueError(
            f"Row {number} has the wrong number of cells ({len(row)}; the header has {len(header)})"
        )
    return [neutralise_cell(cell) for cell in row]
