"""Read a statement of persons nominated (SoPN) from CSV into a plan staff can preview.

Pure: no ORM. The caller passes the known parties and the election's existing candidates;
`plan_sopn` returns what an import would do and every row it cannot read, so nothing is
written until staff have seen the preview (candidates.services.import_sopn applies it).

The PARO publishes the SoPN by 4pm on the 18th working day before the poll (PCC Elections
Order 2012, Sch 3); being on it is what "declared" means here (Cumbria protocol 1.4, 8.3).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from candidates.rules import Status, normalise_name

MAX_BYTES = 200_000
INDEPENDENT_WORDS = frozenset({"", "independent", "ind", "no description"})


class SopnAction(StrEnum):
    DECLARE = "declare"  # a known prospective candidate becomes declared
    CREATE = "create"  # a new candidate is created as declared
    UNCHANGED = "unchanged"  # already declared: nothing to do


@dataclass(frozen=True)
class KnownParty:
    id: int
    name: str
    short_forms: Sequence[str] = ()


@dataclass(frozen=True)
class KnownCandidate:
    id: int
    name: str
    status: Status
    aliases: Sequence[str] = ()
    party_id: int | None = None
    party_label: str = "Independent"


@dataclass(frozen=True)
class PlanRow:
    line: int
    name: str
    party_id: int | None
    party_label: str
    address: str
    action: SopnAction
    candidate_id: int | None = None
    # For a known candidate whose party on the statement differs from ours: what we had.
    previous_party_label: str | None = None

    @property
    def party_changed(self) -> bool:
        return self.previous_party_label is not None


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class SopnPlan:
    rows: list[PlanRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Prospective candidates the statement does not name: staff may want to mark them withdrawn.
    not_on_statement: list[str] = field(default_factory=list)


class SopnFileError(ValueError):
    """The file as a whole cannot be read; the message says what to fix."""


def _key(header: str) -> str:
    return "".join(ch for ch in header.casefold() if ch.isalnum())


NAME_KEYS = {"name", "candidate", "candidatename", "nameofcandidate", "fullname"}
SURNAME_KEYS = {"surname", "lastname", "familyname"}
OTHER_NAMES_KEYS = {"othernames", "forenames", "firstnames", "firstname", "givennames"}
PARTY_KEYS = {"description", "party", "descriptionifany", "partydescription"}
ADDRESS_KEYS = {"address", "homeaddress", "homeaddressinfull"}


def _column(headers: list[str], keys: set[str]) -> int | None:
    for index, header in enumerate(headers):
        if _key(header) in keys:
            return index
    return None


def _display_surname(surname: str) -> str:
    # SoPNs print surnames in capitals; "SMITH-JONES" reads better as "Smith-Jones".
    return surname.title() if surname.isupper() else surname


def _name_index[T](known: Sequence[T], forms: Callable[[T], Iterable[str]]) -> dict[str, T]:
    """Return each of `known` under every form of its name, normalised; where two share a form,
    the first keeps it."""
    index: dict[str, T] = {}
    for item in known:
        for form in forms(item):
            index.setdefault(normalise_name(form), item)
    return index


def decode_upload(data: bytes) -> str:
    """Return the text of an uploaded CSV, or raise SopnFileError saying what is wrong."""
    if len(data) > MAX_BYTES:
        raise SopnFileError(
            f"The file is larger than {MAX_BYTES // 1000} KB: is it the right file?"
        )
    if not data.strip():
        raise SopnFileError("The file is empty.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SopnFileError("The file is not text: save the statement as CSV (UTF-8) and try again.")


def plan_sopn(
    text: str, parties: Sequence[KnownParty], candidates: Sequence[KnownCandidate]
) -> SopnPlan:
    """Return what importing `text` (CSV with a header row) would do, and rows it cannot read.

    Columns, in any order and case: a name ("Name") or "Surname" with "Other names"; a party
    ("Description" or "Party": a registered name or a short form; blank or "Independent" for
    an independent); optionally "Home address". Names match existing candidates by name or
    alias, ignoring case, accents and punctuation.
    """
    # newline="": the csv module reads line ends itself, so a bare carriage return (an old Mac
    # export, or a stray one) ends a row instead of failing the parse.
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise SopnFileError(
            f"The file cannot be read as CSV ({error}): save the statement as CSV and try again."
        ) from None
    if not rows:
        raise SopnFileError("The file is empty.")
    headers = rows[0]
    reader = iter(rows[1:])
    name_col = _column(headers, NAME_KEYS)
    surname_col = _column(headers, SURNAME_KEYS)
    other_col = _column(headers, OTHER_NAMES_KEYS)
    party_col = _column(headers, PARTY_KEYS)
    address_col = _column(headers, ADDRESS_KEYS)
    if name_col is None and (surname_col is None or other_col is None):
        raise SopnFileError(
            "The first row must name the columns: a 'Name' column, or 'Surname' and "
            "'Other names' columns, and a 'Description' (party) column."
        )
    if party_col is None:
        raise SopnFileError(
            "The first row has no 'Description' or 'Party' column: add one (leave a cell "
            "blank or write Independent for an independent candidate)."
        )

    party_index = _name_index(parties, lambda party: (party.name, *party.short_forms))
    candidate_index = _name_index(
        candidates, lambda candidate: (candidate.name, *candidate.aliases)
    )
    plan = SopnPlan()
    seen: set[str] = set()

    def cell(row: list[str], col: int | None) -> str:
        return row[col].strip() if col is not None and col < len(row) else ""

    for line, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        if name_col is not None:
            name = " ".join(cell(row, name_col).split())
        else:
            name = " ".join(
                f"{cell(row, other_col)} {_display_surname(cell(row, surname_col))}".split()
            )
        if not name:
            plan.errors.append(RowError(line, "No candidate name on this row."))
            continue
        key = normalise_name(name)
        if key in seen:
            plan.errors.append(RowError(line, f"{name} appears more than once."))
            continue
        seen.add(key)

        description = cell(row, party_col)
        party: KnownParty | None = None
        if normalise_name(description) not in INDEPENDENT_WORDS:
            party = party_index.get(normalise_name(description))
            if party is None:
                plan.errors.append(
                    RowError(
                        line,
                        f"Party {description!r} for {name} is not a known party: check the "
                        "spelling, or add the party (with this short form) in the admin.",
                    )
                )
                continue
        address = cell(row, address_col)
        party_id = party.id if party else None
        party_label = party.name if party else "Independent"

        existing = candidate_index.get(key)
        if existing is None:
            action, candidate_id = SopnAction.CREATE, None
        elif existing.status == Status.PROSPECTIVE:
            action, candidate_id = SopnAction.DECLARE, existing.id
        elif existing.status == Status.DECLARED:
            action, candidate_id = SopnAction.UNCHANGED, existing.id
        else:
            plan.errors.append(
                RowError(
                    line,
                    f"{existing.name} is recorded as {existing.status.value.replace('_', ' ')}: "
                    "correct their status before importing.",
                )
            )
            continue
        previous = None
        if existing is not None and action == SopnAction.DECLARE and existing.party_id != party_id:
            previous = existing.party_label
        plan.rows.append(
            PlanRow(line, name, party_id, party_label, address, action, candidate_id, previous)
        )

    named = {row.candidate_id for row in plan.rows if row.candidate_id is not None}
    plan.not_on_statement = sorted(
        c.name for c in candidates if c.status == Status.PROSPECTIVE and c.id not in named
    )
    if not plan.rows and not plan.errors:
        raise SopnFileError("The file has a header row but no candidates.")
    return plan
