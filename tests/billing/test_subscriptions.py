"""Digital+ periods: what makes one active (one definition, in Python and in SQL alike), and
the editor's subscribe command that starts, extends or ends them."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from newsroom.billing import subscriptions
from newsroom.billing.models import active_at
from newsroom.core import clock
from newsroom.extensions import db
from newsroom.models import Subscription, User
from tests.helpers import rows


def subscription_end(app, email: str) -> datetime | None:
    with app.app_context():
        return db.session.scalar(
            select(func.max(Subscription.ends_at)).join(User).where(User.email == email)
        )


def test_subscribe_command_sets_the_end_of_the_period(app, runner, make_user):
    user = make_user()
    result = runner.invoke(args=["newsroom", "subscribe", user.email, "--until", "2099-12-31"])
    assert result.exit_code == 0, result.output
    assert subscription_end(app, user.email) == clock.end_of_local_day(
        date(2099, 12, 31), app.config["TIMEZONE"]
    )


def test_subscribe_command_extends_the_current_period(app, runner, make_user):
    user = make_user(digital_plus=True)
    runner.invoke(args=["newsroom", "subscribe", user.email, "--until", "2099-06-30"])
    assert rows(app, Subscription) == 1
    assert subscription_end(app, user.email).year == 2099


def test_subscribe_command_past_date_ends_digital_plus(app, runner, make_user):
    user = make_user(digital_plus=True)
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    result = runner.invoke(args=["newsroom", "subscribe", user.email, "--until", yesterday])
    assert result.exit_code == 0, result.output
    assert "Digital+ ended" in result.output
    assert subscription_end(app, user.email) <= datetime.now(UTC)


def test_subscribe_command_past_date_without_digital_plus_writes_nothing(app, runner, make_user):
    user = make_user()
    result = runner.invoke(args=["newsroom", "subscribe", user.email, "--until", "2001-01-01"])
    assert result.exit_code == 0, result.output
    assert rows(app, Subscription) == 0


def test_subscribe_command_unknown_email_is_a_clear_error(runner):
    result = runner.invoke(
        args=["newsroom", "subscribe", "nobody@example.com", "--until", "2099-01-01"]
    )
    assert result.exit_code == 1
    assert "No user with the e-mail address nobody@example.com" in result.stderr


def test_subscribe_command_bad_date_is_a_usage_error(runner, make_user):
    user = make_user()
    result = runner.invoke(args=["newsroom", "subscribe", user.email, "--until", "31/12/2099"])
    assert result.exit_code == 2
    assert "--until" in result.stderr


def test_subscribe_command_shows_on_the_account_page(client, auth, runner, make_user):
    user = make_user()
    runner.invoke(args=["newsroom", "subscribe", user.email, "--until", "2099-12-31"])
    auth.login(user.email)
    page = client.get("/account").get_data(as_text=True)
    assert "Digital+ ends on 31 December 2099." in page


def test_subscribe_command_ended_period_shows_on_the_account_page(client, auth, runner, make_user):
    user = make_user(digital_plus=True)
    runner.invoke(args=["newsroom", "subscribe", user.email, "--until", "2020-01-01"])
    auth.login(user.email)
    page = client.get("/account").get_data(as_text=True)
    assert "Your Digital+ ended" in page


NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("starts", "ends", "cancelled", "active"),
    [
        (NOW - HOUR, NOW + HOUR, None, True),
        (NOW, NOW + HOUR, None, True),  # begins at its first moment
        (NOW - HOUR, NOW, None, False),  # ends_at is the first moment without Digital+
        (NOW + HOUR, NOW + 2 * HOUR, None, False),  # not begun
        (NOW - HOUR, NOW + HOUR, NOW - HOUR, False),  # cancelled
    ],
)
def test_an_active_period_is_the_same_in_python_and_in_sql(
    app, make_user, starts, ends, cancelled, active
):
    user = make_user()
    with app.app_context():
        period = Subscription(
            user_id=user.id, starts_at=starts, ends_at=ends, cancelled_at=cancelled
        )
        db.session.add(period)
        db.session.commit()
        assert period.is_active(NOW) is active
        in_sql = db.session.scalar(select(func.count()).where(active_at(Subscription, NOW)))
        assert in_sql == int(active)
        assert subscriptions.has_digital_plus(db.session, user.id, NOW) is active
