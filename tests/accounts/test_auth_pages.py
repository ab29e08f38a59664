"""Registering, logging in and out over HTTP, with CSRF on."""

import html

from tests.helpers import PASSWORD, SENTINEL, csrf_token


def register(client, email="new@example.com", name="Søren Ørsted", password=PASSWORD, **extra):
    data = {"email": email, "name": name, "password": password}
    data["csrf_token"] = csrf_token(client, "/register")
    data.update(extra)
    return client.post("/register", data=data)


def test_register_creates_account_and_logs_in(client):
    response = register(client)
    assert response.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert "new@example.com" in page


def test_register_taken_email_is_a_clear_error(client, make_user):
    make_user(email="taken@example.com")
    response = register(client, email="Taken@Example.com")
    assert response.status_code == 400
    assert "An account with this e-mail already exists" in response.get_data(as_text=True)


def test_register_weak_password_is_a_clear_error(client):
    response = register(client, password="short")
    assert response.status_code == 400
    assert "Choose a password of at least 10 characters" in response.get_data(as_text=True)


def test_register_lower_case_only_password_is_weak(client):
    response = register(client, password="onlylowercaseletters")
    assert response.status_code == 400
    assert "not only lower-case letters" in response.get_data(as_text=True)


def test_register_malformed_email_is_a_clear_error(client):
    response = register(client, email="not-an-address")
    assert response.status_code == 400
    assert "Enter a valid e-mail address." in response.get_data(as_text=True)


def test_register_error_keeps_typed_email_and_name(client):
    page = html.unescape(register(client, password="short").get_data(as_text=True))
    assert 'value="new@example.com"' in page
    assert 'value="Søren Ørsted"' in page


def test_register_error_does_not_echo_the_password(client):
    secret = "Secret-but-wrong-1"
    page = register(client, email="not-an-address", password=secret).get_data(as_text=True)
    assert secret not in page


def test_register_without_csrf_token_creates_nothing(client):
    response = client.post(
        "/register", data={"email": "x@example.com", "name": "X", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert register(client, email="x@example.com").status_code == 302


def login(client, email, password=PASSWORD, next_url=None):
    data = {"email": email, "password": password, "csrf_token": csrf_token(client, "/login")}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/login", data=data)


def test_login_with_right_password_logs_in(client, make_user):
    user = make_user()
    response = login(client, user.email)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_login_email_is_case_insensitive(client, make_user):
    make_user(email="case@example.com")
    assert login(client, "  CASE@example.com ").status_code == 302


def test_login_wrong_password_is_refused(client, make_user):
    user = make_user()
    response = login(client, user.email, password="Wrong-password-1")
    assert response.status_code == 400
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_login_unknown_email_gets_the_same_message(client):
    response = login(client, "nobody@example.com")
    assert response.status_code == 400
    assert "Wrong e-mail or password." in response.get_data(as_text=True)


def test_login_wrong_password_keeps_email_not_password(client, make_user):
    user = make_user()
    page = login(client, user.email, password="Wrong-password-1").get_data(as_text=True)
    assert f'value="{user.email}"' in page
    assert "Wrong-password-1" not in page


def test_logout_post_ends_the_session(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/account").status_code == 302


def test_logout_get_is_not_allowed(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


def test_paywall_login_link_returns_to_the_article(client, make_user, make_article):
    user = make_user(digital_plus=True)
    article = make_article()
    page = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    login_href = f'href="/login?next=/articles/{article.slug}"'
    assert login_href in page
    form = client.get(f"/login?next=/articles/{article.slug}").get_data(as_text=True)
    assert f'name="next" type="hidden" value="/articles/{article.slug}"' in form
    response = login(client, user.email, next_url=f"/articles/{article.slug}")
    assert response.headers["Location"] == f"/articles/{article.slug}"
    assert SENTINEL in client.get(response.headers["Location"]).get_data(as_text=True)


def test_login_without_next_goes_to_the_front_page(client, make_user):
    user = make_user()
    assert login(client, user.email).headers["Location"] == "/"


def test_login_next_to_another_site_stays_here(client, make_user):
    user = make_user()
    response = login(client, user.email, next_url="https://evil.example/")
    assert response.headers["Location"] == "/"


def test_register_next_returns_to_the_article(client, make_article):
    article = make_article()
    response = register(client, next=f"/articles/{article.slug}")
    assert response.headers["Location"] == f"/articles/{article.slug}"
