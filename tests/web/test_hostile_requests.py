"""Requests built to hurt (H6-H9): sessions planted before log-in, cookies on cached
responses, oversized bodies and out-of-range ids."""

import io

import pytest

from tests.accounts.test_auth_pages import register
from tests.helpers import PASSWORD, csrf_token


def set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


# ---- H6: log-in starts a new session --------------------------------------------------------


def test_login_csrf_token_from_before_log_in_is_refused_after_it(client, auth, make_user):
    user = make_user()
    planted = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": planted}
    )
    assert response.status_code == 302
    refused = client.post("/logout", data={"csrf_token": planted})
    assert refused.status_code == 400
    assert client.get("/account").status_code == 200  # still logged in: nothing changed
    assert auth.logout().status_code == 302


def test_login_drops_what_the_session_held_before(app, client, make_user):
    user = make_user()
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
    csrf_token(client, "/login")
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]


def test_register_starts_a_new_session_too(client):
    planted = csrf_token(client, "/register")
    assert register(client).status_code == 302
    assert client.post("/logout", data={"csrf_token": planted}).status_code == 400


# ---- H7: nothing a shared cache keeps sets a cookie -----------------------------------------


@pytest.mark.parametrize("path", ["/feed.xml", "/sitemap.xml"])
def test_public_responses_set_no_cookie_even_with_a_remember_cookie(client, make_user, path):
    user = make_user()
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    remember = client.get_cookie("remember_token")
    assert remember is not None
    # A returning reader: only the long-lived remember cookie is left.
    client.delete_cookie("session")
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("public")
    assert set_cookies(response) == []


def test_private_pages_still_log_in_from_the_remember_cookie(client, make_user):
    user = make_user()
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    client.delete_cookie("session")
    response = client.get("/account")
    assert response.status_code == 200
    assert any(c.startswith("session=") for c in set_cookies(response))


# ---- H8: bodies larger than a form needs ----------------------------------------------------


class Untouched(io.RawIOBase):
    """A 200 MB request body that is never in memory and records whether anything read it."""

    size = 200 * 1024 * 1024

    def __init__(self) -> None:
        self.was_read = False
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = offset + (self.size if whence == io.SEEK_END else 0)
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        self.was_read = True
        length = min(len(buffer), self.size - self.position)
        buffer[:length] = b"a" * length
        self.position += length
        return length


@pytest.mark.parametrize("path", ["/login", "/register", "/password/forgot"])
def test_oversized_body_is_413_before_it_is_read(client, path):
    body = Untouched()
    response = client.post(
        path,
        input_stream=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert not body.was_read


def test_oversized_body_is_413_as_json_when_asked(client):
    response = client.post(
        "/login",
        input_stream=Untouched(),
        content_type="application/x-www-form-urlencoded",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 413
    assert set(response.get_json()) == {"error", "message"}


def test_ordinary_form_is_well_under_the_limit(app, client, make_user):
    user = make_user()
    token = csrf_token(client, "/login")
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token, "next": "/" * 900}
    assert client.post("/login", data=data).status_code == 302


# ---- H9: ids out of range ---------------------------------------------------------------


@pytest.mark.parametrize(
    "gift_id", ["99999999999999999999", "9223372036854775808", "2147483648", "0"]
)
def test_revoke_with_an_id_out_of_range_is_404(auth, make_user, gift_id, caplog):
    auth.login(make_user(digital_plus=True).email)
    response = auth.post(f"/gifts/{gift_id}/revoke")
    assert response.status_code == 404
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    response = auth.post(f"/gifts/{gift_id}/revoke", json=True)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_revoke_with_the_largest_id_is_an_ordinary_404(auth, make_user):
    auth.login(make_user(digital_plus=True).email)
    assert auth.post("/gifts/2147483647/revoke").status_code == 404
