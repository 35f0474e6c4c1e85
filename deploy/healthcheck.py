"""Container health checks (docker-compose.yml), standard library only: no curl in the image.

    python deploy/healthcheck.py web    GET /healthz from gunicorn: 200 means the database answers
    python deploy/healthcheck.py beat   beat has written its schedule file recently

Exit status 0 is healthy, anything else unhealthy (Docker's convention). The worker's check is
`celery inspect ping` (see docker-compose.yml).
"""

from __future__ import annotations

import http.client
import os
import sys
import time
from pathlib import Path

WEB_ADDRESS = os.environ.get("HEALTHCHECK_ADDRESS", "127.0.0.1:8000")
# Beat saves its schedule at least every few minutes (celery.beat: sync_every is 3 minutes,
# and it wakes at least every 5); a file older than this means beat is stuck.
BEAT_STALE_SECONDS = int(os.environ.get("BEAT_STALE_SECONDS", 15 * 60))


def host_header(allowed_hosts: str) -> str:
    """Return a Host header Django will accept: the first usable ALLOWED_HOSTS entry.

    Django answers 400 to a Host it does not know (the container's own address is not in
    ALLOWED_HOSTS in production). "*" and ".example.org" patterns are turned into a name.
    """
    for entry in (item.strip() for item in allowed_hosts.split(",")):
        if not entry or entry == "*":
            continue
        return entry.lstrip(".")
    return "localhost"


def check_web() -> str | None:
    """Return None if /healthz answers 200, else what went wrong."""
    connection = http.client.HTTPConnection(WEB_ADDRESS, timeout=5)
    try:
        connection.request(
            "GET",
            "/healthz",
            headers={
                "Host": host_header(os.environ.get("ALLOWED_HOSTS", "localhost")),
                # As nginx says it, so the answer is the one a browser would get.
                "X-Forwarded-Proto": "https",
            },
        )
        response = connection.getresponse()
        body = response.read(500).decode(errors="replace")
    except OSError as error:
        return f"no answer from {WEB_ADDRESS}: {error}"
    finally:
        connection.close()
    if response.status != 200:
        return f"/healthz answered {response.status}: {body}"
    return None


def check_beat() -> str | None:
    """Return None if beat's schedule file was written in the last BEAT_STALE_SECONDS."""
    schedule = Path(os.environ.get("VAR_DIR", "var")) / "celerybeat-schedule"
    # shelve adds a suffix on some dbm back-ends (.db, .dat/.dir): take the newest.
    files = [p for p in schedule.parent.glob(schedule.name + "*") if p.is_file()]
    if not files:
        return f"no schedule file at {schedule}"
    age = time.time() - max(p.stat().st_mtime for p in files)
    if age > BEAT_STALE_SECONDS:
        return f"{schedule} last written {age:.0f} s ago"
    return None


CHECKS = {"web": check_web, "beat": check_beat}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in CHECKS:
        print(f"usage: {argv[0]} {{{','.join(CHECKS)}}}", file=sys.stderr)
        return 2
    problem = CHECKS[argv[1]]()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    print("healthy")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
