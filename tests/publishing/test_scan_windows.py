"""The leak scan reads a long text a window at a time (scan.windows, issue 16 item 2): what it
finds, and the summary it records, must be exactly what reading the whole text at once gives,
wherever the windows happen to fall."""

from __future__ import annotations

import random

import pytest

from publishing.site import scan

IDENTIFIERS = [
    scan.Identifier("a requester's name", tokens=scan.tokens("Quentin Zeller")),
    scan.Identifier("a requester's address", tokens=scan.tokens("4 Mill Lane Little Oakford")),
    scan.Identifier("a requester's e-mail", tokens=scan.tokens("q.zeller@example.org")),
    scan.Identifier("a surname", tokens=("pettifer",)),
    scan.Identifier("a requester's phone", digits="7700900123"),
    scan.Identifier("a requester's postcode", postcode="ZZ991ZZ"),
]
# What a register file is made of: ordinary words, the pieces of every identifier (so they
# can be split across a window's edge), punctuation of CSV, JSON and HTML, accents.
PIECES = [
    "The",
    "force",
    "will",
    "publish",
    "Quentin",
    "Zeller",
    "QUENTIN ZELLER",
    "Zéller",
    "4",
    "Mill",
    "Lane",
    "Little",
    "Oakford",
    "q.zeller@example.org",
    "Pettifer",
    "07700 900123",
    "+44 (0)7700 900 123",
    "7700",
    "900123",
    "ZZ99 1ZZ",
    "ZZ991ZZ",
    "XZZ99 1ZZ",
    "Öffentlich",
]
GLUE = [" ", " ", " ", "\n", ", ", '","', '":"', "<td>", "</td><td>", "; ", "-", "\t", "/"]


def _text(rng: random.Random, words: int) -> str:
    return "".join(rng.choice(PIECES) + rng.choice(GLUE) for _ in range(words))


def _whole(monkeypatch, fn):
    """Return fn() with windows as large as any text: the whole text read at once."""
    with monkeypatch.context() as m:
        m.setattr(scan, "WINDOW", 10**9)
        return fn()


def _summary(texts: list[str]) -> dict:
    summary = scan.Summary()
    summary.add(texts)
    return summary.as_json()


@pytest.mark.parametrize("window", [8, 17, 40, 123])
@pytest.mark.parametrize("seed", range(12))
def test_a_text_read_in_windows_gives_what_the_whole_text_gives(monkeypatch, seed, window):
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    texts = [_text(rng, rng.randint(1, 400)) for _ in range(3)]
    scanner = scan.Scanner(IDENTIFIERS)
    expected = (
        _whole(monkeypatch, lambda: [scanner.kinds_in(t) for t in texts]),
        _whole(monkeypatch, lambda: _summary(texts)),
    )

    monkeypatch.setattr(scan, "WINDOW", window)
    assert ([scanner.kinds_in(t) for t in texts], _summary(texts)) == expected


@pytest.mark.parametrize("offset", range(0, 30))
def test_an_identifier_across_a_window_edge_is_found(monkeypatch, offset):
    """The name's two words fall on either side of a window's end, wherever it is cut."""
    monkeypatch.setattr(scan, "WINDOW", 40)
    filler = '"x","' * 8  # 40 characters of cut characters and one-letter words
    text = filler[: 40 - offset] + " Quentin\nZeller" + ",tail" * 20
    scanner = scan.Scanner(IDENTIFIERS[:1])

    assert len(list(scan.windows(text))) > 1
    assert scanner.kinds_in(text) == {"a requester's name"}


def test_a_long_text_is_never_split_into_words_all_at_once(monkeypatch):
    """The words of a whole-register file are listed one window at a time: a list of millions
    of words took tens of MB while one file was checked."""
    rng = random.Random(7)  # noqa: S311 - test data, not security
    text = _text(rng, 300_000)  # about 2 MB
    assert len(text) > 8 * scan.WINDOW
    longest = []
    real_tokens = scan.tokens

    def tokens(value: str):
        longest.append(len(value))
        return real_tokens(value)

    scanner = scan.Scanner(IDENTIFIERS)
    expected = _whole(monkeypatch, lambda: (scanner.kinds_in(text), _summary([text])))
    monkeypatch.setattr(scan, "tokens", tokens)

    assert (scanner.kinds_in(text), _summary([text])) == expected
    assert len(expected[0]) >= 4  # most kinds occur somewhere in it
    assert max(longest) < scan.WINDOW + 1024


