"""The leak scan checks only what changed in a file since the live version (which was
checked), with enough context around it (scan.changed_region; issue 16, item 1)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from publishing.site.scan import changed_region, tokens

WORDS = st.sampled_from(["ab", "cd", "ef", "gh", "zz", ""])
LINES = st.lists(st.lists(WORDS, max_size=4).map(" ".join), max_size=12)


def _sequences(words: tuple[str, ...], longest: int) -> set[tuple[str, ...]]:
    return {
        words[i : i + size] for size in range(1, longest + 1) for i in range(len(words) - size + 1)
    }


@settings(max_examples=400, deadline=None)
@given(old=LINES, new=LINES)
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
    from publishing.site.scan import _common_prefix, _common_suffix

    unit, size, insert, cut = case
    old = (unit or "a") * (size // max(len(unit), 1) + 1)
    at = size % (len(old) + 1)
    new = old[:at] + insert + old[at + cut :]
    assert _common_prefix(new, old) == _one_by_one(new, old)
    assert _common_suffix(new, old) == _one_by_one(new[::-1], old[::-1])


def _one_by_one(a: str, b: str) -> int:
    same = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        same += 1
    return same
