"""Faults (G1, G3): the database going away mid-request, and a gift submitted twice."""

import pytest
from sqlalchemy import select

from newsroom.extensions import db
from newsroom.models import Gift
from scripts.loopback import free_port
from tests.conftest import make_test_app
from tests.helpers import SENTINEL, csrf_token, database_fails_on, rows

JSON = {"Accept": "application/json"}


def test_article_while_database_fails_is_503_page_without_body(app, client, make_article):
    article = make_article()
    with database_fails_on(app, "FROM articles"):
        response = client.get(f"/articles/{article.slug}")
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    html = response.get_data(as_text=True)
    assert "We could not reach our database" in html
    assert SENTINEL not in html


def test_article_json_while_database_fails_is_503_error_json(app, client, make_article):
    article = make_article()
    with database_fails_on(app, "FROM articles"):
        response = client.get(f"/articles/{article.slug}", headers=JSON)
    assert response.status_code == 503
    assert response.get_json()["error"] == "technical_error"
    assert SENTINEL not in response.get_data(as_text=True)


def test_subscriber_article_while_database_fails_is_503_without_body(
    app, client, subscriber, subscriber_client, make_article
):
    article = make_article()
    with database_fails_on(app, "FROM articles"):
        response = client.get(f"/articles/{article.slug}")
    assert response.status_code == 503
    assert SENTINEL not in response.get_data(as_text=True)


def test_gift_link_open_failing_to_read_the_gift_is_503_without_body(
    app, client, auth, subscriber, subscriber_client, make_article
):
    article = make_article()
    url = auth.post(f"/articles/{article.slug}/gift", json=True).get_json()["url"]
    stranger = app.test_client()
    with database_fails_on(app, "FROM gifts"):
        response = stranger.get(url.replace("http://newsroom.test", ""))
    assert response.status_code == 503
    assert SENTINEL not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Gift.open_count)) == 0


def test_a_gift_open_failing_to_count_is_not_counted_and_costs_the_page_nothing(
    app, client, auth, subscriber, subscriber_client, make_article
):
    article = make_article()
    url = auth.post(f"/articles/{article.slug}/gift", json=True).get_json()["url"]
    reader = app.test_client()
    assert SENTINEL in reader.get(url.replace("http://newsroom.test", "")).text
    with database_fails_on(app, "UPDATE gifts"):
        assert reader.get("/").status_code == 200  # the click that would count the open
    with app.app_context():
        assert db.session.scalar(select(Gift.open_count)) == 0


UNREACHABLE = {
    # A PostgreSQL that has been stopped: nothing listens on its port any more.
    "stopped postgresql": lambda tmp: f"postgresql+psycopg://newsroom@127.0.0.1:{free_port()}/x",
    "unopenable sqlite": lambda tmp: f"sqlite:///{tmp / 'missing-dir' / 'gone.sqlite3'}",
}


@pytest.fixture(params=sorted(UNREACHABLE))
def down_app(request, tmp_path):
    app = make_test_app(UNREACHABLE[request.param](tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()


def test_article_with_database_down_is_503_page(down_app):
    response = down_app.test_client().get("/articles/anything")
    assert response.status_code == 503
    assert "We could not reach our database" in response.get_data(as_text=True)


def test_article_json_with_database_down_is_503_error_json(down_app):
    response = down_app.test_client().get("/articles/anything", headers=JSON)
    assert response.status_code == 503
    assert response.get_json()["error"] == "technical_error"


def test_gift_with_database_down_is_503_for_a_logged_in_subscriber(
    app, client, subscriber, subscriber_client, make_article, down_app
):
    """The same session cookie, after the database went away: a clear 503, never a 500.
    (The CSRF check passes only with the subscriber's own session, so the 503 is the
    database's answer, not a refusal of a stranger.)"""
    article = make_article()
    token = csrf_token(client)
    down = down_app.test_client()
    down.set_cookie("session", client.get_cookie("session").value)
    response = down.post(f"/articles/{article.slug}/gift", headers={**JSON, "X-CSRFToken": token})
    assert response.status_code == 503
    assert response.get_json()["error"] == "technical_error"
    assert response.headers["Retry-After"].isdigit()


def test_gift_form_submitted_twice_gives_the_same_link_and_one_slot(
    app, client, auth, subscriber, subscriber_client, make_article
):
    article = make_article()
    first = auth.post(f"/articles/{article.slug}/gift")
    first_page = client.get(first.headers["Location"]).get_data(as_text=True)
    second = auth.post(f"/articles/{article.slug}/gift")
    second_page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert (first.status_code, second.status_code) == (303, 303)
    link = "http://newsroom.test/g/"
    assert link in first_page
    first_url = first_page.split(link, 1)[1].split('"', 1)[0]
    assert link + first_url in second_page
    assert rows(app, Gift) == 1
