"""Mailed links die when the account's address changes (N5): a reset or verification link
sent to the old mailbox no longer works once the account uses another one."""

import pytest

from tests.accounts.test_email_change import ask, can_log_in, stored
from tests.accounts.test_password_reset import forgot, reset
from tests.helpers import PASSWORD, csrf_token
from tests.mailbox import link_in


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config


def move_account(client, auth, smtp_server, old: str, new: str) -> None:
    auth.login(old)
    assert ask(client, new).status_code == 302
    assert client.get(link_in(smtp_server.last(new))).status_code == 302
    auth.client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})


def test_reset_link_sent_to_the_old_address_dies_when_the_address_changes(
    app, client, auth, make_user, smtp_server
):
    user = make_user(email="old@example.com")
    assert forgot(app.test_client(), "old@example.com").status_code == 200
    old_link = link_in(smtp_server.last("old@example.com"))
    assert old_link.startswith("/password/reset/")

    move_account(client, auth, smtp_server, "old@example.com", "new@example.com")
    assert stored(app, user.id).email == "new@example.com"

    stranger = app.test_client()
    assert stranger.get(old_link).status_code == 400
    assert reset(stranger, old_link, password="Takeover-passw0rd").status_code == 400
    assert can_log_in(app, "new@example.com", PASSWORD)
    assert not can_log_in(app, "new@example.com", "Takeover-passw0rd")


def test_verification_link_sent_to_the_old_address_dies_when_the_address_changes(
    app, client, auth, make_user, smtp_server
):
    user = make_user(email="old@example.com", verified=False)
    auth.login("old@example.com")
    resend = client.post("/account/verify", data={"csrf_token": csrf_token(client, "/account")})
    assert resend.status_code == 302
    old_link = link_in(smtp_server.last("old@example.com"))
    assert old_link.startswith("/account/verify/")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})

    move_account(client, auth, smtp_server, "old@example.com", "new@example.com")
    account = stored(app, user.id)
    assert account.email == "new@example.com"
    assert app.test_client().get(old_link).status_code == 400
