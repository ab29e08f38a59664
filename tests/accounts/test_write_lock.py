"""Read-then-write flows take the write lock first (N6): a write committed by another worker
between the look-up and the write never turns the request into a 503, and a 503 that does
happen says to come back soon and costs no try of a limit."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event
from werkzeug.security import generate_password_hash

from newsroom.extensions import db
from newsroom.models import User
from tests.accounts.test_accounts import OLD_HASH
from tests.accounts.test_password_reset import forgot
from tests.helpers import FAST_HASH, PASSWORD, csrf_token, database_fails_on


@pytest.fixture
def app_config(smtp_server):
    return {
        **smtp_server.app_config,
        "PASSWORD_FORGOT_LIMIT_PER_ADDRESS": "2 per hour",
        "VERIFY_RESEND_LIMIT": "2 per hour",
    }


@contextmanager
def another_worker_writes_after(app, fragment: str):
    """Once a statement containing `fragment` has run, another connection writes and
    commits (if it can get the lock within a moment), as a second worker would."""
    with app.app_context():
        engine = db.engine
    done = []

    def write_elsewhere(_conn, _cursor, statement, *_args):
        if done or fragment not in statement:
            return
        done.append(True)
        other = engine.raw_connection()
        try:
            cursor = other.cursor()
            if engine.dialect.name == "sqlite":
                cursor.execute("PRAGMA busy_timeout = 50")
            # A real change: a write that changes nothing leaves SQLite's read snapshots valid.
            cursor.execute(
                "INSERT INTO content_versions (name, value) VALUES ('elsewhere', 1) "
                "ON CONFLICT (name) DO UPDATE SET value = content_versions.value + 1"
            )
            other.commit()
            done.append("written")
        except Exception:  # the lock is held: the request got there first, as it should
            other.rollback()
        finally:
            other.close()

    event.listen(engine, "after_cursor_execute", write_elsewhere)
    try:
        yield done
    finally:
        event.remove(engine, "after_cursor_execute", write_elsewhere)


def test_forgot_survives_a_write_between_its_look_up_and_its_mail(app, make_user, smtp_server):
    user = make_user()
    client = app.test_client()
    token = csrf_token(client, "/password/forgot")
    with another_worker_writes_after(app, "FROM users") as done:
        response = client.post("/password/forgot", data={"email": user.email, "csrf_token": token})
    assert done
    assert response.status_code == 200
    assert len(smtp_server.to(user.email)) == 1


def test_asking_for_a_new_verification_link_survives_a_concurrent_write(
    app, client, auth, make_user, smtp_server
):
    user = make_user(verified=False)
    auth.login(user.email)
    token = csrf_token(client, "/account")
    with another_worker_writes_after(app, "FROM users") as done:
        response = client.post("/account/verify", data={"csrf_token": token})
    assert done
    assert response.status_code == 302
    assert len(smtp_server.to(user.email)) == 1


def test_a_503_on_forgot_says_come_back_soon_and_costs_no_try(app, make_user, smtp_server):
    user = make_user()
    with database_fails_on(app, "INSERT INTO outbox_mails"):
        failed = forgot(app.test_client(), user.email)
    assert failed.status_code == 503
    assert 0 < int(failed.headers["Retry-After"]) <= 60
    assert [forgot(app.test_client(), user.email).status_code for _ in range(2)] == [200, 200]
    limited = forgot(app.test_client(), user.email)
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 3600


def test_a_503_on_asking_for_a_verification_link_costs_no_try(
    app, client, auth, make_user, smtp_server
):
    user = make_user(verified=False)
    auth.login(user.email)
    token = csrf_token(client, "/account")
    with database_fails_on(app, "INSERT INTO outbox_mails"):
        failed = client.post("/account/verify", data={"csrf_token": token})
    assert failed.status_code == 503
    assert 0 < int(failed.headers["Retry-After"]) <= 60
    answers = [client.post("/account/verify", data={"csrf_token": token}) for _ in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]


def test_login_survives_a_write_between_its_look_up_and_its_hash_upgrade(app, make_user):
    """Logging in reads the account, then may write (a stronger hash, the gifts opened in this
    browser): the write lock comes first, so another worker's write in between costs nothing."""
    user = make_user()
    with app.app_context():
        db.session.get(User, user.id).password_hash = generate_password_hash(
            PASSWORD, method=OLD_HASH
        )
        db.session.commit()
    client = app.test_client()
    token = csrf_token(client, "/login")
    with another_worker_writes_after(app, "FROM users") as done:
        response = client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
    assert done == [True, "written"]
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).password_hash.startswith(FAST_HASH + "$")