@pytest.mark.parametrize(
    "text",
    [
        "<>" * 300_000 + " Quentin Zeller",  # cuts everywhere, no words before the name
        "Quentin " + "x " * 300_000 + "<Zeller>",  # words everywhere, no cut but at the end
        "q " * 200_000 + "<" + "Quentin\n" + "Zeller>" * 2,  # the name across the last cut
    ],
    ids=["no-words", "no-cuts", "one-cut"],
)
def test_texts_with_few_words_or_cuts_give_what_the_whole_text_gives(monkeypatch, text):
    """Windows do not overlap (the words carried from one to the next are words, not text), so
    these read in one pass however few words or cuts they have, and find exactly what the
    whole text holds."""
    scanner = scan.Scanner(IDENTIFIERS)
    expected = _whole(monkeypatch, lambda: (scanner.kinds_in(text), _summary([text])))
    monkeypatch.setattr(scan, "WINDOW", 1024)

    assert (scanner.kinds_in(text), _summary([text])) == expected


@pytest.mark.parametrize("window", [8, 40, 10**9])
@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize(
    "identifiers",
    [IDENTIFIERS, IDENTIFIERS[:4], IDENTIFIERS[4:5], IDENTIFIERS[5:], []],
    ids=["all", "words-only", "phone-only", "postcode-only", "none"],
)
def test_a_scan_that_also_summarises_gives_what_each_gives_alone(
    monkeypatch, seed, window, identifiers
):
    """Scanner.scan with a summary reads each window once for both (issue 16): its findings
    are the scan's alone, and the summary is the one Summary.add makes of the same texts,
    whichever kinds of identifier the scanner has (it skips digit runs or postcodes it has
    none of, but the summary still needs them)."""
    monkeypatch.setattr(scan, "WINDOW", window)
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    texts = [_text(rng, rng.randrange(0, 60)) for _ in range(rng.randrange(1, 5))]
    scanner = scan.Scanner(identifiers)
    summary = scan.Summary({"kept"}, {"123"}, {"ZZ11ZZ"})  # added to, as a run's is
    expected = scan.Summary({"kept"}, {"123"}, {"ZZ11ZZ"})
    expected.add(texts)

    findings = scanner.scan("register.csv", texts, summary)

    assert findings == scanner.scan("register.csv", texts)
    assert summary.as_json() == expected.as_json()
    if identifiers == IDENTIFIERS:  # each kind found where its value is, whole
        kinds = {f.kind for f in findings}
        if any("QUENTIN ZELLER" in t for t in texts):
            assert "a requester's name" in kinds
        if any("07700 900123" in t for t in texts):
            assert "a requester's phone" in kinds
        if any("ZZ99 1ZZ" in t.replace("XZZ99", "") for t in texts):
            assert "a requester's postcode" in kinds


@pytest.fixture
def no_scanner_kept():
    scan._SCANNER.clear()
    yield
    scan._SCANNER.clear()


def test_the_kept_scanner_extended_finds_what_a_new_one_finds(no_scanner_kept):
    """scanner_of: the last run's Scanner, extended by the identifiers added since, finds in
    any text exactly what a Scanner made afresh from the same identifiers finds, and is a new
    one once an identifier it holds is gone (an erasure)."""
    rng = random.Random(16)  # noqa: S311 - test data, not security
    texts = [" ".join(rng.choice(PIECES) for _ in range(60)) for _ in range(40)]
    first, later = IDENTIFIERS[:3], IDENTIFIERS[3:]
    kept = scan.scanner_of(first)
    assert scan.scanner_of(list(first)) is kept
    # Added in the middle of the list, as a run lists a new requester's before the others'.
    both = [first[0], *later, *first[1:]]
    assert scan.scanner_of(both) is kept
    fresh = scan.Scanner(both)
    for text in texts:
        assert kept.kinds_in(text) == fresh.kinds_in(text), text
    assert kept.max_words == fresh.max_words and kept.digit_lengths == fresh.digit_lengths
    assert kept.first_words == fresh.first_words
    # One gone: a new Scanner, which no longer finds it.
    rest = both[1:]
    again = scan.scanner_of(rest)
    assert again is not kept
    assert all(again.kinds_in(t) == scan.Scanner(rest).kinds_in(t) for t in texts)
    assert any(first[0].kind in kept.kinds_in(t) for t in texts)
    assert not any(first[0].kind in again.kinds_in(t) for t in texts)


def test_the_kept_scanner_is_made_afresh_when_one_identifier_goes_and_one_comes(
    no_scanner_kept,
):
    """As many identifiers as before, one of them new: not the kept scanner (it would still
    look for the one gone). An equal identifier made again (a candidate's, every run) is the
    same to it: the kept one is used."""
    first = IDENTIFIERS[:4]
    kept = scan.scanner_of(first)
    again = [scan.Identifier(i.kind, i.tokens, i.digits, i.postcode) for i in first]
    assert all(a is not b for a, b in zip(again, first, strict=True))
    assert scan.scanner_of(again) is kept
    swapped = [*first[1:], IDENTIFIERS[4]]
    other = scan.scanner_of(swapped)
    assert other is not kept
    assert "a requester's name" not in other.kinds_in("Quentin Zeller wrote")
    assert "a requester's phone" in other.kinds_in("Call 07700 900123")
