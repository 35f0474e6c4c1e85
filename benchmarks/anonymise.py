"""Benchmark the anonymiser (issue 5, item 2: under 2 ms per kilobyte of text), beside Presidio.

Builds ~50 KB of fictional register text naming 10 subjects, warms the pattern cache once and
times RUNS runs. The same text goes through Microsoft Presidio with pattern recognisers only
(e-mail, UK phone, URL, UK postcode, NINO, and deny lists per subject holding everything our
anonymiser is given: names, aliases, e-mails, phones, addresses, handles, websites and party
names; the office's public contacts as its allow list; a no-op NLP engine, so no spaCy model is
loaded or downloaded), its spans replaced: Presidio at its best with the same knowledge.
Besides the speed, both outputs are checked for what they leave behind: every planted private
identifier still readable (names as written, surnames, e-mails, phones, addresses, handles,
websites) and every public contact of the office wrongly removed.

`python -m benchmarks.anonymise` prints one Markdown row of our anonymiser alone (needs no
Django); `measure()` gives the figures for `python -m benchmarks`.
"""

from __future__ import annotations

import logging
import os
import platform
import re
import statistics
import sys
import time

from benchmarks.common import Figure, median_seconds
from publishing.anonymise import Subject, anonymise

TARGET_BYTES = 50_000
RUNS = 7
PRESIDIO_RUNS = 5
NAME = "Anonymiser"
KEEP = ["spoc@example.com", "0113 496 0000"]
# Ordinary words in the text that are also words of a subject's name (Hunt, Rose, Hill, Hope):
# an anonymiser that takes these has over-redacted.
ORDINARY = ["hunt for savings", "rose garden", "hill path", "we hope"]

NAMES = [
    ("Priya Castellane", "Labour Party", ["Labour", "Labour Party", "Lab"]),
    (
        "Will Rose",
        "Conservative and Unionist Party",
        ["Conservative", "Tory", "Tories", "the Tories"],
    ),
    ("Mark Hunt", "Liberal Democrats", ["Liberal Democrat", "Lib Dem", "Lib Dems", "the Lib Dems"]),
    ("Zoë Ó Súilleabháin", "Green Party", ["Green", "Greens", "the Greens", "Green Party"]),
    ("Tomasz Smith-Jones", "Reform UK", ["Reform", "Reform Party"]),
    ("Sean O'Brien", None, []),
    ("May Hope", "Heritage Party", ["Heritage"]),
    ("Dr Aurelia Fenwick-Thorne", "The Yorkshire Party", ["Yorkshire Party"]),
    ("Benedikt Varga", "Social Democratic Party", ["SDP"]),
    ("Sunny Hill", "Workers Party of Britain", ["Workers Party"]),
]

PARAGRAPHS = [
    "Question from {name}: {first} would like to know how many officers will be deployed to "
    "neighbourhood policing in the north of the county next year, and whether {title} {last}'s "
    "earlier request about response times in rural wards was answered. Contact {first_lower} on "
    "{phone} or {email}, or write to {address}.",
    "Answer: The Office of the Police and Crime Commissioner thanks {title} {last} for the "
    "question. The force will publish the deployment plan in May; we hope to mark the change "
    "with a public meeting. Officers will hunt for savings without cutting patrols. For the "
    "same information, call the office on 0113 496 0000 or e-mail spoc@example.com.",
    "The {party} candidate, {initial}. {last}, also asked about the budget. {short} councillors "
    "raised it at the panel; see {site}/policies or follow {handle}. The rose garden at the "
    "station will stay open, and the hill path is being repaired.",
    "Note of a briefing: {name} and an agent attended. Questions covered victims' services, the "
    "police and crime plan and the precept. A resident, Jo Bloggs (jo.bloggs@example.com, "
    "020 7946 0{n:03d}, NT{d} {d}AB), asked to be kept informed; we will write back.",
]


def build_subjects() -> list[Subject]:
    subjects = []
    for i, (name, party, shorts) in enumerate(NAMES):
        slug = name.split()[-1].lower().replace("'", "")
        subjects.append(
            Subject(
                name=name,
                emails=[f"{slug}@example.org"],
                phones=[f"07700 900{i:03d}"],
                addresses=[f"{i + 1} Fictional Row, Newtown, NT{i + 1} {i + 1}AA"],
                party=party,
                party_short_forms=shorts,
                handles=[f"@{slug}forpcc"],
                websites=[f"https://www.{slug}forpcc.example.org/"],
            )
        )
    return subjects


