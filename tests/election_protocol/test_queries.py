from datetime import date

from election_protocol.queries import current_election
from tests.factories import ElectionFactory


def test_current_election_is_none_without_elections(db):
    assert current_election(today=date(2024, 1, 1)) is None


def test_current_election_is_the_next_until_its_commissioner_takes_office(db):
    e2021 = ElectionFactory(poll_date=date(2021, 5, 6))
    e2024 = ElectionFactory(poll_date=date(2024, 5, 2))
    assert current_election(today=date(2021, 5, 13)) == e2021
    assert current_election(today=date(2021, 5, 14)) == e2024
    assert current_election(today=date(2024, 5, 9)) == e2024
    # After the last election: the most recent one.
    assert current_election(today=date(2025, 1, 1)) == e2024
