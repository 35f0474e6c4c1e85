"""The access matrix: every staff URL by every role, signed out, signed in without a role, and
signed in as the incumbent who stands (issue 6, item 4).

The URL list comes from the URL configuration itself (helpers.all_routes), so a new page
cannot be forgotten: a pattern that is neither in MATRIX nor in NOT_IN_MATRIX fails
test_every_url_is_in_the_matrix, naming it. The expected outcomes follow each app's
permissions.py (SPOC and Chief Executive manage; the auditor reads; chiefs and liaisons see
only what is assigned to them; the Chief Executive alone names deputies) and
election_protocol.middleware (no role, or linked to a standing candidate: refused everything,
Cumbria protocol 3.4.2).

Object-level: a liaison (or a chief) asking for an entry (or booking) that is not theirs gets
exactly the answer given for one that does not exist (HOUSE_STYLE "404 alike").
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.shortcuts import resolve_url
from django.urls import reverse

from tests.security.conftest import World, client_for
from tests.security.helpers import all_routes, body_shape, changed_tables, table_counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

ROLES = ["spoc", "ce", "cc", "cfo", "pl", "fl", "aud", "anon", "nonstaff", "candidate"]
ROLE_NAMES = {
    "spoc": "SPOC officer",
    "ce": "Chief Executive",
    "cc": "Chief Constable",
    "cfo": "Chief Fire Officer",
    "pl": "Police liaison",
    "fl": "Fire liaison",
    "aud": "Auditor",
    "anon": "signed out",
    "nonstaff": "signed in, no role",
    "candidate": "linked to a standing candidate (incumbent-pcc)",
}

# Outcomes: 200, 302 (a redirect within the application), 403, 404, 405 (GET on a POST-only
# page), 400 (the action is refused on the page, nothing done), login (to the login page),
# deny (403, the not-staff page, and signed out: StaffOnlyMiddleware), "." (allowed and not
# exercised here: a POST that would really change something; the apps' own tests cover it).
#
# GET, with the objects of conftest.World: the entry is the one assigned to the police
# liaison, the booking the one the Chief Constable must confirm.
MATRIX_TEXT = """
url name                            spoc ce   cc   cfo  pl   fl   aud  anon  nonstaff candidate
dashboard                           200  200  200  200  200  200  200  login deny     deny
non_working_days                    200  200  403  403  403  403  403  login deny     deny
non_working_day_delete              405  405  405  405  405  405  405  login deny     deny
candidates:list                     200  200  200  200  403  403  200  login deny     deny
candidates:create                   200  200  403  403  403  403  403  login deny     deny
candidates:sopn_import              200  200  403  403  403  403  403  login deny     deny
candidates:sopn_confirm             302  302  403  403  403  403  403  login deny     deny
candidates:detail                   200  200  200  200  404  404  200  login deny     deny
candidates:edit                     200  200  403  403  404  404  403  login deny     deny
candidates:status                   200  200  403  403  404  404  403  login deny     deny
requests_register:list              200  200  200  200  200  200  200  login deny     deny
requests_register:log               200  200  403  403  200  200  403  login deny     deny
requests_register:log_from_email    200  200  403  403  200  200  403  login deny     deny
requests_register:my_work           200  200  200  200  200  200  200  login deny     deny
requests_register:parity            200  200  403  403  403  403  200  login deny     deny
requests_register:deputies          403  200  403  403  403  403  403  login deny     deny
requests_register:export_csv        200  200  403  403  403  403  200  login deny     deny
requests_register:export_pdf        200  200  403  403  403  403  200  login deny     deny
requests_register:attachment        200  200  404  404  404  404  404  login deny     deny
requests_register:detail            200  200  404  404  200  404  200  login deny     deny
requests_register:edit              200  200  404  404  403  404  403  login deny     deny
requests_register:status            405  405  405  405  405  405  405  login deny     deny
requests_register:draft             200  200  404  404  403  404  403  login deny     deny
requests_register:assign            405  405  405  405  405  405  405  login deny     deny
requests_register:contribute        405  405  405  405  405  405  405  login deny     deny
requests_register:note              405  405  405  405  405  405  405  login deny     deny
requests_register:attachments       405  405  405  405  405  405  405  login deny     deny
requests_register:owner             405  405  405  405  405  405  405  login deny     deny
requests_register:unassign          405  405  405  405  405  405  405  login deny     deny
requests_register:reassign          405  405  405  405  405  405  405  login deny     deny
requests_register:answer_documents  405  405  405  405  405  405  405  login deny     deny
requests_register:remove_answer_document 405 405 405 405  405  405  405  login deny     deny
requests_register:answer_document   200  200  404  404  404  404  404  login deny     deny
requests_register:propose           405  405  405  405  405  405  405  login deny     deny
requests_register:decide_proposal   405  405  405  405  405  405  405  login deny     deny
briefings:record_held               200  200  200  200  200  200  403  login deny     deny
briefings:dashboard                 200  200  200  200  200  200  200  login deny     deny
briefings:prepare                   200  200  403  403  403  403  403  login deny     deny
briefings:booking                   200  200  200  404  404  404  200  login deny     deny
briefings:step                      405  405  405  405  405  405  405  login deny     deny
briefings:events                    200  200  403  403  403  403  200  login deny     deny
briefings:event                     200  200  404  404  404  404  200  login deny     deny
briefings:event_action              405  405  405  405  405  405  405  login deny     deny
briefings:offer                     200  200  403  403  403  403  200  login deny     deny
briefings:offer_to_all              405  405  405  405  405  405  405  login deny     deny
briefings:offer_state               405  405  405  405  405  405  405  login deny     deny
briefings:calendar                  404  404  404  404  404  404  404  404   deny     deny
briefings:calendar_reset            405  405  405  405  405  405  405  login deny     deny
briefings:event_edit                200  200  404  404  404  404  403  login deny     deny
briefings:event_cancel              200  200  404  404  404  404  403  login deny     deny
briefings:materials                 200  200  403  403  403  403  200  login deny     deny
briefings:material                  200  200  404  404  404  404  200  login deny     deny
briefings:material_approve          405  405  405  405  405  405  405  login deny     deny
briefings:material_withdraw         405  405  405  405  405  405  405  login deny     deny
briefings:material_file             200  200  404  404  404  404  200  login deny     deny
briefings:briefing_page             200  200  403  403  403  403  403  login deny     deny
paro:consult                        200  200  404  404  403  404  403  login deny     deny
publishing:list                     200  200  403  403  403  403  200  login deny     deny
publishing:prepare                  200  200  404  404  404  404  403  login deny     deny
publishing:prepare_meeting          200  200  403  403  403  403  403  login deny     deny
publishing:prepare_event            200  200  403  403  403  403  403  login deny     deny
publishing:review                   200  200  404  404  404  404  200  login deny     deny
publishing:redact                   405  405  405  405  405  405  405  login deny     deny
publishing:restore                  405  405  405  405  405  405  405  login deny     deny
publishing:submit                   405  405  405  405  405  405  405  login deny     deny
publishing:approve                  405  405  405  405  405  405  405  login deny     deny
publishing:return                   405  405  405  405  405  405  405  login deny     deny
publishing:correct                  405  405  405  405  405  405  405  login deny     deny
publishing:approve_correction       405  405  405  405  405  405  405  login deny     deny
publishing:reject_correction        405  405  405  405  405  405  405  login deny     deny
publishing:withdraw                 405  405  405  405  405  405  405  login deny     deny
publishing:runs                     200  200  403  403  403  403  200  login deny     deny
publishing:publish_now              405  405  405  405  405  405  405  login deny     deny
publishing:deadlines                200  200  403  403  403  403  200  login deny     deny
publishing:propose_not_for_publication 200 200 403 403  403  403  403  login deny     deny
publishing:not_for_publication      200  200  403  403  403  403  200  login deny     deny
publishing:prepare_action           200  200  403  403  403  403  403  login deny     deny
publishing:prepare_declined         200  200  403  403  403  403  403  login deny     deny
dataprotection:retention            200  200  403  403  403  403  200  login deny     deny
dataprotection:retention_period     405  405  405  405  405  405  405  login deny     deny
dataprotection:subject_access       200  200  403  403  403  403  403  login deny     deny
dataprotection:subject_access_export 405 405  405  405  405  405  405  login deny     deny
dataprotection:legal_hold           405  405  405  405  405  405  405  login deny     deny
security:two_factor                 200  200  200  200  200  200  200  login deny     deny
security:two_factor_setup           200  200  200  200  200  200  200  login deny     deny
security:two_factor_verify          302  302  302  302  302  302  302  login deny     deny
security:two_factor_remove          405  405  405  405  405  405  405  login deny     deny
security:audit_log                  403  200  403  403  403  403  200  login deny     deny
mail_intake:inbox                   200  200  403  403  403  403  403  login deny     deny
mail_intake:message                 200  200  404  404  404  404  404  login deny     deny
mail_intake:original                200  200  404  404  404  404  404  login deny     deny
mail_intake:accept                  405  405  405  405  405  405  405  login deny     deny
mail_intake:duplicate               405  405  405  405  405  405  405  login deny     deny
mail_intake:dismiss                 405  405  405  405  405  405  405  login deny     deny
incidents:list                      200  200  200  200  200  200  200  login deny     deny
incidents:record                    200  200  403  403  403  403  403  login deny     deny
incidents:settings                  200  200  403  403  403  403  403  login deny     deny
incidents:detail                    200  200  200  404  200  404  200  login deny     deny
incidents:step                      405  405  405  405  405  405  405  login deny     deny
incidents:decide                    403  403  200  404  404  404  403  login deny     deny
incidents:statement                 200  200  404  404  404  404  403  login deny     deny
incidents:consult                   405  405  405  405  405  405  405  login deny     deny
incidents:add_evidence              405  405  405  405  405  405  405  login deny     deny
incidents:assign                    405  405  405  405  405  405  405  login deny     deny
incidents:reminder                  405  405  405  405  405  405  405  login deny     deny
incidents:evidence                  200  200  200  404  404  404  404  login deny     deny
reports:equal_treatment             200  200  403  403  403  403  200  login deny     deny
reports:equal_treatment_csv         200  200  403  403  403  403  200  login deny     deny
reports:equal_treatment_pdf         200  200  403  403  403  403  200  login deny     deny
lifecycle:elections                 200  200  200  200  200  200  200  login deny     deny
lifecycle:closedown                 200  200  403  403  403  403  200  login deny     deny
lifecycle:report                    404  404  403  403  403  403  404  login deny     deny
protocol:page                       200  200  200  200  200  200  200  login deny     deny
protocol:new_version                200  200  403  403  403  403  403  login deny     deny
protocol:acknowledge                405  405  405  405  405  405  405  login deny     deny
protocol:readers                    403  200  403  403  403  403  200  login deny     deny
foi:case                            200  200  404  404  404  404  200  login deny     deny
foi:copy                            200  200  403  403  403  403  403  login deny     deny
foi:holder                          405  405  405  405  405  405  405  login deny     deny
foi:clarify                         405  405  405  405  405  405  405  login deny     deny
foi:clarified                       405  405  405  405  405  405  405  login deny     deny
foi:extend                          405  405  405  405  405  405  405  login deny     deny
foi:refuse                          405  405  405  405  405  405  405  login deny     deny
foi:disclosed                       405  405  405  405  405  405  405  login deny     deny
foi:review                          405  405  405  405  405  405  405  login deny     deny
foi:review_decision                 405  405  405  405  405  405  405  login deny     deny
"""

# POST to the POST-only pages. Only refusals are exercised ("." = allowed, not run here). The
# auditor may see a booking, so the booking funnel itself refuses the step (400, on the page).
# For every other page, a POST by a role refused the GET is refused the same way (post_cell).
POST_ONLY_TEXT = """
url name                            spoc ce   cc   cfo  pl   fl   aud  anon  nonstaff candidate
non_working_day_delete              .    .    403  403  403  403  403  login deny     deny
requests_register:status            .    .    404  404  403  404  403  login deny     deny
requests_register:assign            .    .    404  404  403  404  403  login deny     deny
requests_register:contribute        .    .    404  404  .    404  403  login deny     deny
requests_register:note              .    .    404  404  403  404  403  login deny     deny
requests_register:attachments       .    .    404  404  403  404  403  login deny     deny
requests_register:owner             .    .    404  404  403  404  403  login deny     deny
requests_register:unassign          .    .    404  404  403  404  403  login deny     deny
requests_register:reassign          .    .    404  404  403  404  403  login deny     deny
requests_register:answer_documents  .    .    404  404  403  404  403  login deny     deny
requests_register:remove_answer_document .  . 404  404  403  404  403  login deny     deny
requests_register:propose           .    .    404  404  403  404  403  login deny     deny
requests_register:decide_proposal   403  .    404  404  403  404  403  login deny     deny
briefings:step                      .    .    .    404  404  404  400  login deny     deny
briefings:event_action              .    .    404  404  404  404  403  login deny     deny
briefings:offer_to_all              .    .    403  403  403  403  403  login deny     deny
briefings:offer_state               .    .    403  403  403  403  403  login deny     deny
briefings:calendar_reset            .    .    .    .    .    .    .    login deny     deny
briefings:material_approve          403  .    404  404  404  404  403  login deny     deny
briefings:material_withdraw         .    .    404  404  404  404  403  login deny     deny
publishing:redact                   .    .    404  404  404  404  403  login deny     deny
publishing:restore                  .    .    404  404  404  404  403  login deny     deny
publishing:submit                   .    .    404  404  404  404  403  login deny     deny
publishing:approve                  .    .    404  404  404  404  403  login deny     deny
publishing:return                   .    .    404  404  404  404  403  login deny     deny
publishing:correct                  .    .    404  404  404  404  403  login deny     deny
publishing:approve_correction       .    .    404  404  404  404  403  login deny     deny
publishing:reject_correction        .    .    404  404  404  404  403  login deny     deny
publishing:withdraw                 .    .    404  404  404  404  403  login deny     deny
publishing:publish_now              .    .    403  403  403  403  403  login deny     deny
dataprotection:retention_period     403  .    403  403  403  403  403  login deny     deny
dataprotection:subject_access_export .   .    403  403  403  403  403  login deny     deny
dataprotection:legal_hold           .    .    403  403  403  403  403  login deny     deny
security:two_factor_remove          .    .    .    .    .    .    .    login deny     deny
mail_intake:accept                  .    .    404  404  404  404  404  login deny     deny
mail_intake:duplicate               .    .    404  404  404  404  404  login deny     deny
mail_intake:dismiss                 .    .    404  404  404  404  404  login deny     deny
incidents:step                      .    .    400  404  400  404  400  login deny     deny
incidents:consult                   .    .    403  404  403  404  403  login deny     deny
incidents:add_evidence              .    .    403  404  403  404  403  login deny     deny
incidents:assign                    .    .    403  404  403  404  403  login deny     deny
incidents:reminder                  .    .    403  404  403  404  403  login deny     deny
protocol:acknowledge                .    .    .    .    .    .    .    login deny     deny
foi:holder                          .    .    404  404  404  404  403  login deny     deny
foi:clarify                         .    .    404  404  404  404  403  login deny     deny
foi:clarified                       .    .    404  404  404  404  403  login deny     deny
foi:extend                          .    .    404  404  404  404  403  login deny     deny
foi:refuse                          403  .    404  404  404  404  403  login deny     deny
foi:disclosed                       .    .    404  404  404  404  403  login deny     deny
foi:review                          .    .    404  404  404  404  403  login deny     deny
foi:review_decision                 403  .    404  404  404  404  403  login deny     deny
"""

# Patterns deliberately outside the matrix, each with the reason.
NOT_IN_MATRIX = {
    "admin": "the Django admin: its own permission system; StaffOnlyMiddleware tested in "
    "tests/election_protocol",
    "login": "the sign-in page, open to all",
    "logout": "signing out",
    "public_site": "DEBUG only: the demo's copy of the public election page, open to all",
    "healthz": "the deployment's health check, open to all by design",
    "archived_site": "DEBUG only: the demo's copy of an election's archived public page, open "
    "to all like the public site",
}


def _parse(text: str) -> dict[str, dict[str, str]]:
    lines = [line.split() for line in text.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[2:] == ROLES, header
    table = {}
    for row in rows:
        assert len(row) == len(ROLES) + 1, row
        assert row[0] not in table, f"{row[0]} twice"
        table[row[0]] = dict(zip(ROLES, row[1:], strict=True))
    return table


MATRIX = _parse(MATRIX_TEXT)
POST_ONLY = _parse(POST_ONLY_TEXT)
REFUSALS = {"403", "404", "400", "login", "deny"}


def post_cell(name: str, role: str) -> str:
    """Return the expected answer to a POST: POST_ONLY's, or the GET's refusal (else ".")."""
    if name in POST_ONLY:
        return POST_ONLY[name][role]
    expected = MATRIX[name][role]
    return expected if expected in REFUSALS else "."


def _ignored(name: str) -> bool:
    return any(name == n or name.startswith(f"{n}:") for n in NOT_IN_MATRIX)


ROUTES = {route.name: route for route in all_routes()}


# --- the URL list is the matrix's --------------------------------------------------------------


def test_every_url_is_in_the_matrix():
    names = {name for name in ROUTES if not _ignored(name)}
    missing = sorted(names - set(MATRIX))
    assert not missing, (
        f"New URL pattern(s) {missing} are not in the access matrix: add a row for each to "
        "MATRIX_TEXT in tests/security/test_access_matrix.py (and to POST_ONLY_TEXT if it is "
        "POST-only), saying what every role gets."
    )
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"{stale} are in the matrix but no longer in the URL configuration"
    assert set(POST_ONLY) <= set(MATRIX)
    post_only = {n for n, row in MATRIX.items() if row["spoc"] == "405"}
    assert post_only == set(POST_ONLY), "every page answering 405 to a GET needs a POST row"


# --- arguments: real objects for every captured name -------------------------------------------

# Which object a captured argument names: by URL name first, then by namespace and argument,
# then by argument alone. An argument nobody knows fails the test, asking for a line here.
ARG_BY_URL = {
    "non_working_day_delete": {"pk": "non_working_day"},
    "briefings:event": {"pk": "event"},
    "briefings:event_action": {"pk": "event", "action": "invite"},
    "briefings:offer_state": {"pk": "offer"},
    "briefings:event_edit": {"pk": "event"},
    "briefings:event_cancel": {"pk": "event"},
    "briefings:material": {"pk": "material"},
    "briefings:material_approve": {"pk": "material_draft"},
    "briefings:material_withdraw": {"pk": "material"},
    "briefings:material_file": {"pk": "material"},
    "paro:consult": {"kind": "paro_kind_entry", "pk": "entry"},
    "requests_register:answer_document": {"token": "answer_document"},
    "requests_register:remove_answer_document": {"pk": "entry", "token": "answer_document"},
    "requests_register:decide_proposal": {"pk": "entry", "proposal_pk": "proposal"},
    "publishing:prepare_meeting": {"booking_pk": "booking_held"},
    "publishing:prepare": {"entry_pk": "entry_ready"},
    "publishing:restore": {"redaction_pk": "redaction"},
    "publishing:propose_not_for_publication": {"entry_pk": "entry_ready"},
    "publishing:not_for_publication": {"pk": "nfp_proposed"},
    "publishing:prepare_action": {"entry_pk": "entry_referred"},
    "publishing:prepare_declined": {"booking_pk": "booking_declined"},
    "publishing:approve_correction": {
        "pk": "public_entry_corrected",
        "correction_pk": "correction",
    },
    "publishing:reject_correction": {"pk": "public_entry_corrected", "correction_pk": "correction"},
    "incidents:record": {"kind": "imagery"},
    "incidents:decide": {"pk": "incident_decide"},
    "incidents:statement": {"pk": "incident_factual"},
    "incidents:evidence": {"pk": "evidence"},
    "foi:copy": {"pk": "entry_foi_disclosed"},
}
ARG_BY_NAMESPACE = {
    ("candidates", "pk"): "candidate",
    ("requests_register", "pk"): "entry",
    ("briefings", "pk"): "booking",
    ("publishing", "pk"): "public_entry",
    ("dataprotection", "pk"): "entry",
    ("mail_intake", "pk"): "mail",
    ("incidents", "pk"): "incident",
    ("foi", "pk"): "entry_foi",
}
ARG_BY_NAME = {"entry_pk": "entry", "booking_pk": "booking", "event_pk": "event"}
LITERAL = {"invite", "imagery"}
# A literal whose value is not its key (the key "entry" already names an object).
LITERAL_VALUES = {"paro_kind_entry": "entry"}


def kwargs_for(name: str, world: World, **replace: object) -> dict[str, object]:
    route = ROUTES[name]
    out = {}
    for arg in route.kwargs:
        key = (
            ARG_BY_URL.get(name, {}).get(arg)
            or ARG_BY_NAMESPACE.get((route.namespace, arg))
            or ARG_BY_NAME.get(arg)
        )
        if arg == "token":
            out[arg] = world.objects[ARG_BY_URL.get(name, {}).get(arg, "attachment")].token
        elif key in LITERAL:
            out[arg] = key
        elif key in LITERAL_VALUES:
            out[arg] = LITERAL_VALUES[key]
        elif key is None:
            pytest.fail(f"{name}: no object for argument {arg!r}; add it to ARG_BY_* here")
        else:
            out[arg] = world.objects[key].pk
    out.update(replace)
    return out


# Form data for the POSTs: enough to reach the permission check, never a complete action
# (the allowed cells are not run).
POST_DATA = {
    "requests_register:status": {"status": "in_progress", "reason": "x"},
    "requests_register:assign": {"request": "x"},
    "requests_register:contribute": {"body": "A contribution."},
    "requests_register:note": {"kind": "note", "body": "x"},
    "briefings:step": {"status": "confirmed", "expected_status": "approved"},
    "briefings:offer_state": {"state": "accepted"},
    "briefings:material_approve": {"factual_check": "Checked."},
    "publishing:redact": {"redact-field": "answer", "redact-text": "the", "redact-reason": "x"},
    "dataprotection:retention_period": {"months": "12"},
    "dataprotection:legal_hold": {"reason": "An election petition."},
    "incidents:step": {"status": "closed", "expected_status": "awaiting_guidance", "reasons": "x"},
}


# --- checking an answer -----------------------------------------------------------------------


def check(response, expected: str, client) -> None:
    status = response.status_code
    login = resolve_url(settings.LOGIN_URL)
    if expected == "login":
        assert status == 302, status
        assert response["Location"].startswith(login + "?next="), response["Location"]
    elif expected == "deny":
        assert status == 403, status
        assert "403_not_staff.html" in [t.name for t in response.templates]
        assert SESSION_KEY not in client.session, "a refused non-staff user stays signed in"
    elif expected == "302":
        assert status == 302, status
        location = response["Location"]
        assert location.startswith("/") and not location.startswith(login), location
    else:
        assert status == int(expected), f"{status}, expected {expected}"
        if expected == "200":
            assert response.get("Content-Type", "").split(";")[0] in {
                "text/html",
                "text/csv",
                "application/pdf",
                "text/calendar",
                "message/rfc822",
            }, response.get("Content-Type")


def _cells(table, *, skip=".") -> list:
    return [
        pytest.param(name, role, id=f"{name}-{role}")
        for name, row in table.items()
        for role in ROLES
        if row[role] != skip
    ]


@pytest.mark.parametrize(("name", "role"), _cells(MATRIX))
def test_get(world, client, name, role):
    """GET `name` as `role`: the outcome in MATRIX."""
    client_for(client, world, role)
    response = client.get(reverse(name, kwargs=kwargs_for(name, world)))
    check(response, MATRIX[name][role], client)


POST_CELLS = [
    pytest.param(name, role, id=f"{name}-{role}")
    for name in MATRIX
    for role in ROLES
    if post_cell(name, role) != "."
]


@pytest.mark.parametrize(("name", "role"), POST_CELLS)
def test_post_refused_changes_nothing(world, client, name, role):
    """POST to `name` as a `role` that may not act: refused, and not one row changed."""
    client_for(client, world, role)
    before = table_counts()
    response = client.post(reverse(name, kwargs=kwargs_for(name, world)), POST_DATA.get(name, {}))
    check(response, post_cell(name, role), client)
    assert changed_tables(before, table_counts()) == {}


# --- object level: not theirs is answered as missing -------------------------------------------

# (role, the object that is theirs, the one that is not) for each kind of owned object.
OWNED = {
    "entry": ("pl", "entry_not_theirs"),
    "booking": ("cc", "booking_not_theirs"),
    "incident": ("pl", "incident_not_theirs"),
}
MISSING_PK = 987654


def _object_cases() -> list:
    cases = []
    for name, route in ROUTES.items():
        if name not in MATRIX:
            continue
        for arg in route.kwargs:
            key = (
                ARG_BY_URL.get(name, {}).get(arg)
                or ARG_BY_NAMESPACE.get((route.namespace, arg))
                or ARG_BY_NAME.get(arg)
            )
            kind = (key or "").split("_")[0]  # "entry_ready" is an entry too
            if kind in OWNED:
                cases.append(pytest.param(name, arg, kind, id=f"{name}-{arg}"))
    return cases


OBJECT_CASES = _object_cases()


def test_object_cases_cover_entries_and_bookings():
    # A guard on the generator above: it must find the pages with an entry or a booking.
    names = {case.values[0] for case in OBJECT_CASES}
    assert {"requests_register:detail", "briefings:booking", "publishing:prepare"} <= names


@pytest.mark.parametrize(("name", "arg", "kind"), OBJECT_CASES)
def test_not_theirs_is_answered_as_missing(world, client, name, arg, kind):
    role, other = OWNED[kind]
    client_for(client, world, role)
    method = client.post if name in POST_ONLY else client.get
    data = POST_DATA.get(name, {}) if name in POST_ONLY else None
    not_theirs_pk = world.objects[other].pk
    before = table_counts()
    not_theirs = method(reverse(name, kwargs=kwargs_for(name, world, **{arg: not_theirs_pk})), data)
    missing = method(reverse(name, kwargs=kwargs_for(name, world, **{arg: MISSING_PK})), data)
    assert changed_tables(before, table_counts()) == {}
    assert not_theirs.status_code == missing.status_code
    assert not_theirs.status_code in (403, 404)
    assert body_shape(not_theirs.content.decode(), not_theirs_pk) == body_shape(
        missing.content.decode(), MISSING_PK
    )


def test_theirs_is_shown(world, client):
    """The other side of the object-level cases: the liaison sees the entry assigned to them,
    the Chief Constable the booking they must confirm, neither with the requester's contacts."""
    entry, booking = world.objects["entry"], world.objects["booking"]
    client_for(client, world, "pl")
    html = client.get(reverse("requests_register:detail", kwargs={"pk": entry.pk})).content
    assert entry.reference in html.decode()
    assert entry.requester_email not in html.decode()
    client.logout()
    client_for(client, world, "cc")
    html = client.get(reverse("briefings:booking", kwargs={"pk": booking.pk})).content.decode()
    assert booking.what in html and booking.candidate.name in html
    assert booking.entry.requester_email not in html


# --- the incumbent who stands ------------------------------------------------------------------


def test_the_standing_incumbent_gets_nothing_not_even_the_calendar(world, client):
    """A user linked to a standing candidate is refused every page (matrix column `candidate`)
    and their calendar token shows nothing either (Cumbria protocol 3.4.2)."""
    from briefings import calendar_feed, services

    user = world.users["candidate"]
    assert user.groups.exists(), "the demo's incumbent keeps a role group: refused all the same"
    token = calendar_feed.feed_token(user, services.calendar_feed_key(user))
    response = client.get(reverse("briefings:calendar"), {"token": token})
    assert response.status_code == 404
    spoc = world.users["spoc"]
    staff_token = calendar_feed.feed_token(spoc, services.calendar_feed_key(spoc))
    response = client.get(reverse("briefings:calendar"), {"token": staff_token})
    assert response.status_code == 200
    assert response.content.startswith(b"BEGIN:VCALENDAR")
