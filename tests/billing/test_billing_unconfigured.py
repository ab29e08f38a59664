"""Without the Stripe settings nothing is sold: the demo and development need no Stripe."""

from tests.conftest import make_test_app
from tests.helpers import csrf_token


def test_without_stripe_the_digital_plus_page_names_customer_service(client, make_user, auth):
    html = client.get("/digital-plus").get_data(as_text=True)
    assert "Subscriptions are set up by our customer service" in html
    assert "/digital-plus/checkout" not in html
    auth.login(make_user(verified=True).email)
    assert "/digital-plus/checkout" not in client.get("/digital-plus").get_data(as_text=True)


def test_without_stripe_checkout_leads_back_to_the_page(client, make_user, auth):
    auth.login(make_user(verified=True).email)
    token = csrf_token(client, "/digital-plus")
    response = client.post("/digital-plus/checkout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/digital-plus"


def test_without_stripe_the_webhook_is_not_there(client):
    assert client.post("/stripe/webhook", data=b"{}").status_code == 404


def test_half_a_stripe_setup_is_refused_in_production(database_url):
    import pytest

    from newsroom.config import ConfigError
    from tests.conftest import PRODUCTION

    with pytest.raises(ConfigError, match="STRIPE_WEBHOOK_SECRET"):
        make_test_app(
            database_url, **PRODUCTION, STRIPE_SECRET_KEY="sk_live_x", STRIPE_PRICE_ID="price_1"
        )
    with pytest.raises(ConfigError, match="STRIPE_API_BASE"):
        make_test_app(database_url, **PRODUCTION, STRIPE_API_BASE="http://127.0.0.1:1")
