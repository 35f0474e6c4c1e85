"""Settings for the benchmark run only: the project's settings, with the benchmark URLs.

`python -m benchmarks` (and the gunicorn it starts for the throughput figure) use this module;
production and the tests never do, so the do-nothing view in benchmarks/urls.py exists only
here.
"""

from election_protocol.settings import *  # noqa: F403 - the project's settings, unchanged

ROOT_URLCONF = "benchmarks.urls"
