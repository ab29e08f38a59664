"""One rule for every address the site takes in (N2, N3): a bare address, checked by
email-validator and normalised; no display name, no list, no line break, and every spelling
of one mailbox shares its limits."""

import pytest
from sqlalchemy import func, select

from newsroom.accounts import operations
from newsroom.extensions import db
from newsroom.models import OutboxMail, User
from tests.accounts.test_password_reset import forgot
from tests.helpers import PASSWORD, csrf_token

NOT_BARE = [
    "a@example.com, b@example.com",
    "a@example.com\r\nBcc: b@example.com",
    "a@example.com\nb@example.com",
    "URGENT your account is locked call 555-0100 <victim@example.com>",
    "<victim@example.com>",
    '"call 555-0100"@example.com',
    "victim@[127.0.0.1]",
]


@pytest.fixture
def app_config(smtp_server):
    return {**smtp_server.app_config, "PASSWORD_FORGOT_LIMIT_PER_ADDRESS": "3 per hour"}


def mails(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(OutboxMail.id)))


@pytest.mark.parametrize("typed", NOT_BARE)
def test_mailbox_refuses_what_is_not_a_bare_address(typed):
    with pytest.raises(operations.InvalidAddress):
        operations.mailbox(typed)


def test_mailbox_is_one_spelling_per_mailbox():
    assert operations.mailbox("  Victim@EXAMPLE.com \r\n") == "victim@example.com"


@pytest.mark.parametrize("typed", NOT_BARE)
def test_forgot_refuses_what_is_not_a_bare_address_and_queues_nothing(
    app, client, make_user, smtp_server, typed
):
    make_user(email="victim@example.com")
    response = forgot(client, typed)
    assert response.status_code == 400
    assert "Enter a valid e-mail address." in response.get_data(as_text=True)
    assert mails(app) == 0
    assert smtp_server.messages == []


@pytest.mark.parametrize("typed", NOT_BARE)
def test_register_refuses_what_is_not_a_bare_address(app, client, typed):
    data = {"email": typed, "name": "Ida", "password": PASSWORD}
    data["csrf_token"] = csrf_token(client, "/register")
    assert client.post("/register", data=data).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
    assert mails(app) == 0


def test_forgot_limit_counts_the_mailbox_however_it_is_spelled(app, smtp_server):
    spellings = [
        "URGENT call 555-0100 <victim@example.com>",
        "Your account is locked <victim@example.com>",
        "Victim@Example.com",
        "Call us <VICTIM@example.com>",
        " victim@EXAMPLE.com ",
        "VICTIM@example.com",
        "victim@example.com",
        "Last chance <victim@example.com>",
    ]
    answers = [
        forgot(app.test_client(), typed, environ_base={"REMOTE_ADDR": f"10.0.7.{n}"}).status_code
        for n, typed in enumerate(spellings, start=1)
    ]
    assert answers.count(200) == 3
    assert mails(app) == 3
    assert [m["To"] for m in smtp_server.messages] == ["victim@example.com"] * 3
