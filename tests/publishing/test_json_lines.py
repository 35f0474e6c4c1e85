"""A JSON file's strings worked out a line at a time, from what was kept of the last file
(scan.JsonLineStrings; issue 16, item 1): the same reading the leak scan gets by parsing the
whole file, whatever the strings hold, and whatever changed since the last file."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from publishing.site.pages.opendata import _dump, _json_lines
from publishing.site.scan import JsonLineStrings, _json_strings, labelled_readings

# Text that JSON must escape (quotes, backslashes, line breaks, control characters) or writes
# as it is (accents, Welsh, emoji), and the empty string.
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
SCALARS = st.one_of(TEXT, st.integers(), st.booleans(), st.none())
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=8,
)
ITEMS = st.lists(st.one_of(VALUES, TEXT), max_size=6)


def _whole(text: str) -> str:
    return "\n".join(_json_strings(json.loads(text)))


def _document(head: dict, lists: dict[str, list]) -> str:
    """A document as the whole-register files are written: one list item a line."""
    dumped = {name: [_dump(i) for i in items] for name, items in lists.items()}
    return _json_lines({**head, **dumped}).decode()


@settings(max_examples=300, deadline=None)
@given(
    head=st.dictionaries(TEXT, st.dictionaries(TEXT, VALUES, max_size=3), max_size=2),
    first=st.dictionaries(TEXT, ITEMS, min_size=1, max_size=3),
    second=st.dictionaries(TEXT, ITEMS, min_size=1, max_size=3),
)
def test_line_by_line_gives_what_parsing_the_whole_file_gives(head, first, second):
    lines = JsonLineStrings()
    before, after = _document(head, first), _document(head, second)
    assert lines(before) == _whole(before)
    # The next file, from the lines kept of the last one: some lines new, some not.
    assert lines(after) == _whole(after)
    assert lines(before) == _whole(before)


@settings(max_examples=200, deadline=None)
@given(value=VALUES, indent=st.sampled_from([None, 0, 1, 2]))
def test_any_json_layout_gives_the_same_strings(value, indent):
    """Members on a line of their own, brackets alone, everything on one line."""
    text = json.dumps(value, indent=indent, ensure_ascii=indent == 2)
    assert JsonLineStrings()(text) == _whole(text)


def test_a_changed_line_is_read_again_and_an_escaped_name_is_decoded():
    lines = JsonLineStrings()
    first = '{\n"entries": [\n{"question": "Road safety"},\n{"question": "Night cover"}\n]\n}\n'
    lines(first)
    second = first.replace("Night cover", r"Asked by J\u00f3 \"Bloggs\"")
    assert lines(second).splitlines() == ["entries", "question", "Road safety", "question",
                                          'Asked by Jó "Bloggs"']  # fmt: skip


def test_a_literal_that_is_not_json_is_read_as_written_and_the_others_decoded():
    """Read a line at a time, a JSON file always has its strings' reading, each line's from
    that line alone (what scan.changed_lines relies on): a literal that is not valid JSON
    gives its text as written, and the other literals of its line are decoded."""
    broken = b'{\n"entries": [\n{"question": "bad \\x escape", "who": "Ll\\u0065w"}\n]\n}\n'
    readings = labelled_readings("register.json", broken, JsonLineStrings())
    assert readings["json-strings"].splitlines() == [
        "entries",
        "question",
        "bad \\x escape",
        "who",
        "Llew",
    ]
    # Parsed whole (a small file), it is not JSON: read as text only.
    assert "json-strings" not in labelled_readings("register.json", broken)
