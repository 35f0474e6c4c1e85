"""What changed among the leak check's identifiers since the last run (scan.Identifiers), and
the three looks that use it: the kept Scanner (scan.scanner_of), the carried files' check
(checks._carried_check) and the check record written as changes (checks._save_check_record).

An approval's run looks only at the identifiers added since the run before, not at forty
thousand digests put into sets several times a run (issue 16). Each result here is compared
with the one worked out from nothing (forget_kept), and each look with the same look given a
plain list, which compares every digest."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from candidates.models import Candidate
from publishing.models import PublicEntry, PublicRedaction
from publishing.site import checks, scan
from publishing.site.publish import forget_kept
from tests.builders import NOW, answered, declared_candidate, published
from tests.publishing.test_private_identifiers import _requester

# After the close of nominations, when a candidate can be declared.
DECLARED_AT = NOW + timedelta(days=50)


def _by_key(identifiers) -> dict[tuple, str]:
    return {(i.tokens, i.digits, i.postcode): i.kind for i in identifiers}


def _fresh() -> scan.Identifiers:
    """The identifiers as a worker's first run works them out (nothing kept), then kept again
    as the next call's base is the one before it."""
    forget_kept()
    return scan.private_identifiers()


def _same_as_fresh(result: scan.Identifiers) -> None:
    fresh = _fresh()
    assert _by_key(result) == _by_key(fresh)
    assert result.digests == fresh.digests == frozenset(i.digest for i in result)
    assert len(result) == len(fresh)


def _changed_from(result: scan.Identifiers, before: scan.Identifiers) -> None:
    """`result` says exactly what changed since `before`, the very set it was made from."""
    assert result.base is before.digests
    assert {i.digest for i in result.added} == result.digests - before.digests
    assert result.removed == before.digests - result.digests


def _redaction(public_entry: PublicEntry, cast, kind: str, original: str) -> PublicRedaction:
    return PublicRedaction.objects.create(
        public_entry=public_entry,
        field="answer",
        start=0,
        end=len(original),
        kind=kind,
        label=kind,
        original=original,
        source=PublicRedaction.Source.MANUAL,
        reason="A neighbour's detail.",
        by=cast["spoc"],
        at=timezone.now(),
    )


def test_each_result_says_what_changed_since_the_last_and_equals_one_worked_out_afresh(
    election, cast
):
    forget_kept()
    answered(
        election, cast, **_requester("Morwenna Trelawny", "morwenna@example.org", "07700 900431")
    )
    candidate = declared_candidate(
        election, cast["spoc"], emails=["ada.one@example.org"], at=DECLARED_AT
    )
    first = scan.private_identifiers()
    assert first.base is None  # nothing before it: compared with nothing

    # A requester added (an approval's run): only their identifiers are new.
    public_entry = published(
        election, cast, **_requester("Kerensa Tregenza", "kerensa@example.org", "07700 900432")
    )
    second = scan.private_identifiers()
    _changed_from(second, first)
    assert {i.tokens for i in second.added} >= {scan.tokens("kerensa@example.org")}
    assert "7700900432" in {i.digits for i in second.added}
    assert not second.removed
    _same_as_fresh(second)

    # What a redaction hid: added, then gone once restored.
    second = scan.private_identifiers()
    hidden = _redaction(public_entry, cast, "phone", "07700 900433")
    third = scan.private_identifiers()
    _changed_from(third, second)
    assert [i.digits for i in third.added] == ["7700900433"]
    _same_as_fresh(third)
    third = scan.private_identifiers()
    PublicRedaction.objects.filter(pk=hidden.pk).update(
        restored=True,
        restored_reason="Not private after all.",
        restored_by=cast["spoc"],
        restored_at=timezone.now(),
    )
    fourth = scan.private_identifiers()
    _changed_from(fourth, third)
    assert not fourth.added and len(fourth.removed) == 1
    assert "7700900433" not in {i.digits for i in fourth}
    _same_as_fresh(fourth)

    # A candidate's address changed: the new one added (the history keeps the old one).
    fourth = scan.private_identifiers()
    Candidate.objects.filter(pk=candidate.pk).update(emails=["ada.two@example.org"])
    fifth = scan.private_identifiers()
    _changed_from(fifth, fourth)
    assert {i.tokens for i in fifth.added} == {scan.tokens("ada.two@example.org")}
    assert scan.tokens("ada.one@example.org") in {i.tokens for i in fifth}  # the history's
    _same_as_fresh(fifth)

    # Nothing changed: the same set, nothing added or removed.
    fifth = scan.private_identifiers()
    sixth = scan.private_identifiers()
    _changed_from(sixth, fifth)
    assert sixth.digests == fifth.digests and not sixth.added and not sixth.removed


