from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import now_utc

# Before every moment the gifting tests give at: the fixed dates of the service tests, and
# gifts dated a month or two back so that their links have expired.
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.fixture
def subscriber(make_user):
    """A Digital+ reader with a confirmed address, subscribed since long ago: giving needs
    Digital+ at the moment of the gift, and these tests give at earlier moments too."""
    period = (LONG_AGO, now_utc() + timedelta(days=30))
    return make_user(name="Karen Holm", digital_plus=True, verified=True, period=period)
