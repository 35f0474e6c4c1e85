"""`python -m benchmarks.pdf_step ELECTION_ID`: the register PDF's own step in a process of its
own, as a Celery worker runs it (issue 16, item 2), for benchmarks/publish.py.

Django is set up on the benchmark database from the environment the parent passes on
(benchmarks.data.bench_environment, and PUBLIC_SITE_ROOT for the site's folder). Prints one
line of JSON: what the step returned, its time, and this process's peak resident memory, which
is the step's memory (plus Django's own, as in a worker), not the parent's: the parent holds the
whole register it built and published, which a worker running this step does not
(benchmarks.common.peak_rss_mb: getrusage would report the parent's memory here).
"""

from __future__ import annotations

import json
import sys
import time


def main(election_id: int) -> dict:
    import django

    django.setup()
    from benchmarks.common import peak_rss_mb
    from publishing.site.slow import publish_slow_files

    start = time.perf_counter()
    outcome = publish_slow_files(election_id)
    seconds = time.perf_counter() - start
    return {
        "outcome": outcome,
        "seconds": seconds,
        # Its own (common.peak_rss_mb): not the parent's, which started it.
        "peak_rss_mb": peak_rss_mb(),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
