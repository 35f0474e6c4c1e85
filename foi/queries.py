"""Reads of FOI requests."""

from __future__ import annotations

from foi.models import FoiCase
from requests_register.models import Entry


def case_for(entry: Entry) -> FoiCase | None:
    """Return the entry's FOI case with its clarifications and events, or None."""
    return (
        FoiCase.objects.filter(entry=entry)
        .select_related("entry", "entry__election", "extension_notice")
        .prefetch_related("clarifications", "events__by")
        .first()
    )


def disclosure_elsewhere(entry: Entry) -> FoiCase | None:
    """Return the FOI case of `entry` if another authority's disclosure was recorded on it:
    what publishing may publish in place of an answer of the office's own (Cumbria 6.1.4)."""
    return (
        FoiCase.objects.filter(entry=entry, other_disclosed_on__isnull=False)
        .exclude(disclosure_text="")
        .first()
    )
