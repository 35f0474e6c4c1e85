"""Incident pages: what each person is shown and refused, bad input kept, the list's queries,
and the panels on the dashboards and the parity page."""

from datetime import timedelta

import pytest
from django.urls import reverse

from incidents import services
from incidents.models import Incident
from tests.clock import IN_THE_PERIOD as NOW
from tests.incidents.helpers import staff_and_ada

pytestmark = pytest.mark.usefixtures("in_the_period_clock")


@pytest.fixture
def cast(make_user, election):
    return staff_and_ada(
        make_user, election, ["spoc", "ce", "cc", "aud"], at=NOW - timedelta(days=2)
    )


def _imagery(election, users, ada, service="police", **kw):
    return services.record_incident(
        election=election,
        by=users["spoc"],
        kind="imagery",
        service=service,
        title=kw.pop("title", "Crest on a leaflet"),
        description="The crest is on the leaflet.",
        raised_at=NOW - timedelta(hours=kw.pop("hours", 1)),
        candidates=[ada],
        **kw,
    )


def test_record_refuses_bad_input_and_keeps_what_was_typed(client, election, cast):
    users, _ada = cast
    client.force_login(users["spoc"])
    response = client.post(
        reverse("incidents:record", kwargs={"kind": "imagery"}),
        {"title": "Crest <b>bold</b>", "description": "", "raised_at": "2024-02-30T10:00"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "Crest &lt;b&gt;bold&lt;/b&gt;" in html and 'value="2024-02-30T10:00"' in html
    assert "Choose at least one" not in html  # the message is Django's, per field
    assert Incident.objects.count() == 0


def test_record_stores_and_shows_the_incident(client, election, cast):
    users, ada = cast
    client.force_login(users["spoc"])
    response = client.post(
        reverse("incidents:record", kwargs={"kind": "imagery"}),
        {
            "title": "Crest on a leaflet",
            "description": "Seen in Northtown.",
            "raised_at": "2024-04-10T09:30",
            "raised_by_type": "public",
            "service": "police",
            "candidates": [str(ada.pk)],
            "source": "Leaflet",
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "incidents:detail", kwargs={"pk": incident.pk}
    )
    assert (incident.kind, incident.service, list(incident.candidates.all())) == (
        "imagery",
        "police",
        [ada],
    )


def test_unknown_kind_is_not_found(client, election, cast):
    users, _ada = cast
    client.force_login(users["spoc"])
    assert client.get(reverse("incidents:record", kwargs={"kind": "gossip"})).status_code == 404


def test_list_costs_the_same_queries_for_one_and_three(client, election, cast, count_queries):
    users, ada = cast
    client.force_login(users["spoc"])
    _imagery(election, users, ada)
    url = reverse("incidents:list")
    one = count_queries(lambda: client.get(url))
    _imagery(election, users, ada, title="Second")
    _imagery(election, users, ada, title="Third")
    three = count_queries(lambda: client.get(url))
    assert one == three
    assert "Third" in client.get(url).content.decode()


def test_the_chief_constable_decides_police_imagery_not_the_chief_executive(client, election, cast):
    users, ada = cast
    incident = _imagery(election, users, ada)
    services.set_incident_status(incident.pk, "awaiting_decision", by=users["spoc"])
    url = reverse("incidents:decide", kwargs={"pk": incident.pk})
    client.force_login(users["ce"])
    assert client.get(url).status_code == 403
    client.force_login(users["cc"])
    page = client.get(url).content.decode()
    assert "The degree of publication already achieved" in page
    response = client.post(
        url,
        {
            "expected_status": "awaiting_decision",
            "decision": "request_removal",
            "profile": "High",
            "message": "",
            "publication": "Wide",
            "damage": "High",
            "reasons": "Endorsement.",
        },
    )
    assert response.status_code == 400 and "The message given" in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).status == "awaiting_decision"


def test_the_decision_page_shows_earlier_decisions_on_similar_cases(client, election, cast):
    users, ada = cast
    earlier = _imagery(election, users, ada, title="Earlier crest", hours=48)
    services.set_incident_status(earlier.pk, "awaiting_decision", by=users["spoc"])
    services.set_incident_status(
        earlier.pk,
        "decided",
        by=users["cc"],
        decision="no_action",
        reasons="Already withdrawn by the candidate.",
        considerations={"profile": "a", "message": "b", "publication": "c", "damage": "d"},
    )
    now = _imagery(election, users, ada, title="New crest")
    services.set_incident_status(now.pk, "awaiting_decision", by=users["spoc"])
    client.force_login(users["cc"])
    page = client.get(reverse("incidents:decide", kwargs={"pk": now.pk})).content.decode()
    assert "Earlier crest" in page and "Already withdrawn by the candidate." in page


def test_the_chiefs_dashboard_shows_their_incidents_only(client, election, cast):
    users, ada = cast
    police = _imagery(election, users, ada, title="Police crest")
    services.set_incident_status(police.pk, "awaiting_decision", by=users["spoc"])
    _imagery(election, users, ada, service="office", title="Office logo")
    client.force_login(users["cc"])
    page = client.get(reverse("briefings:dashboard")).content.decode()
    assert "Police crest" in page and "awaiting you" in page
    assert "Office logo" not in page
    client.force_login(users["spoc"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "Police crest" in page and "Office logo" in page


def test_every_page_counts_overdue_incidents(client, election, cast):
    users, ada = cast
    _imagery(election, users, ada, hours=30)  # 24-hour target: overdue
    client.force_login(users["spoc"])
    page = client.get(reverse("candidates:list")).content.decode()
    assert 'id="incident-deadlines"' in page and "1 overdue" in page


def test_parity_page_links_imagery_decisions(client, election, cast):
    users, ada = cast
    incident = _imagery(election, users, ada)
    client.force_login(users["aud"])
    page = client.get(reverse("requests_register:parity")).content.decode()
    assert reverse("incidents:detail", kwargs={"pk": incident.pk}) in page
    assert "Ada Lovelock" in page


def test_auditor_reads_but_cannot_act(client, election, cast):
    users, ada = cast
    incident = _imagery(election, users, ada)
    client.force_login(users["aud"])
    page = client.get(reverse("incidents:detail", kwargs={"pk": incident.pk})).content.decode()
    assert "Crest on a leaflet" in page and "Put it to the decider" not in page
    response = client.post(
        reverse("incidents:step", kwargs={"pk": incident.pk}),
        {"status": "awaiting_decision", "expected_status": "recorded"},
    )
    assert response.status_code == 400 and "Only the Election SPOC" in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).status == "recorded"
    settings_url = reverse("incidents:settings")
    assert client.get(settings_url).status_code == 403


def test_settings_change_the_target_of_new_incidents(client, election, cast):
    users, ada = cast
    client.force_login(users["ce"])
    data = {"explanation": "Removed under the pre-election rules."}
    for kind in ("imagery", "factual", "social_media", "breach", "conduct", "announcement"):
        data |= {f"{kind}_amount": "2", f"{kind}_unit": "hours"}
    data |= {"incumbent_amount": "0", "incumbent_unit": "hours"}
    response = client.post(reverse("incidents:settings"), data)
    assert response.status_code == 400
    assert "Removed under the pre-election rules." in response.content.decode()
    assert services.settings_for(election).targets == {}
    data["incumbent_amount"] = "3"
    assert client.post(reverse("incidents:settings"), data).status_code == 302
    incident = _imagery(election, users, ada)
    assert incident.due_at == incident.raised_at + timedelta(hours=2)


def test_a_step_refused_by_its_form_keeps_the_note_and_says_why(client, election, cast):
    """A field the form refuses (here a hidden field holding a NUL character) refuses the step
    beside it, with the form's reason, and the note typed is on the page again."""
    users, ada = cast
    incident = _imagery(election, users, ada)
    client.force_login(users["spoc"])
    response = client.post(
        reverse("incidents:step", kwargs={"pk": incident.pk}),
        {"status": "awaiting_decision", "expected_status": "\x00", "reasons": "Seen by the team"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Seen by the team" in page and "Null characters are not allowed." in page
    assert Incident.objects.get(pk=incident.pk).status == "recorded"
