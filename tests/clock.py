"""The frozen clock the date-sensitive test modules share: `_frozen = frozen_clock(NOW)`, or
the shared instant IN_THE_PERIOD with the `in_the_period_clock` fixture (tests/conftest.py)."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from election_protocol.calendar import LONDON

# Inside the reference election's pre-election period (poll 2 May 2024; the period begins on
# 26 March), a working Wednesday: the instant the modules about that period work at.
IN_THE_PERIOD = datetime(2024, 4, 10, 11, 0, tzinfo=LONDON)


def frozen_clock(now: datetime, *, autouse: bool = False):
    """Return a fixture that stops the clock at `now` for the test using it (every test of the
    module when `autouse`; otherwise name it in `pytestmark = pytest.mark.usefixtures(...)`)."""

    @pytest.fixture(autouse=autouse)
    def _frozen():
        with time_machine.travel(now, tick=False):
            yield

    return _frozen
