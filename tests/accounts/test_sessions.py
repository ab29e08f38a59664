"""Sessions: replayed cookies, where `next` may lead, cookie flags, broken session ids (D1-D5)."""

import pytest

from newsroom.extensions import db
from newsroom.models import User
from tests.conftest import PRODUCTION
from tests.helpers import PASSWORD, csrf_token

HTTPS = "https://localhost"


def captured_cookies(client) -> dict[str, str]:
    """The cookies a thief could copy out of a browser."""
    found = {}
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        if cookie is not None:
            found[name] = cookie.value
    return found


def replay(app, cookies: dict[str, str]):
    """A fresh client carrying only the given cookies."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def is_logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_session_cookie_replayed_after_logout_is_anonymous(app, client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    stolen = captured_cookies(client)
    assert is_logged_in(replay(app, stolen))  # the copy works until the owner logs out
    auth.logout()
    assert not is_logged_in(replay(app, {"session": stolen["session"]}))


def test_remember_cookie_replayed_after_logout_is_anonymous(app, client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    stolen = captured_cookies(client)
    assert is_logged_in(replay(app, {"remember_token": stolen["remember_token"]}))
    auth.logout()
    assert not is_logged_in(replay(app, {"remember_token": stolen["remember_token"]}))


def change_password(client, new: str):
    return client.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": new,
            "csrf_token": csrf_token(client, "/account"),
        },
    )


def test_cookies_of_other_device_replayed_after_password_change_are_anonymous(
    app, client, auth, make_user
):
    user = make_user()
    other_device = app.test_client()
    other_device.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(other_device, "/login"),
        },
    )
    stolen = captured_cookies(other_device)
    auth.login(user.email)
    assert change_password(client, "Brand-new-pass-77").status_code == 302
    assert not is_logged_in(replay(app, {"session": stolen["session"]}))
    assert not is_logged_in(replay(app, {"remember_token": stolen["remember_token"]}))
    assert not is_logged_in(other_device)


def test_password_change_keeps_the_changing_session_logged_in(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    change_password(client, "Brand-new-pass-77")
    assert is_logged_in(client)


EVIL_NEXT = [
    "https://evil.com",
    "//evil.com",
    "////evil.com",
    "/\\evil.com",
    "https:\\\\evil.com",
    "/%09/evil.com",
    "javascript:alert(1)",
    "/%2F/evil.com",
    "\t//evil.com",
    "http://localhost@evil.com/",
]


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_login_next_off_site_redirects_to_front_page(client, make_user, target):
    user = make_user()
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "next": target,
            "csrf_token": csrf_token(client, "/login"),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_login_page_next_off_site_when_logged_in_redirects_to_front_page(
    client, auth, make_user, target
):
    auth.login(make_user().email)
    response = client.get("/login", query_string={"next": target})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_register_next_off_site_redirects_to_front_page(client, target):
    response = client.post(
        "/register",
        data={
            "email": "new.reader@example.com",
            "name": "New Reader",
            "password": PASSWORD,
            "next": target,
            "csrf_token": csrf_token(client, "/register"),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_language_next_off_site_redirects_to_front_page(client, target):
    response = client.get("/language/da", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_next_on_site_is_followed(client, make_user, make_article):
    user = make_user()
    article = make_article()
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "next": f"/articles/{article.slug}",
            "csrf_token": csrf_token(client, "/login"),
        },
    )
    assert response.headers["Location"] == f"/articles/{article.slug}"


def set_cookie_headers(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_login_cookies_are_httponly_and_samesite_lax(client, auth, make_user):
    response = auth.login(make_user().email)
    cookies = set_cookie_headers(response)
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name]
        assert "SameSite=Lax" in cookies[name]
        assert "Secure" not in cookies[name]  # development serves plain http


@pytest.mark.parametrize("app_config", [PRODUCTION])
def test_login_cookies_are_secure_in_production(client, make_user):
    user = make_user()
    token = csrf_token(client, HTTPS + "/login")
    response = client.post(
        HTTPS + "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        headers={"Referer": HTTPS + "/login"},
    )
    assert response.status_code == 302
    cookies = set_cookie_headers(response)
    for name in ("session", "remember_token"):
        assert "Secure" in cookies[name]
        assert "HttpOnly" in cookies[name]
        assert "SameSite=Lax" in cookies[name]


def test_language_cookie_is_httponly_and_samesite_lax(client):
    response = client.get("/language/da")
    cookie = set_cookie_headers(response)["lang"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    "raw_id",
    ["garbage", "1", "1:2:3", "-1:1", "1:", ":1", "99999999999999999999:1", "", 7, None, [1, 1]],
)
def test_session_with_malformed_user_id_is_anonymous(client, make_user, raw_id):
    make_user()
    with client.session_transaction() as session:
        session["_user_id"] = raw_id
    assert client.get("/").status_code == 200
    assert client.get("/account").status_code == 302


def test_remember_cookie_malformed_is_anonymous(app, make_user):
    make_user()
    thief = replay(app, {"remember_token": "1:1|not-a-real-digest"})
    assert thief.get("/").status_code == 200
    assert not is_logged_in(thief)


def test_session_of_deleted_user_is_anonymous(app, client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    with app.app_context():
        db.session.delete(db.session.get(User, user.id))
        db.session.commit()
    assert client.get("/").status_code == 200
    assert client.get("/account").status_code == 302


def test_session_with_stale_version_is_anonymous(app, client, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{user.session_version + 1}"
    assert client.get("/account").status_code == 302