def test_of_one_key_the_candidate_s_identifier_counts_before_a_requester_s_and_a_redacted(
    election, cast
):
    forget_kept()
    declared_candidate(election, cast["spoc"], phones=["07700 900441"], at=DECLARED_AT)
    public_entry = published(
        election, cast, **_requester("Lowenna Penhallow", "lowenna@example.org", "07700 900442")
    )
    before = scan.private_identifiers()
    # The candidate's phone given as a requester's too, and the requester's phone as what a
    # redaction hid: each key keeps the kind it had.
    answered(election, cast, **_requester("Jory Hocking", "jory@example.org", "07700 900441"))
    _redaction(public_entry, cast, "phone", "07700 900442")
    after = scan.private_identifiers()
    _changed_from(after, before)
    kinds = {i.digits: i.kind for i in after if i.digits}
    assert kinds["7700900441"] == "a candidate's phone number"
    assert kinds["7700900442"] == "a requester's phone number"
    _same_as_fresh(after)


def test_a_call_stopped_halfway_leaves_the_next_to_compare_with_nothing(
    election, cast, monkeypatch
):
    forget_kept()
    answered(election, cast, **_requester("Demelza Kitto", "demelza@example.org", "07700 900451"))
    scan.private_identifiers()
    answered(election, cast, **_requester("Tamsin Rowe", "tamsin@example.org", "07700 900452"))

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    # The requesters' identifiers are added to in place before the redactions are read.
    monkeypatch.setattr(PublicRedaction.objects, "exclude", broken)
    with pytest.raises(RuntimeError):
        scan.private_identifiers()
    monkeypatch.undo()
    after = scan.private_identifiers()
    assert after.base is None  # not made from a result it never returned
    assert scan.tokens("tamsin@example.org") in {i.tokens for i in after}
    _same_as_fresh(after)


def test_the_kept_scanner_is_extended_by_the_added_identifiers_only(election, cast, monkeypatch):
    forget_kept()
    answered(
        election, cast, **_requester("Morwenna Trelawny", "morwenna@example.org", "07700 900461")
    )
    before = scan.private_identifiers()
    kept = scan.scanner_of(before)
    answered(
        election, cast, **_requester("Kerensa Tregenza", "kerensa@example.org", "07700 900462")
    )
    after = scan.private_identifiers()
    extended = []
    real = scan.Scanner.extend
    monkeypatch.setattr(
        scan.Scanner, "extend", lambda self, ids: extended.append(list(ids)) or real(self, ids)
    )
    assert scan.scanner_of(after) is kept
    assert extended == [after.added]
    text = "Write to kerensa@example.org or ring 07700 900462."
    assert kept.kinds_in(text) == scan.Scanner(list(after)).kinds_in(text)
    assert kept.kinds_in(text) == {"a requester's e-mail address", "a requester's phone number"}

    # Given as a plain list (every digest compared): the same Scanner, nothing more added.
    extended.clear()
    assert scan.scanner_of(list(after)) is kept
    assert extended == [[]]


