"""The project's URLs plus a do-nothing view, for the benchmark run only (benchmarks.settings).

The throughput figure compares the register list with `nothing/` on the same gunicorn, the same
database and the same middleware (sessions, login, the staff check): the ratio is what the
page itself costs. Never included in election_protocol.urls.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from election_protocol.urls import urlpatterns as project_urlpatterns


def nothing(request: HttpRequest) -> HttpResponse:
    """Return "ok": the floor a page cannot go below on this stack."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/nothing/", nothing, name="bench_nothing"), *project_urlpatterns]
