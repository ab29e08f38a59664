"""The reading list's operations and its add/remove actions: Digital+ only, idempotent, and
unchanged by failures."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from newsroom.core.errors import DigitalPlusRequired, NotFound
from newsroom.extensions import db
from newsroom.reading import reading_list
from tests.reading.lists import UPSELL, rows, save

FAILURE = (
    "The article could not be added to the reading list because of a technical error. "
    "Try again later."
)


# ---- the service -------------------------------------------------------------------------


def test_add_service_twice_keeps_one_row(app, make_user, make_article):
    user, article = make_user(digital_plus=True), make_article()
    now = datetime.now(UTC)
    with app.app_context():
        first = reading_list.add(db.session, user.id, article.slug, now)
        second = reading_list.add(db.session, user.id, article.slug, now)
        db.session.commit()
    assert (first.changed, second.changed) == (True, False)
    assert rows(app, user.id) == [article.id]


def test_add_service_requires_digital_plus(app, make_user, make_article):
    user, article = make_user(), make_article()
    with app.app_context(), pytest.raises(DigitalPlusRequired):
        reading_list.add(db.session, user.id, article.slug, datetime.now(UTC))


def test_add_service_unknown_slug_is_not_found(app, make_user):
    user = make_user(digital_plus=True)
    with app.app_context(), pytest.raises(NotFound):
        reading_list.add(db.session, user.id, "no-such-article", datetime.now(UTC))


def test_add_service_anonymous_requires_digital_plus(app, make_article):
    article = make_article()
    with app.app_context(), pytest.raises(DigitalPlusRequired):
        reading_list.add(db.session, None, article.slug, datetime.now(UTC))


def test_add_service_without_digital_plus_is_refused_before_not_found(app, make_user):
    user = make_user()
    with app.app_context(), pytest.raises(DigitalPlusRequired):
        reading_list.add(db.session, user.id, "no-such-article", datetime.now(UTC))


def test_remove_service_lapsed_subscriber_is_refused_and_keeps_the_row(
    app, make_user, make_article
):
    now = datetime.now(UTC)
    user = make_user(period=(now - timedelta(days=60), now - timedelta(days=1)))
    article = make_article()
    save(app, user.id, article.id, now - timedelta(days=30))
    with app.app_context(), pytest.raises(DigitalPlusRequired):
        reading_list.remove(db.session, user.id, article.slug, now)
    assert rows(app, user.id) == [article.id]


def test_add_service_simultaneous_adds_leave_one_row(app, make_user, make_article):
    user, article = make_user(digital_plus=True), make_article()
    barrier = threading.Barrier(2, timeout=10)
    errors: list[BaseException] = []

    def add() -> None:
        try:
            with app.app_context():
                barrier.wait()
                reading_list.add(db.session, user.id, article.slug, datetime.now(UTC))
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert rows(app, user.id) == [article.id]


def test_saved_ids_names_only_saved_articles(app, make_user, make_article):
    user = make_user(digital_plus=True)
    kept, other = make_article(), make_article()
    save(app, user.id, kept.id, datetime.now(UTC))
    with app.app_context():
        assert reading_list.saved_ids(db.session, user.id, [kept.id, other.id]) == {kept.id}


def test_saved_page_requires_digital_plus(app, make_user):
    user = make_user()
    with app.app_context(), pytest.raises(DigitalPlusRequired):
        reading_list.saved_page(db.session, user.id, datetime.now(UTC), 1, 20)


def test_saved_page_lapsed_subscriber_with_saved_articles_is_refused(app, make_user, make_article):
    now = datetime.now(UTC)
    user = make_user(period=(now - timedelta(days=60), now - timedelta(days=1)))
    save(app, user.id, make_article().id, now - timedelta(days=30))
    with app.app_context(), pytest.raises(DigitalPlusRequired):
        reading_list.saved_page(db.session, user.id, now, 1, 20)


# ---- adding and removing over HTTP -------------------------------------------------------


def test_add_json_subscriber_gets_201_then_200(
    client, auth, subscriber, subscriber_client, make_article, app
):
    article = make_article()
    first = auth.post(f"/reading-list/{article.slug}", json=True)
    second = auth.post(f"/reading-list/{article.slug}", json=True)
    assert first.status_code == 201
    assert first.get_json() == {"saved": True, "slug": article.slug}
    assert second.status_code == 200
    assert rows(app, subscriber.id) == [article.id]


def test_add_form_redirects_to_next_with_message(
    client, auth, subscriber, subscriber_client, make_article
):
    article = make_article(headline="Ports are rarely the bottleneck")
    response = auth.post(f"/reading-list/{article.slug}", data={"next": "/?page=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/?page=1"
    page = client.get("/").get_data(as_text=True)
    assert "“Ports are rarely the bottleneck” is on your reading list." in page


def test_add_form_offsite_next_returns_to_the_article(
    client, auth, subscriber, subscriber_client, make_article
):
    article = make_article()
    response = auth.post(f"/reading-list/{article.slug}", data={"next": "//evil.example/x"})
    assert response.headers["Location"] == f"/articles/{article.slug}"


def test_add_without_csrf_token_is_rejected(
    client, subscriber, subscriber_client, make_article, app
):
    article = make_article()
    response = client.post(f"/reading-list/{article.slug}", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert rows(app, subscriber.id) == []


def test_add_json_anonymous_is_401(client, auth, make_article):
    article = make_article()
    response = auth.post(f"/reading-list/{article.slug}", json=True)
    assert response.status_code == 401
    assert response.get_json()["error"] == "login_required"


def test_add_form_anonymous_gets_upsell_with_login_back(client, auth, make_article):
    article = make_article()
    response = auth.post(
        f"/reading-list/{article.slug}", data={"next": f"/articles/{article.slug}"}
    )
    # Post/Redirect/Get: the offer is a page of its own, which a reload does not re-post.
    assert response.status_code == 303
    assert response.headers["Location"] == f"/reading-list/offer?next=/articles/{article.slug}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert UPSELL in html
    assert f'href="/login?next=/articles/{article.slug}"' in html
    assert f'<a href="/articles/{article.slug}">← Back</a>' in html


def test_add_json_registered_without_digital_plus_is_403(auth, registered, make_article, app):
    article = make_article()
    response = auth.post(f"/reading-list/{article.slug}", json=True)
    assert response.status_code == 403
    assert response.get_json() == {"error": "digital_plus_required", "message": UPSELL}
    assert rows(app, registered.id) == []


def test_add_form_registered_without_digital_plus_gets_upsell(auth, registered, make_article):
    article = make_article()
    response = auth.post(f"/reading-list/{article.slug}")
    assert response.status_code == 303
    page = auth.client.get(response.headers["Location"])
    assert page.status_code == 200
    assert UPSELL in page.get_data(as_text=True)
    assert f'<a href="/articles/{article.slug}">← Back</a>' in page.get_data(as_text=True)


def test_offer_page_refuses_to_lead_off_site(client):
    html = client.get("/reading-list/offer?next=//evil.example/").get_data(as_text=True)
    assert 'href="//evil.example' not in html
    assert '<a href="/">← Back</a>' in html


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "form"])
def test_add_unknown_article_is_404(auth, subscriber, subscriber_client, as_json):
    response = auth.post("/reading-list/no-such-article", json=as_json)
    assert response.status_code == 404
    if as_json:
        assert response.get_json()["error"] == "not_found"


def test_add_unpublished_article_is_404(auth, subscriber, subscriber_client, make_article):
    article = make_article(is_published=False)
    assert auth.post(f"/reading-list/{article.slug}", json=True).status_code == 404


def test_remove_json_takes_the_article_off(auth, subscriber, subscriber_client, make_article, app):
    article = make_article()
    save(app, subscriber.id, article.id, datetime.now(UTC))
    response = auth.post(f"/reading-list/{article.slug}/remove", json=True)
    assert response.status_code == 200
    assert response.get_json() == {"saved": False, "slug": article.slug}
    assert rows(app, subscriber.id) == []


def test_remove_twice_is_harmless(auth, subscriber, subscriber_client, make_article, app):
    article = make_article()
    save(app, subscriber.id, article.id, datetime.now(UTC))
    auth.post(f"/reading-list/{article.slug}/remove", json=True)
    response = auth.post(f"/reading-list/{article.slug}/remove", json=True)
    assert response.status_code == 200
    assert response.get_json()["saved"] is False


def test_remove_form_redirects_with_message(
    client, auth, subscriber, subscriber_client, make_article, app
):
    article = make_article(headline="Batteries alone do not save the grid")
    save(app, subscriber.id, article.id, datetime.now(UTC))
    response = auth.post(f"/reading-list/{article.slug}/remove", data={"next": "/reading-list"})
    assert response.headers["Location"] == "/reading-list"
    page = client.get("/reading-list").get_data(as_text=True)
    assert "“Batteries alone do not save the grid” is no longer on your reading list." in page


def test_remove_json_registered_without_digital_plus_is_403(auth, registered, make_article):
    article = make_article()
    response = auth.post(f"/reading-list/{article.slug}/remove", json=True)
    assert response.status_code == 403


def test_change_over_get_is_not_allowed(client, subscriber, subscriber_client, make_article):
    article = make_article()
    assert client.get(f"/reading-list/{article.slug}").status_code == 405


def test_someone_elses_list_is_not_shown(
    client, auth, subscriber, subscriber_client, make_user, make_article, app
):
    other = make_user(digital_plus=True)
    article = make_article(headline="Somebody else's pick")
    save(app, other.id, article.id, datetime.now(UTC))
    assert "Somebody else&#39;s pick" not in client.get("/reading-list").get_data(as_text=True)


# ---- failures ----------------------------------------------------------------------------


@pytest.fixture
def failing_insert(app):
    """The database fails right after the reading-list row is written, before the commit."""
    with app.app_context():
        engine = db.engine

    def fail(conn, cursor, statement, parameters, context, executemany):
        sql = statement.upper()
        if sql.lstrip().startswith("INSERT INTO READING_LIST_ITEMS") and "ON CONFLICT" in sql:
            raise OperationalError(statement, parameters, RuntimeError("disk I/O error"))

    event.listen(engine, "after_cursor_execute", fail)
    yield
    event.remove(engine, "after_cursor_execute", fail)


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "form"])
def test_add_database_failure_is_503_says_so_and_saves_nothing(
    auth, subscriber, subscriber_client, make_article, app, failing_insert, as_json
):
    article = make_article()
    response = auth.post(f"/reading-list/{article.slug}", json=as_json)
    assert response.status_code == 503
    if as_json:
        assert response.get_json() == {"error": "technical_error", "message": FAILURE}
        assert response.headers["Retry-After"].isdigit()
    else:
        assert FAILURE in response.get_data(as_text=True)
    assert rows(app, subscriber.id) == []


def test_add_failure_keeps_the_existing_list(
    auth, subscriber, subscriber_client, make_article, app, failing_insert
):
    kept, failed = make_article(), make_article()
    save(app, subscriber.id, kept.id, datetime.now(UTC))
    auth.post(f"/reading-list/{failed.slug}", json=True)
    assert rows(app, subscriber.id) == [kept.id]


def test_index_database_failure_is_the_sites_technical_page(
    app, client, subscriber, subscriber_client
):
    with app.app_context():
        engine = db.engine

    def fail(conn, cursor, statement, parameters, context, executemany):
        if "FROM reading_list_items" in statement:
            raise OperationalError(statement, parameters, RuntimeError("disk I/O error"))

    event.listen(engine, "after_cursor_execute", fail)
    try:
        response = client.get("/reading-list")
    finally:
        event.remove(engine, "after_cursor_execute", fail)
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "We could not reach our database." in page and FAILURE not in page