def test_the_carried_check_and_the_record_use_what_changed_and_agree_with_every_digest(
    election, cast, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    forget_kept()
    answered(
        election, cast, **_requester("Morwenna Trelawny", "morwenna@example.org", "07700 900471")
    )
    before = scan.private_identifiers()
    live, made = "a" * 64, "b" * 64
    summary = scan.Summary(words=["kerensa", "example", "org"], digits=["7700900999"])
    checks._save_check_record(live, before, summary, written=True)
    assert checks._kept_record(checks._check_record_file(live)).checked is before.digests

    answered(
        election, cast, **_requester("Kerensa Tregenza", "kerensa@example.org", "07700 900472")
    )
    after = scan.private_identifiers()
    assert after.base is before.digests
    checker = scan.scanner_of(after)
    # The live version's summary has every word of the new address: its files are read
    # again for the identifiers added since, and only those.
    carried, _summary = checks._carried_check(live, after, checker)
    listed, _summary = checks._carried_check(live, list(after), checker)
    assert carried is not None and listed is not None
    assert {i.digest for ids in carried.by_first.values() for i in ids} == {
        i.digest for i in after.added if i.tokens
    }
    assert _kinds(carried) == _kinds(listed)

    # The record of the version made from it: the identifiers added, as a change of the live
    # one's; read back from the file alone, every digest.
    checks._save_check_record(made, after, summary, base=live, written=True)
    written = json.loads(checks._check_record_file(made).read_text())
    assert sorted(written["added"]) == sorted(i.digest for i in after.added)
    assert written["removed"] == []
    checks._RECORD_KEPT.clear()
    assert checks._check_record(made)[0] == after.digests

    # Nothing new since the record: nothing to read again.
    assert checks._carried_check(made, after, checker)[0] is None


def _kinds(scanner: scan.Scanner) -> set[tuple]:
    return {
        (i.kind, i.tokens, i.digits, i.postcode) for ids in scanner.by_first.values() for i in ids
    } | {(i.kind, i.tokens, i.digits, i.postcode) for i in scanner.by_digits.values()}


def test_a_record_written_as_changes_takes_what_was_added_to_the_live_summary_s_copy(
    settings, tmp_path
):
    """A run's summary is a copy of the live version's (checks._check_record) that the run
    adds to: its record, written as changes from the live one's, holds what was added, found
    as it was added (scan.Summary.added_since), not by comparing every word; a summary made
    otherwise is compared part by part, and what it lacks is removed."""
    settings.VAR_DIR = tmp_path
    forget_kept()
    live, made, other = "c" * 64, "d" * 64, "e" * 64
    checks._save_check_record(
        live, [], scan.Summary(["avon", "brook"], ["7700900111"], ["ZZ11ZZ"]), written=True
    )
    summary = checks._check_record(live)[1]
    summary.add_parts(["brook", "coombe"], ["7700900111", "7700900222"], [])
    assert summary.added_since(checks._kept_record(checks._check_record_file(live)).summary) == (
        {"coombe"},
        {"7700900222"},
        set(),
    )
    checks._save_check_record(made, [], summary, base=live, written=True)
    written = json.loads(checks._check_record_file(made).read_text())
    assert written["words"] == {"added": ["coombe"], "removed": []}
    assert written["digits"] == {"added": ["7700900222"], "removed": []}
    assert written["postcodes"] == {"added": [], "removed": []}
    checks._RECORD_KEPT.clear()  # read back from the files alone
    read = checks._check_record(made)[1]
    assert read.words == {"avon", "brook", "coombe"}
    assert read.digits == {"7700900111", "7700900222"} and read.postcodes == {"ZZ11ZZ"}

    # Not a copy of the base's: compared, and what it lacks is removed.
    checks._check_record(made)  # kept again, as the base
    fresh = scan.Summary(["avon", "dart"], [], ["ZZ11ZZ"])
    assert fresh.added_since(checks._kept_record(checks._check_record_file(made)).summary) is None
    checks._save_check_record(other, [], fresh, base=made, written=True)
    written = json.loads(checks._check_record_file(other).read_text())
    assert written["words"]["added"] == ["dart"]
    assert sorted(written["words"]["removed"]) == ["brook", "coombe"]
    assert sorted(written["digits"]["removed"]) == ["7700900111", "7700900222"]
    checks._RECORD_KEPT.clear()
    read = checks._check_record(other)[1]
    assert (read.words, read.digits, read.postcodes) == ({"avon", "dart"}, set(), {"ZZ11ZZ"})
