import pytest


@pytest.fixture
def registered(make_user, auth):
    """A logged-in reader without Digital+."""
    user = make_user()
    auth.login(user.email)
    return user
