"""The staff register list at 100 and at 100,000 entries: queries per page and the time ratio.

The SPOC officer's default view (`/register/`, no filter, first page), through Django's test
client in this process, so the whole request is timed: middleware, the queries and the template.
The page's queries are counted at both sizes (they must be equal: no query per row) and each
time is the median of RUNS requests after a warm-up.
"""

from __future__ import annotations

from benchmarks.common import Figure, median_seconds

SMALL, LARGE = 100, 100_000
RUNS = 9
NAME = "Register list"


def _page(client, url: str, expected: int) -> tuple[int, float]:
    """Return (queries, median seconds) for GETting `url`, checking the page shows `expected`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get() -> None:
        response = client.get(url, secure=True)
        if response.status_code != 200 or f"{expected:,} entries".replace(",", "") not in (
            response.content.decode().replace(",", "")
        ):
            raise AssertionError(f"{url} did not show the register of {expected} entries")

    with CaptureQueriesContext(connection) as ctx:
        get()
    return len(ctx.captured_queries), median_seconds(get, runs=RUNS, warmup=2)


def measure() -> list[Figure]:
    from django.urls import reverse

    from benchmarks import data

    data.reset()
    world = data.make_world()
    data.add_entries(world, SMALL)
    client = data.signed_in_client(world.spoc)
    url = reverse("requests_register:list")
    small_queries, small = _page(client, url, SMALL)
    data.add_entries(world, LARGE - SMALL)
    large_queries, large = _page(client, url, LARGE)
    if small_queries != large_queries:
        raise AssertionError(
            f"The register list made {small_queries} queries at {SMALL} entries and "
            f"{large_queries} at {LARGE}: a query per row crept in."
        )
    how = f"GET /register/ as the SPOC, first page of 50; median of {RUNS}"
    return [
        Figure(NAME, f"queries per page at {SMALL:,} entries", small_queries, "queries", how),
        Figure(NAME, f"queries per page at {LARGE:,} entries", large_queries, "queries", how),
        Figure(NAME, f"time at {SMALL:,} entries", small * 1000, "ms", how),
        Figure(NAME, f"time at {LARGE:,} entries", large * 1000, "ms", how),
        Figure(NAME, f"time ratio {LARGE:,} / {SMALL:,}", large / small, "times", how),
    ]
