"""The price of Digital+ where readers decide (issue 24, item 4): on the paywall and on the
sign-up page that follows it, read from the billing price the Digital+ page shows, in the
reader's language without decimals a whole price does not need."""

import pytest

from tests.conftest import stripe_config

DA = {"Accept-Language": "da"}
PRICES = [({}, "DKK\xa099 a month"), (DA, "99\xa0kr. om måneden")]


@pytest.fixture
def app_config(stripe_stand_in):
    return stripe_config(stripe_stand_in)


@pytest.mark.parametrize(("headers", "price"), PRICES, ids=["en", "da"])
def test_paywall_states_the_price_on_a_page_every_visitor_shares(
    client, make_article, headers, price
):
    article = make_article(locked=True)
    response = client.get(f"/articles/{article.slug}", headers=headers)
    html = response.get_data(as_text=True)
    paywall = html.split('<section class="paywall"', 1)[1].split("</section>", 1)[0]
    assert f'<p class="upsell__price" data-offer-price>{price}</p>' in paywall
    assert paywall.index("data-offer-price") < paywall.index('href="/terms"')
    assert "csrf" not in html
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"].startswith("public")


@pytest.mark.parametrize(("headers", "price"), PRICES, ids=["en", "da"])
def test_digital_plus_page_states_a_whole_price_without_decimals(
    client, auth, make_user, headers, price
):
    auth.login(make_user(verified=True).email)
    html = client.get("/digital-plus", headers=headers).get_data(as_text=True)
    assert price in html
    assert "99,00" not in html and "99.00" not in html


@pytest.mark.parametrize(
    ("headers", "step"),
    [
        ({}, "Step 1 of 2: your account, then Digital+ at DKK\xa099 a month."),
        (DA, "Trin 1 af 2: din konto, derefter Digital+ til 99\xa0kr. om måneden."),
    ],
    ids=["en", "da"],
)
def test_sign_up_from_the_offer_is_step_one_of_two_with_the_price(client, headers, step):
    offer = client.get("/digital-plus?next=/articles/a", headers=headers).get_data(as_text=True)
    assert 'href="/register?next=/digital-plus?next%3D/articles/a"' in offer
    html = client.get("/register?next=/digital-plus?next%3D/articles/a", headers=headers)
    html = html.get_data(as_text=True)
    assert step in html
    form = html.split('<form method="post" action="/register"', 1)[1].split("</form>", 1)[0]
    assert form.index('type="submit"') < form.index('href="/terms"') < form.index('href="/privacy"')


def test_sign_up_from_elsewhere_has_no_steps(client):
    assert "data-sign-up-steps" not in client.get("/register?next=/articles/a").get_data(
        as_text=True
    )
    assert "data-sign-up-steps" not in client.get("/register").get_data(as_text=True)
