"""Full exports at 1,000 entries: the public site, and the staff register PDF.

- The public site: `publishing.site.publish_site(election, to=folder)`, the preview form of the
  `publish_site` command: every page, feed and file of the public election page rendered from
  1,000 published answers into an empty folder (nothing carried over from an earlier version)
  and every file checked by the leak scan. RUNS runs, each into a fresh folder; the median.
- The register PDF: the staff export (`/register/export.pdf`) of 1,000 entries, requested as
  the SPOC officer; RUNS runs; the median.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from benchmarks.common import Figure, median_seconds

ENTRIES = 1_000
RUNS = 3
NAME = "Export"


def measure() -> list[Figure]:
    from django.urls import reverse

    from benchmarks import data
    from publishing.site import publish_site

    data.reset()
    world = data.make_world()
    data.add_published(world, ENTRIES)
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    counts: list[int] = []

    def publish() -> None:
        folder = work / f"site-{len(counts)}"
        result = publish_site(world.election, to=folder)
        if result.status != "published":
            raise AssertionError(f"The public site was not published: {result.reason}")
        counts.append(sum(1 for p in folder.rglob("*") if p.is_file()))
        shutil.rmtree(folder)

    try:
        site = median_seconds(publish, runs=RUNS, warmup=0)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    client = data.signed_in_client(world.spoc)
    url = reverse("requests_register:export_pdf")
    sizes: list[int] = []

    def pdf() -> None:
        response = client.get(url, secure=True)
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise AssertionError(f"{url} gave {response.status_code}, not a PDF")
        sizes.append(len(response.content))

    register_pdf = median_seconds(pdf, runs=RUNS, warmup=0)
    return [
        Figure(
            NAME,
            f"public site, {ENTRIES:,} published answers",
            site,
            "s",
            f"publish_site into an empty folder ({counts[-1]:,} files, every one scanned "
            f"for leaks); median of {RUNS}",
        ),
        Figure(
            NAME,
            f"register PDF, {ENTRIES:,} entries",
            register_pdf,
            "s",
            f"GET /register/export.pdf as the SPOC ({sizes[-1] / 1024:,.0f} KB); median of {RUNS}",
        ),
    ]
