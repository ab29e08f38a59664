"""Without Stripe, the Digital+ page (and the account page, where it asks readers to write)
names customer service as a mail link, with the phone and hours when the site has them."""

import pytest

SERVICE = {
    "CUSTOMER_SERVICE_EMAIL": "kundeservice@news.example",
    "CUSTOMER_SERVICE_PHONE": "+45 70 20 30 40",
    "CUSTOMER_SERVICE_HOURS": "9-16",
}


@pytest.mark.parametrize("app_config", [SERVICE])
@pytest.mark.parametrize(
    "language, words",
    [("en", ("E-mail:", "Phone:", "Opening hours: 9-16")), ("da", ("Telefon:", "Åbningstider"))],
)
def test_digital_plus_page_without_stripe_names_customer_service(client, language, words):
    html = client.get("/digital-plus", headers={"Accept-Language": language}).get_data(as_text=True)
    assert '<a href="mailto:kundeservice@news.example">kundeservice@news.example</a>' in html
    assert '<a href="tel:+4570203040">+45 70 20 30 40</a>' in html
    for word in words:
        assert word in html


@pytest.mark.parametrize("app_config", [{"CUSTOMER_SERVICE_EMAIL": "service@news.example"}])
def test_phone_and_hours_are_left_out_when_not_set(client):
    html = client.get("/digital-plus").get_data(as_text=True)
    assert 'href="mailto:service@news.example"' in html
    assert "tel:" not in html and "Opening hours" not in html


def test_without_a_customer_service_address_the_contact_address_stands_in(app, client):
    html = client.get("/digital-plus").get_data(as_text=True)
    assert f'href="mailto:{app.config["CONTACT_EMAIL"]}"' in html


@pytest.mark.parametrize("app_config", [SERVICE])
def test_account_page_of_a_period_set_by_customer_service_names_it(client, auth, make_user):
    auth.login(make_user(digital_plus=True).email)
    html = client.get("/account").get_data(as_text=True)
    assert "write to customer service" in html
    assert 'href="mailto:kundeservice@news.example"' in html
