"""Logging in on the way to Digital+ without having it says so, with the offer, instead of
showing the same paywall without a word."""

import pytest

from tests.helpers import PASSWORD, csrf_token

MESSAGE = {
    "en": "You are logged in, but your account does not include Digital+.",
    "da": "Du er logget ind, men din konto har ikke Digital+.",
}


def log_in(client, email: str, next_url: str, language: str = "en"):
    token = csrf_token(client, "/login")
    data = {"email": email, "password": PASSWORD, "next": next_url, "csrf_token": token}
    return client.post("/login", data=data, headers={"Accept-Language": language})


@pytest.mark.parametrize("language", ["en", "da"])
def test_login_from_the_paywall_without_digital_plus_says_so_with_the_offer(
    client, make_user, make_article, language
):
    article = make_article(locked=True)
    path = f"/articles/{article.slug}"
    response = log_in(client, make_user().email, path, language)
    assert response.location == path
    html = client.get(path, headers={"Accept-Language": language}).get_data(as_text=True)
    assert MESSAGE[language] in html
    assert f'<a href="/digital-plus?next={path}">' in html
    # said once: the next page no longer carries it
    assert MESSAGE[language] not in client.get(path).get_data(as_text=True)


def test_login_from_the_offer_without_digital_plus_says_so(client, make_user):
    offer = "/digital-plus?next=/articles/x"
    assert log_in(client, make_user().email, offer).location == offer
    assert MESSAGE["en"] in client.get(offer).get_data(as_text=True)


def test_login_with_digital_plus_says_nothing_of_it(client, make_user, make_article):
    path = f"/articles/{make_article(locked=True).slug}"
    log_in(client, make_user(digital_plus=True).email, path)
    assert MESSAGE["en"] not in client.get(path).get_data(as_text=True)


@pytest.mark.parametrize("target", ["free", "unknown", "elsewhere"])
def test_login_towards_a_page_that_needs_no_digital_plus_says_nothing_of_it(
    client, make_user, make_article, target
):
    path = {
        "free": f"/articles/{make_article(locked=False).slug}",
        "unknown": "/articles/no-such-article",
        "elsewhere": "/reading-list",
    }[target]
    log_in(client, make_user().email, path)
    assert MESSAGE["en"] not in client.get("/account").get_data(as_text=True)
