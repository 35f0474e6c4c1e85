from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from election_protocol.calendar import LONDON
from election_protocol.models import NonWorkingDay
from election_protocol.roles import Role
from tests.factories import CandidateFactory, ElectionFactory


def test_every_staff_page_sends_anonymous_visitors_to_sign_in(client, election):
    for url in [
        reverse("dashboard"),
        reverse("non_working_days"),
        reverse("candidates:list"),
        "/admin/",
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login")) or response.url.startswith("/admin/login")


def test_login_with_a_wrong_password_keeps_the_username_and_says_what_to_fix(client, spoc):
    response = client.post(reverse("login"), {"username": "spoc-test", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="spoc-test"' in html
    assert "Please enter a correct username and password" in html


def test_login_then_dashboard(client, spoc, election):
    response = client.post(
        reverse("login"),
        {"username": "spoc-test", "password": "correct-horse-battery"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "Poll on Thursday 2 May 2024" in response.content.decode()


@time_machine.travel(datetime(2024, 3, 27, 10, 0, tzinfo=LONDON), tick=False)
def test_dashboard_shows_the_reference_timetable_and_todays_phase(spoc_client):
    ElectionFactory(poll_date=date(2024, 5, 2), notice_published=date(2024, 3, 20))
    response = spoc_client.get(reverse("dashboard"))
    html = response.content.decode()
    rows = [(r.event, r.when, r.is_current) for r in response.context["rows"]]
    assert rows[0] == ("Notice of election", date(2024, 3, 20), True)
    assert rows[1][1] == datetime(2024, 4, 5, 16, 0, tzinfo=LONDON)
    assert [r[1] for r in rows[2:]] == [
        date(2024, 4, 8),
        date(2024, 4, 24),
        datetime(2024, 5, 2, 7, 0, tzinfo=LONDON),
        date(2024, 5, 9),
    ]
    assert "Pre-election period" in html
    assert "Fri 5 Apr 2024, 4:00 p.m." in html
    assert "Mon 8 Apr 2024" in html
    assert "The pre-election period is in force" in html


@time_machine.travel(datetime(2024, 5, 2, 22, 30, tzinfo=LONDON), tick=False)
def test_dashboard_after_close_of_poll(spoc_client):
    ElectionFactory(poll_date=date(2024, 5, 2), pre_election_end="close_of_poll")
    response = spoc_client.get(reverse("dashboard"))
    assert response.context["phase"] == "after_poll"
    assert response.context["in_pre_election"] is False


def test_dashboard_without_an_election_says_how_to_set_one_up(spoc_client):
    response = spoc_client.get(reverse("dashboard"))
    assert "No election has been set up yet" in response.content.decode()


def test_dashboard_hides_candidate_counts_from_liaisons(client, make_user, election):
    CandidateFactory(election=election)
    client.force_login(make_user(Role.POLICE_LIAISON))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert "candidate-counts" not in response.content.decode()


@time_machine.travel(datetime(2024, 4, 10, 9, 0, tzinfo=LONDON), tick=False)
def test_a_user_linked_to_a_standing_incumbent_is_refused_and_signed_out(
    client, make_user, election
):
    user = make_user(Role.CHIEF_EXECUTIVE)
    candidate = CandidateFactory(election=election, linked_user=user, incumbent_role="commissioner")
    for url in [reverse("dashboard"), reverse("candidates:list"), "/admin/"]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 403
        assert "You cannot use this service" in response.content.decode()
        assert "_auth_user_id" not in client.session
    # Nothing from the staff application leaks into the refusal.
    html = response.content.decode()
    assert candidate.name not in html
    assert "Poll on" not in html
    assert "Sign out" not in html


def test_a_user_without_a_role_is_refused(client, make_user, election):
    client.force_login(make_user(None))
    assert client.get(reverse("dashboard")).status_code == 403


def test_add_a_day_of_mourning_moves_the_timetable(spoc_client, election, spoc):
    response = spoc_client.post(
        reverse("non_working_days"),
        {"date": "2024-04-10", "kind": "thanksgiving_mourning", "reason": "Day of mourning"},
    )
    assert response.status_code == 302
    day = NonWorkingDay.objects.get()
    assert (day.date, day.reason) == (date(2024, 4, 10), "Day of mourning")
    assert day.history.get().history_user == spoc
    election.refresh_from_db()
    assert election.timetable.close_of_nominations.date() == date(2024, 4, 4)


def test_add_a_non_working_day_with_errors_keeps_the_input(spoc_client, election):
    NonWorkingDay.objects.create(
        election=election, date=date(2024, 4, 10), kind="office_closure", reason="x"
    )
    response = spoc_client.post(
        reverse("non_working_days"),
        {"date": "2024-04-10", "kind": "office_closure", "reason": "Move"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "That day is already a non-working day for this election." in html
    assert 'value="Move"' in html
    assert NonWorkingDay.objects.count() == 1


def test_remove_a_non_working_day(spoc_client, election):
    day = NonWorkingDay.objects.create(
        election=election, date=date(2024, 4, 10), kind="office_closure", reason="x"
    )
    assert spoc_client.get(reverse("non_working_day_delete", args=[day.pk])).status_code == 405
    response = spoc_client.post(reverse("non_working_day_delete", args=[day.pk]))
    assert response.status_code == 302
    assert not NonWorkingDay.objects.exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.CHIEF_CONSTABLE, Role.FIRE_LIAISON])
def test_read_only_roles_cannot_add_non_working_days(client, make_user, election, role):
    client.force_login(make_user(role))
    response = client.post(
        reverse("non_working_days"), {"date": "2024-04-10", "kind": "office_closure", "reason": "x"}
    )
    assert response.status_code == 403
    assert not NonWorkingDay.objects.exists()


def test_dashboard_queries_do_not_grow_with_candidates(spoc_client, election, count_queries):
    CandidateFactory(election=election)
    with_one = count_queries(lambda: spoc_client.get(reverse("dashboard")))
    CandidateFactory.create_batch(2, election=election)
    with_three = count_queries(lambda: spoc_client.get(reverse("dashboard")))
    assert with_one == with_three


def test_a_day_of_mourning_on_polling_day_is_refused_with_a_reason(spoc_client, election):
    response = spoc_client.post(
        reverse("non_working_days"),
        {"date": "2024-05-02", "kind": "thanksgiving_mourning", "reason": "Typo"},
    )
    assert "That is polling day" in response.content.decode()
    assert not NonWorkingDay.objects.exists()
    # The same day as an office closure is fine: it moves no statutory deadline.
    spoc_client.post(
        reverse("non_working_days"),
        {"date": "2024-05-02", "kind": "office_closure", "reason": "Count"},
    )
    assert NonWorkingDay.objects.get().reason == "Count"
    assert spoc_client.get(reverse("dashboard")).status_code == 200


def test_a_day_of_mourning_that_would_make_the_notice_unlawful_is_refused(spoc_client, election):
    election.notice_published = date(2024, 3, 26)  # the statutory latest
    election.save()
    response = spoc_client.post(
        reverse("non_working_days"),
        {"date": "2024-04-15", "kind": "thanksgiving_mourning", "reason": "Mourning"},
    )
    assert "before the 26 March 2024 the PARO published it" in response.content.decode()
    assert not NonWorkingDay.objects.exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.CHIEF_CONSTABLE, Role.POLICE_LIAISON])
def test_read_only_roles_cannot_remove_non_working_days(client, make_user, election, role):
    day = NonWorkingDay.objects.create(
        election=election, date=date(2024, 4, 10), kind="office_closure", reason="x"
    )
    client.force_login(make_user(role))
    assert client.post(reverse("non_working_day_delete", args=[day.pk])).status_code == 403
    assert NonWorkingDay.objects.filter(pk=day.pk).exists()


def test_chief_executive_can_manage_non_working_days(client, chief_executive, election):
    client.force_login(chief_executive)
    client.post(
        reverse("non_working_days"),
        {"date": "2024-04-10", "kind": "office_closure", "reason": "Move"},
    )
    assert NonWorkingDay.objects.get().reason == "Move"
