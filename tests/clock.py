"""The frozen clock the date-sensitive test modules share: `_frozen = frozen_clock(NOW)`."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine


def frozen_clock(now: datetime, *, autouse: bool = False):
    """Return a fixture that stops the clock at `now` for the test using it (every test of the
    module when `autouse`; otherwise name it in `pytestmark = pytest.mark.usefixtures(...)`)."""

    @pytest.fixture(autouse=autouse)
    def _frozen():
        with time_machine.travel(now, tick=False):
            yield

    return _frozen
