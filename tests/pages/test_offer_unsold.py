"""Where Digital+ is not sold on the site, sign-up states no steps to it (issue 24, item 4)."""


def test_sign_up_states_no_steps_where_digital_plus_is_not_sold(client):
    sign_up = client.get("/register?next=/digital-plus?next%3D/articles/a").get_data(as_text=True)
    assert "data-sign-up-steps" not in sign_up
    assert 'href="/terms"' in sign_up and 'href="/privacy"' in sign_up
