"""The leak scan checks only what changed in a file since the live version (which was
checked), with enough context around it (scan.changed_region; issue 16, item 1)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from publishing.site.scan import changed_region, tokens

# "x\u0301y\u0301z\u0301w" (accents as combining marks, as text pasted from some systems)
# is one word to the scan (scan.tokens folds it to "xyzw") but four to a bare \w+.
ACCENTED = "x\u0301y\u0301z\u0301w"
WORDS = st.sampled_from(["ab", "cd", "ef", "gh", "zz", "", ACCENTED])
LINES = st.lists(st.lists(WORDS, max_size=4).map(" ".join), max_size=12)


def _sequences(words: tuple[str, ...], longest: int) -> set[tuple[str, ...]]:
    return {
        words[i : i + size] for size in range(1, longest + 1) for i in range(len(words) - size + 1)
    }


@settings(max_examples=400, deadline=None)
@given(old=LINES, new=LINES)
@example(old=["ab", ACCENTED, "zz"], new=["ab", ACCENTED, "cd"])
def test_every_new_run_of_words_lies_in_the_changed_region(old, new):
    """Any run of up to context + 1 words of the new file that the old file does not have (an
    identifier that could be new there) lies wholly inside the region returned."""
    before, after = "\n".join(old), "\n".join(new)
    region = changed_region(after, before, 3)
    seen_before = _sequences(tokens(before), 4)
    in_region = _sequences(tokens(region), 4)
    for run in _sequences(tokens(after), 4) - seen_before:
        assert run in in_region, (before, after, region, run)


def test_an_unchanged_file_has_nothing_to_check():
    text = "B00100-00001,Register answer\nB00100-00002,Register answer\n"
    assert changed_region(text, text, 5) == ""


def test_an_appended_row_is_checked_with_the_row_before():
    old = "ref,answer\n1,Eight officers\n2,Nine horses\n"
    new = old + "3,Asked by Dorothy Pennington\n"
    region = changed_region(new, old, 2)
    assert "Dorothy Pennington" in region
    assert "ref,answer\n1,Eight" not in region  # not the whole file


def test_a_worker_keeps_the_readings_of_the_large_files_only(monkeypatch):
    """The readings kept for the next run's comparison are those of the whole-register files
    (large, changed by every approval), not every page's: a run that rendered every page (a
    new template, a new translation) left the whole site's text in the worker's memory."""
    from publishing.site import checks, scan

    monkeypatch.setattr(checks, "_READINGS", {})
    monkeypatch.setattr(checks, "READINGS_KEPT_FROM", 1000)
    page = b"<html><body><main><p>Nine police dogs.</p></main></body></html>"
    csv = ("reference,answer\n" + "".join(f"R-{n},Answer {n}\n" for n in range(100))).encode()
    assert len(page) < 1000 <= len(csv)
    for path, content in (("entries/r-1.html", page), ("register.csv", csv)):
        expected = scan.labelled_readings(path, content)
        assert checks._labelled_readings(path, content, checks._sha(content)) == expected
        assert checks._labelled_readings(path, content, checks._sha(content)) == expected
    assert list(checks._READINGS) == ["register.csv"]


LONG = st.tuples(
    st.text(alphabet="ab\n", min_size=0, max_size=30),
    st.integers(min_value=0, max_value=30_000),
    st.text(alphabet="xyz\n", max_size=3),
    st.integers(min_value=0, max_value=3),
)


@settings(max_examples=300, deadline=None)
@given(LONG)
def test_common_prefix_and_suffix_of_long_texts(case):
    """The prefix and suffix compared a growing stretch at a time give what a character by
    character comparison gives, on texts longer than the first stretch."""
    from publishing.site.scan import common_prefix, common_suffix

    unit, size, insert, cut = case
    old = (unit or "a") * (size // max(len(unit), 1) + 1)
    at = size % (len(old) + 1)
    new = old[:at] + insert + old[at + cut :]
    assert common_prefix(new, old) == _one_by_one(new, old)
    assert common_suffix(new, old) == _one_by_one(new[::-1], old[::-1])


def _one_by_one(a: str, b: str) -> int:
    same = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        same += 1
    return same


# --- the lines that changed, found on the bytes (scan.changed_lines) --------------------------

CSV_LINES = st.lists(
    st.lists(
        st.sampled_from(["ab", "cd", "ef", "zz", "", "a%20b", "&amp;", ACCENTED]), max_size=4
    ).map(",".join),
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(old=CSV_LINES, new=CSV_LINES)
@example(old=["ab", ACCENTED, "zz"], new=["ab", ACCENTED, "cd"])
def test_every_new_run_of_words_lies_in_the_changed_lines_of_a_csv_file(old, new):
    """As changed_region, in every reading of a file read line by line (the text, unescaped,
    and unquoted): any run of up to context + 1 words the old file's reading does not have
    lies wholly inside the same reading of the lines returned."""
    _runs_lie_in_the_changed_lines("register.csv", "\n".join(old), "\n".join(new))


JSON_ITEM = st.lists(
    st.sampled_from(["ab", "cd", "zz", "\u00e9t\u00e9", "\\u0061b", ACCENTED, "bad \\q"]),
    max_size=3,
)
JSON_LINES = st.lists(
    st.one_of(
        JSON_ITEM.map(lambda words: '"' + " ".join(words) + '",'),
        JSON_ITEM.map(lambda words: '{"text": "' + " ".join(words) + '", "n": 1},'),
        st.sampled_from(["[", "],", "{", "}", '"entries": [']),
    ),
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(old=JSON_LINES, new=JSON_LINES)
def test_every_new_run_of_words_lies_in_the_changed_lines_of_a_json_file(old, new):
    """The same for a file of JSON one item a line, its strings decoded ("\\u0061b" is "ab")."""
    _runs_lie_in_the_changed_lines("register.json", "\n".join(old), "\n".join(new))


def _runs_lie_in_the_changed_lines(path: str, before: str, after: str) -> None:
    from publishing.site.scan import changed_lines, read_line_by_line

    old, new = before.encode(), after.encode()
    assert read_line_by_line(path, old) and read_line_by_line(path, new)
    lines = changed_lines(path, new, old, 3)
    region = _readings(path, lines)
    previous = _readings(path, old)
    for label, text in _readings(path, new).items():
        # A reading the old file did not have (unquoted: it held no "%") is its text.
        seen_before = _sequences(tokens(previous.get(label, previous["text"])), 4)
        in_region = _sequences(tokens(region.get(label, region.get("text", ""))), 4)
        for run in _sequences(tokens(text), 4) - seen_before:
            assert run in in_region, (label, before, after, lines, run)
    if new == old:
        assert lines == b""


def _readings(path: str, data: bytes) -> dict[str, str]:
    from publishing.site.scan import JsonLineStrings, labelled_readings

    return labelled_readings(path, data, JsonLineStrings())


def test_an_appended_line_is_read_with_the_line_before_and_not_the_whole_file():
    from publishing.site.scan import changed_lines

    old = b"ref,answer\n1,Eight officers\n2,Nine horses\n"
    new = old + b"3,Asked by Dorothy Pennington\n"
    lines = changed_lines("register.csv", new, old, 2)
    assert b"Dorothy Pennington" in lines and b"Nine horses" in lines
    assert not lines.startswith(b"ref,answer")


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("register.csv", b"ref,answer\n1,<b>Eight</b> officers\n"),  # markup: tags span lines
        ("key-dates.ics", b"SUMMARY:Poll\r\n  day\r\n"),  # folded lines are joined
        ("index.html", b"Eight officers\n"),
    ],
)
def test_files_not_read_line_by_line_are_compared_reading_by_reading(path, content):
    from publishing.site.scan import read_line_by_line

    assert not read_line_by_line(path, content)
