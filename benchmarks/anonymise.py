"""Benchmark the anonymiser (issue 5, item 2: under 2 ms per kilobyte of text).

Run: python -m benchmarks.anonymise. Builds ~50 KB of fictional register text naming 10 subjects,
warms the pattern cache once, times 7 runs and prints one Markdown table row. Needs no Django.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time

from publishing.anonymise import Subject, anonymise

TARGET_BYTES = 50_000
RUNS = 7

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
    keep = ["spoc@example.com", "0113 496 0000"]
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


if __name__ == "__main__":
    main()