def build_text(subjects: list[Subject]) -> str:
    parts, n = [], 0
    while sum(len(p) + 2 for p in parts) < TARGET_BYTES:
        s = subjects[n % len(subjects)]
        words = s.name.split()
        fields = {
            "name": s.name,
            "first": words[-2] if len(words) > 1 else words[0],
            "first_lower": words[-2].lower() if len(words) > 1 else words[0],
            "last": words[-1],
            "initial": words[-2][0] if len(words) > 1 else words[0][0],
            "title": ("Ms", "Mr", "Dr", "Cllr")[n % 4],
            "phone": s.phones[0],
            "email": s.emails[0],
            "address": s.addresses[0],
            "party": s.party or "independent",
            "short": (s.party_short_forms or ["Independent"])[0],
            "site": s.websites[0].removesuffix("/"),
            "handle": s.handles[0],
            "n": n % 1000,
            "d": n % 9 + 1,
        }
        parts.append(PARAGRAPHS[n % len(PARAGRAPHS)].format(**fields))
        n += 1
    return "\n\n".join(parts)


def main() -> None:
    subjects = build_subjects()
    text = build_text(subjects)
    keep = KEEP
    kb = len(text.encode()) / 1024
    start = time.perf_counter()
    anonymise(text, subjects, keep)  # warm-up: compiles and caches the subjects' patterns
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = anonymise(text, subjects, keep)
        times.append((time.perf_counter() - start) * 1000)
    per_kb = [t / kb for t in times]
    machine = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}"
    )
    print("| median ms/KB | min ms/KB | max ms/KB | text | first call ms | redactions | machine |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {statistics.median(per_kb):.3f} | {min(per_kb):.3f} | {max(per_kb):.3f} "
        f"| {kb:.1f} KB | {first:.0f} | {len(result.redactions)} | {machine} |"
    )


def private_strings(subjects: list[Subject]) -> list[str]:
    """Return the private identifiers planted in build_text, as they are written there."""
    # Not the resident's name "Jo Bloggs": not a subject, it is known to neither (no NER);
    # staff hide such a name by hand in review. Their contact details do count.
    found = ["jo.bloggs@example.com"]
    for s in subjects:
        words = s.name.split()
        found += [s.name, words[-1], *s.emails, *s.phones, *s.addresses, *s.handles]
        found += [w.removesuffix("/") for w in s.websites]
    return found


def leftovers(text: str, subjects: list[Subject]) -> int:
    """Return how many planted private identifiers can still be read in `text`.

    Whole words, case kept: "Hunt" the surname counts, "hunt for savings" does not. The
    resident's numbers (020 7946 0nnn) and postcodes (NTn nAB) are counted by pattern."""
    count = 0
    for value in set(private_strings(subjects)):
        count += len(re.findall(rf"(?<![\w@.]){re.escape(value)}(?![\w])", text))
    count += len(re.findall(r"020 7946 0\d{3}", text))
    count += len(re.findall(r"\bNT\d \dAB\b", text))
    return count


def public_lost(text: str) -> int:
    """Return how many of the office's public contacts (KEEP) went missing from `text`."""
    return sum(1 for value in KEEP if value not in text)


def ordinary_lost(original: str, text: str) -> int:
    """Return how many ordinary phrases (ORDINARY) of `original` are missing from `text`."""
    return sum(original.count(phrase) - text.count(phrase) for phrase in ORDINARY)


