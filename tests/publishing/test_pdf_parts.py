"""The register's PDF in parts once it outgrows one (issue 16, item 2): an index PDF and one
PDF per topic (a large topic in several), so an approval re-renders one part and the index,
and WeasyPrint's memory is bounded by a part, not by the register."""

from __future__ import annotations

import pytest

from publishing.models import PublicEntry
from publishing.site import pages, publish_site, scan
from publishing.site.target import default_target
from tests.builders import NOW, REQUESTER_TRACES, published
from tests.clock import frozen_clock

_frozen = frozen_clock(NOW, autouse=True)


@pytest.fixture
def cast(spoc, chief_executive):
    return {"spoc": spoc, "ce": chief_executive}


@pytest.fixture(autouse=True)
def _small_parts(monkeypatch):
    monkeypatch.setattr(pages.pdf, "PDF_PART_SIZE", 2)


def _pdf_text(live, path: str) -> str:
    return "\n".join(scan.readings(path, (live / path).read_bytes()))


def test_a_larger_register_is_an_index_and_parts(election, cast):
    horses = [
        published(election, cast, topic="Horses", answer=f"Horse {n} is grey.") for n in (1, 2, 3)
    ]
    dogs = published(election, cast, topic="Dogs", answer="Nine police dogs.")
    result = publish_site(election)
    assert result.status == "published"
    live = default_target().current_path
    index = _pdf_text(live, "register.pdf")
    for title in ("Horses (1/2)", "Horses (2/2)", "Dogs"):
        assert title in index
    assert "Horse 1 is grey" not in index  # the index lists, the parts hold
    first, second = _pdf_text(live, "pdf/horses-1.pdf"), _pdf_text(live, "pdf/horses-2.pdf")
    assert "Horse 1 is grey" in first and "Horse 2 is grey" in first
    assert "Horse 3 is grey" in second and "Horse 1 is grey" not in second
    assert horses[2].reference in second
    assert "Nine police dogs" in _pdf_text(live, "pdf/dogs-1.pdf")
    assert dogs.reference in _pdf_text(live, "pdf/dogs-1.pdf")
    everything = "\n".join(_pdf_text(live, p) for p in result.rendered if p.endswith(".pdf"))
    for trace in REQUESTER_TRACES:
        assert trace.casefold() not in everything.casefold(), trace


def test_an_approval_makes_only_its_part_and_the_index_due(election, cast):
    for n in (1, 2, 3):
        published(election, cast, topic="Horses", answer=f"Horse {n} is grey.")
    published(election, cast, topic="Dogs", answer="Nine police dogs.")
    assert publish_site(election).status == "published"
    published(election, cast, topic="Dogs", answer="Ten police dogs.")
    result = publish_site(election, slow="defer")
    # The stand-in for the part the new answer falls in, and for the index; every other part
    # carried over as it was (and the whole-register downloads, which only gained an entry,
    # are made by the same step: test_kept_between_runs).
    pdfs = [path for path in result.slow_pending if path.endswith(".pdf")]
    assert sorted(pdfs) == ["pdf/dogs-1.pdf", "register.pdf"]
    assert {"pdf/horses-1.pdf", "pdf/horses-2.pdf"} <= set(result.carried)


def test_a_withdrawn_answer_leaves_its_part(election, cast):
    from publishing import services

    entries = [
        published(election, cast, topic="Horses", answer=f"Horse {n} is grey.") for n in (1, 2, 3)
    ]
    assert publish_site(election).status == "published"
    services.withdraw(entries[2].pk, "Answered in error.", cast["ce"])
    assert PublicEntry.objects.get(pk=entries[2].pk).status == "withdrawn"
    assert publish_site(election).status == "published"
    live = default_target().current_path
    # Two answers left: they fit in one PDF again.
    assert not (live / "pdf").exists()
    assert "Horse 3 is grey" not in _pdf_text(live, "register.pdf")


def _pdf_keys(election) -> dict[str, str]:
    plan = pages.plan_site(pages.load(election), now=NOW)
    return {o.path: o.key for o in plan if o.path.endswith(".pdf")}


def test_a_part_s_key_is_taken_from_the_last_plan_only_while_what_it_shows_is_the_same(
    election, cast, monkeypatch
):
    """A plan keeps each part's key with its title and rows (pages.pdf._PART_KEYS): a part
    whose rows and title are the last plan's keeps its key, not worked out again; one whose
    title changed (its topic grew a part: "Horses (1/2)" was "Horses") or one of whose rows
    changed gets a new key; and the keys are always those a plan with nothing kept works
    out."""
    from publishing.site.publish import forget_kept

    worked_out = []
    real = pages.pdf.digest

    def digest(*parts):
        if len(parts) > 4 and parts[3] == "part":
            worked_out.append(parts[4])
        return real(*parts)

    monkeypatch.setattr(pages.pdf, "digest", digest)
    for n in (1, 2):
        published(election, cast, topic="Horses", answer=f"Horse {n} is grey.")
    dogs = published(election, cast, topic="Dogs", answer="Nine police dogs.")
    first = _pdf_keys(election)
    assert {"pdf/horses-1.pdf", "pdf/dogs-1.pdf"} <= set(first)
    published(election, cast, topic="Horses", answer="Horse 3 is grey.")
    worked_out.clear()
    warm = _pdf_keys(election)
    assert sorted(worked_out) == ["pdf/horses-1.pdf", "pdf/horses-2.pdf"]  # not the dogs'
    assert warm["pdf/dogs-1.pdf"] == first["pdf/dogs-1.pdf"]
    # Same rows (the first two horses), new title: a new key.
    assert warm["pdf/horses-1.pdf"] != first["pdf/horses-1.pdf"]
    # A row changed (same path, same title): a new key.
    PublicEntry.objects.filter(pk=dogs.pk).update(answer="Ten police dogs.")
    worked_out.clear()
    changed = _pdf_keys(election)
    assert worked_out == ["pdf/dogs-1.pdf"]
    assert changed["pdf/dogs-1.pdf"] != warm["pdf/dogs-1.pdf"]
    forget_kept()
    assert not pages.pdf._PART_KEYS
    assert _pdf_keys(election) == changed
