"""Redactions: spans merged and applied, a text cut into kept and redacted segments, and the
occurrences a redaction leaves uncovered. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# --- redactions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch [start, end) of the private text replaced by `label` in the public one."""

    start: int
    end: int
    label: str
    key: object = None  # the caller's handle (a redaction's id), carried through


@dataclass(frozen=True)
class Segment:
    """A piece of text for display: plain (span None), or a redacted stretch."""

    text: str
    span: Span | None = None


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Return `spans` sorted, with overlapping ones joined.

    Two overlapping redactions become one covering both, with the first one's label and key:
    keeping either alone would put back the part of the other it does not cover.
    """
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.end <= span.start:
            continue
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                merged[-1] = Span(last.start, span.end, last.label, last.key)
            continue
        merged.append(span)
    return merged


def apply_redactions(text: str, spans: Iterable[Span]) -> str:
    """Return `text` with each span replaced by its label: the public version.

    Always computed from the private text and the active redactions, never by patching an
    earlier public version, so spans (offsets in the private text) stay right.
    """
    out, at = [], 0
    for span in merge_spans(spans):
        out.append(text[at : span.start])
        out.append(span.label)
        at = span.end
    out.append(text[at:])
    return "".join(out)


def segments(text: str, spans: Iterable[Span]) -> list[Segment]:
    """Return `text` cut into plain and redacted segments (the original side of the review:
    each redacted segment holds the private text it hides)."""
    out, at = [], 0
    for span in merge_spans(spans):
        if span.start > at:
            out.append(Segment(text[at : span.start]))
        out.append(Segment(text[span.start : span.end], span))
        at = span.end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def find_occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Return the (start, end) of every occurrence of `needle` in `text`, in any case.

    Where `needle` starts or ends with a letter or digit, an occurrence must not run on into
    a longer word, so redacting "Ann" does not eat "annual". Spaces in `needle` match any run
    of white space, as a name may be broken across a line.
    """
    needle = needle.strip()
    if not needle:
        return []
    pattern = r"\s+".join(re.escape(part) for part in needle.split())
    if re.match(r"\w", needle):
        pattern = r"(?<!\w)" + pattern
    if re.search(r"\w$", needle):
        pattern += r"(?!\w)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]


def uncovered(occurrences: Sequence[tuple[int, int]], spans: Iterable[Span]) -> list[tuple]:
    """Return the occurrences not already wholly inside one of `spans`."""
    active = merge_spans(spans)
    return [
        (start, end)
        for start, end in occurrences
        if not any(s.start <= start and end <= s.end for s in active)
    ]