def presidio_analyzer(subjects: list[Subject]):
    """Return a Presidio AnalyzerEngine with pattern recognisers only: no NLP model."""
    # tldextract (Presidio's e-mail check) would fetch the public suffix list from the network
    # on first use; this machine has none. Its bundled snapshot is what we want.
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    import tldextract.tldextract
    from presidio_analyzer import AnalyzerEngine, PatternRecognizer, RecognizerRegistry
    from presidio_analyzer.nlp_engine.no_op_nlp_engine import NoOpNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        EmailRecognizer,
        PhoneRecognizer,
        UkNinoRecognizer,
        UkPostcodeRecognizer,
        UrlRecognizer,
    )

    tldextract.tldextract.TLD_EXTRACTOR.suffix_list_urls = ()
    # One "Skipping context extraction" line per recogniser and call otherwise.
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in (
        EmailRecognizer(),
        PhoneRecognizer(supported_regions=["GB"]),
        UrlRecognizer(),
        UkPostcodeRecognizer(),
        UkNinoRecognizer(),
    ):
        registry.add_recognizer(recognizer)
    for n, s in enumerate(subjects):
        # Everything our anonymiser is told about the subject, as Presidio's deny lists: the
        # comparison is with Presidio given the same knowledge, at its best (issue 17, item 1).
        # Presidio derives no variants of a name, so it is given the words of each name too
        # (the surname alone, say), matched with their capitals: case-insensitive, "Hope" and
        # "Hunt" would take "we hope" and "hunt for savings" with them.
        words = [w for w in s.name.replace("'", " ").split() if len(w) > 2 and w[0].isupper()]
        names = [s.name, *s.aliases, *s.name.split(), *words]
        registry.add_recognizer(
            PatternRecognizer(
                supported_entity="PERSON",
                deny_list=sorted(set(names), key=len, reverse=True),
                name=f"subject{n}",
                global_regex_flags=re.DOTALL | re.MULTILINE,
            )
        )
        contacts = [
            *s.emails,
            *s.phones,
            *s.addresses,
            *s.handles,
            *s.websites,
            *(w.removesuffix("/") for w in s.websites),
        ]
        registry.add_recognizer(
            PatternRecognizer(supported_entity="CONTACT", deny_list=contacts, name=f"contacts{n}")
        )
        if s.party:
            registry.add_recognizer(
                PatternRecognizer(
                    supported_entity="PARTY",
                    deny_list=[s.party, *s.party_short_forms],
                    name=f"party{n}",
                )
            )
    engine = AnalyzerEngine(
        registry=registry,
        nlp_engine=NoOpNlpEngine([{"lang_code": "en", "model_name": "none"}]),
        supported_languages=["en"],
    )
    return engine


def presidio_anonymise(engine, text: str) -> tuple[str, int]:
    """Return `text` with every span Presidio finds replaced by its type, and the span count
    (overlapping spans merged, as an anonymiser must). The office's public contacts (KEEP) are
    Presidio's allow list, as they are our anonymiser's keep list."""
    found = engine.analyze(text, language="en", allow_list=KEEP)
    spans = sorted((r.start, r.end, r.entity_type) for r in found)
    merged: list[list] = []
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, kind])
    parts, at = [], 0
    for start, end, kind in merged:
        parts += [text[at:start], f"[{kind.lower()}]"]
        at = end
    parts.append(text[at:])
    return "".join(parts), len(merged)


def measure() -> list[Figure]:
    subjects = build_subjects()
    text = build_text(subjects)
    kb = len(text.encode()) / 1024
    ours = median_seconds(lambda: anonymise(text, subjects, KEEP), runs=RUNS, warmup=1)
    result = anonymise(text, subjects, KEEP)
    engine = presidio_analyzer(subjects)
    theirs = median_seconds(lambda: presidio_anonymise(engine, text), runs=PRESIDIO_RUNS)
    presidio_text, presidio_spans = presidio_anonymise(engine, text)
    how = f"{kb:.0f} KB of register text naming 10 subjects; median of {RUNS}"
    how_p = (
        f"same text and subject data; pattern recognisers, deny lists per subject, allow "
        f"list; no NLP model; "
        f"median of {PRESIDIO_RUNS}"
    )
    planted = leftovers(text, subjects)
    ordinary = (
        f"of {sum(text.count(p) for p in ORDINARY)}: phrases such as 'hunt for savings' whose "
        "words are also names"
    )
    check = (
        f"of {planted} planted: subjects' names, surnames, e-mails, phones, addresses, "
        "handles, websites; anyone's e-mail, phone, postcode"
    )
    return [
        Figure(NAME, "ours: time per kilobyte", ours * 1000 / kb, "ms/KB", how),
        Figure(NAME, "Presidio: time per kilobyte", theirs * 1000 / kb, "ms/KB", how_p),
        Figure(NAME, "Presidio / ours: time ratio", theirs / ours, "times", "the two medians"),
        Figure(NAME, "ours: redactions", len(result.redactions), "spans", how),
        Figure(NAME, "Presidio: redactions", presidio_spans, "spans", "overlaps merged"),
        Figure(NAME, "ours: private identifiers left", leftovers(result.text, subjects),
               "identifiers", check),
        Figure(NAME, "Presidio: private identifiers left", leftovers(presidio_text, subjects),
               "identifiers", check),
        Figure(NAME, "ours: public contacts removed", public_lost(result.text), "contacts",
               "of 2: the office's e-mail and phone, which must stay"),
        Figure(NAME, "Presidio: public contacts removed", public_lost(presidio_text),
               "contacts", "of 2: the office's e-mail and phone, which must stay"),
        Figure(NAME, "ours: ordinary words removed", ordinary_lost(text, result.text),
               "phrases", ordinary),
        Figure(NAME, "Presidio: ordinary words removed", ordinary_lost(text, presidio_text),
               "phrases", ordinary),
    ]  # fmt: skip


if __name__ == "__main__":
    main()
