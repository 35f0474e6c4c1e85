from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from election_protocol.calendar import LONDON
from tests.factories import ElectionFactory, NonWorkingDayFactory


def test_election_timetable_is_computed_from_the_poll(db):
    election = ElectionFactory(poll_date=date(2024, 5, 2))
    tt = election.timetable
    assert tt.notice_of_election == date(2024, 3, 26)
    assert tt.close_of_nominations == datetime(2024, 4, 5, 16, 0, tzinfo=LONDON)
    assert tt.sopn == date(2024, 4, 8)
    assert tt.notice_of_poll == date(2024, 4, 24)
    assert tt.takes_office == date(2024, 5, 9)


def test_day_of_mourning_moves_statutory_deadlines_but_office_closure_does_not(db):
    election = ElectionFactory(poll_date=date(2024, 5, 2))
    NonWorkingDayFactory(election=election, date=date(2024, 4, 3), kind="office_closure")
    assert election.timetable.close_of_nominations.date() == date(2024, 4, 5)

    election = ElectionFactory(poll_date=date(2024, 5, 2))
    NonWorkingDayFactory(election=election, date=date(2024, 4, 10), kind="thanksgiving_mourning")
    # One more non-working day between close of nominations and the poll: one day earlier.
    assert election.timetable.close_of_nominations.date() == date(2024, 4, 4)


def test_election_clean_refuses_notice_after_the_statutory_latest(db):
    election = ElectionFactory.build(poll_date=date(2024, 5, 2), notice_published=date(2024, 3, 27))
    with pytest.raises(ValidationError) as error:
        election.full_clean()
    assert "notice_published" in error.value.message_dict
    assert "26 March 2024" in error.value.message_dict["notice_published"][0]


def test_election_clean_accepts_an_earlier_notice_as_in_cumbria_2024(db):
    # Cumbria's PARO published on 20 March 2024, before the 26 March latest.
    election = ElectionFactory.build(poll_date=date(2024, 5, 2), notice_published=date(2024, 3, 20))
    election.full_clean()


def test_election_clean_refuses_a_poll_on_a_bank_holiday(db):
    election = ElectionFactory.build(poll_date=date(2024, 5, 6))  # early May bank holiday
    with pytest.raises(ValidationError) as error:
        election.full_clean()
    assert "poll_date" in error.value.message_dict


def test_election_organisations_lists_the_parties_to_the_protocol(db):
    election = ElectionFactory(fire_service_name="Testshire Fire and Rescue Service")
    assert election.organisations == [
        "Office of the Police and Crime Commissioner for Testshire",
        "Testshire Police",
        "Testshire Fire and Rescue Service",
    ]
    assert ElectionFactory(fire_service_name="").organisations[-1] == "Testshire Police"
