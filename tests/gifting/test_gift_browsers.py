"""Only browser ids the site issued are believed, and one client adds only so many (N7): the
gift_reader cookie is signed, a made-up or bare id is no browser, and new people counted per
client are bounded, while opening itself works as before."""

import pytest
from sqlalchemy import select

from newsroom.extensions import db
from newsroom.gifting import browsers
from newsroom.models import GiftOpen
from tests.helpers import BROWSER, PASSWORD, SENTINEL, csrf_token, give, local_path, show_as

pytestmark = pytest.mark.usefixtures("app_clock")


@pytest.fixture
def app_config():
    return {"GIFT_READER_LIMIT": "3 per hour"}


@pytest.fixture
def link(subscriber, subscriber_client, auth, make_article) -> str:
    return local_path(give(auth, make_article()).get_json()["url"])


def browsers_seen(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(GiftOpen.browser_id).order_by(GiftOpen.id)))


def opens(client) -> int:
    return client.get("/gifts", headers={"Accept": "application/json"}).get_json()["gifts"][0][
        "opens"
    ]


def test_the_gift_reader_cookie_is_signed_and_believed_on_the_next_open(app, link, client):
    reader = app.test_client()
    show_as(reader, link)
    value = reader.get_cookie(browsers.COOKIE).value
    [browser] = browsers_seen(app)
    assert value != browser and value.startswith(browser + ".")
    show_as(reader, link)
    assert browsers_seen(app) == [browser]
    assert opens(client) == 1


@pytest.mark.parametrize("made_up", ["a" * 32, "a" * 32 + ".forged", "0" * 32 + ".x.y", "é"])
def test_a_made_up_gift_reader_cookie_is_no_browser(app, link, client, made_up):
    reader = app.test_client()
    reader.set_cookie(browsers.COOKIE, made_up)
    assert SENTINEL in show_as(reader, link).get_data(as_text=True)  # the gift still opens
    [browser] = browsers_seen(app)
    assert browser != "a" * 32 and browser != "0" * 32
    assert reader.get_cookie(browsers.COOKIE).value.startswith(browser + ".")


def test_a_bare_copy_of_another_browsers_id_claims_nothing_at_log_in(app, link, make_user):
    recipient = app.test_client()
    show_as(recipient, link)
    [browser] = browsers_seen(app)

    intruder_account = make_user(email="intruder@example.com")
    intruder = app.test_client()
    intruder.set_cookie(browsers.COOKIE, browser)  # the id without the site's signature
    data = {"email": intruder_account.email, "password": PASSWORD}
    data["csrf_token"] = csrf_token(intruder, "/login")
    assert intruder.post("/login", data=data, headers={"User-Agent": BROWSER}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(GiftOpen.user_id)) is None


def test_one_client_adds_only_so_many_browsers_to_opened_by(app, link, client):
    for _ in range(8):
        assert SENTINEL in show_as(app.test_client(), link).get_data(as_text=True)
    assert len(browsers_seen(app)) == 3
    assert opens(client) == 3
    show_as(app.test_client(), link, environ_base={"REMOTE_ADDR": "10.0.9.9"})
    assert opens(client) == 4
