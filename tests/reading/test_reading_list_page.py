"""The reading list page and the reading-list buttons on other pages."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update

from newsroom.extensions import db
from newsroom.models import Article, ArticleRead, Subscription
from tests.reading.lists import UPSELL, rows, save


def last_read(app, user_id: int, article_id: int, at: datetime) -> None:
    """The reader first opened the article a day before `at` and last at `at`."""
    with app.app_context():
        db.session.add(
            ArticleRead(
                user_id=user_id,
                article_id=article_id,
                first_read_at=at - timedelta(days=1),
                last_read_at=at,
                last_read_on=at.date(),
            )
        )
        db.session.commit()


# ---- the list page -----------------------------------------------------------------------


def test_index_anonymous_is_sent_to_login(client):
    response = client.get("/reading-list")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/reading-list")


def test_index_registered_without_digital_plus_sees_upsell(client, registered):
    response = client.get("/reading-list")
    assert response.status_code == 200
    assert UPSELL in response.get_data(as_text=True)


def test_index_is_private(client, subscriber, subscriber_client):
    assert client.get("/reading-list").headers["Cache-Control"] == "private, no-store"


def test_index_lists_newest_saved_first(client, subscriber, subscriber_client, make_article, app):
    older = make_article(headline="Saved long ago")
    newer = make_article(headline="Saved just now")
    now = datetime.now(UTC)
    save(app, subscriber.id, older.id, now - timedelta(days=3))
    save(app, subscriber.id, newer.id, now - timedelta(minutes=1))
    html = client.get("/reading-list").get_data(as_text=True)
    assert html.index("Saved just now") < html.index("Saved long ago")


def test_index_empty_list_says_how_to_save(client, subscriber, subscriber_client):
    html = client.get("/reading-list").get_data(as_text=True)
    assert "Your reading list is empty." in html


def test_index_paginates(client, subscriber, subscriber_client, make_article, app):
    app.config["READING_LIST_PER_PAGE"] = 2
    now = datetime.now(UTC)
    for minutes, headline in enumerate(["Newest piece", "Middle piece", "Oldest piece"]):
        article = make_article(headline=headline)
        save(app, subscriber.id, article.id, now - timedelta(minutes=minutes + 1))
    first = client.get("/reading-list").get_data(as_text=True)
    second = client.get("/reading-list?page=2").get_data(as_text=True)
    assert "Middle piece" in first and "Oldest piece" not in first
    assert "Oldest piece" in second and "Newest piece" not in second
    assert 'href="/reading-list?page=2"' in first


def test_index_marks_articles_opened_since_saving(
    client, subscriber, subscriber_client, make_article, app
):
    article = make_article()
    saved_at = datetime.now(UTC) - timedelta(hours=2)
    save(app, subscriber.id, article.id, saved_at)
    last_read(app, subscriber.id, article.id, saved_at + timedelta(hours=1))
    assert "Opened since you saved it" in client.get("/reading-list").get_data(as_text=True)


def test_index_marks_articles_read_only_before_saving_as_unopened(
    client, subscriber, subscriber_client, make_article, app
):
    article = make_article()
    saved_at = datetime.now(UTC) - timedelta(hours=2)
    save(app, subscriber.id, article.id, saved_at)
    last_read(app, subscriber.id, article.id, saved_at - timedelta(days=1))
    assert "Not opened since you saved it" in client.get("/reading-list").get_data(as_text=True)


def test_index_drops_unpublished_articles(client, subscriber, subscriber_client, make_article, app):
    shown = make_article(headline="Still published")
    hidden = make_article(headline="Taken down")
    save(app, subscriber.id, shown.id, datetime.now(UTC))
    save(app, subscriber.id, hidden.id, datetime.now(UTC))
    with app.app_context():
        db.session.execute(
            update(Article).where(Article.id == hidden.id).values(is_published=False)
        )
        db.session.commit()
    response = client.get("/reading-list")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Still published" in html and "Taken down" not in html


def test_index_survives_a_deleted_article(client, subscriber, subscriber_client, make_article, app):
    gone = make_article(headline="Deleted piece")
    save(app, subscriber.id, gone.id, datetime.now(UTC))
    with app.app_context():
        db.session.execute(delete(Article).where(Article.id == gone.id))
        db.session.commit()
    response = client.get("/reading-list")
    assert response.status_code == 200
    assert "Deleted piece" not in response.get_data(as_text=True)


def test_index_lapsed_subscriber_keeps_list_behind_upsell_until_renewal(
    client, auth, make_user, make_article, app
):
    now = datetime.now(UTC)
    user = make_user(period=(now - timedelta(days=60), now - timedelta(days=1)))
    article = make_article(headline="Kept through the lapse")
    save(app, user.id, article.id, now - timedelta(days=10))
    auth.login(user.email)

    lapsed = client.get("/reading-list").get_data(as_text=True)
    assert UPSELL in lapsed and "Kept through the lapse" not in lapsed
    assert rows(app, user.id) == [article.id]

    with app.app_context():
        db.session.add(Subscription(user_id=user.id, starts_at=now, ends_at=now + timedelta(30)))
        db.session.commit()
    renewed = client.get("/reading-list").get_data(as_text=True)
    assert "Kept through the lapse" in renewed


# ---- buttons on pages --------------------------------------------------------------------


def test_article_page_button_shows_saved_state(
    client, subscriber, subscriber_client, make_article, app
):
    article = make_article()
    save(app, subscriber.id, article.id, datetime.now(UTC))
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert f'action="/reading-list/{article.slug}/remove"' in html
    assert 'aria-pressed="true"' in html


def test_article_page_button_offers_save_when_not_saved(
    client, subscriber, subscriber_client, make_article
):
    article = make_article()
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert f'action="/reading-list/{article.slug}"' in html
    assert 'aria-pressed="false"' in html


def test_article_page_lapsed_subscriber_button_is_not_pressed(
    client, auth, make_user, make_article, app
):
    now = datetime.now(UTC)
    user = make_user(period=(now - timedelta(days=60), now - timedelta(days=1)))
    article = make_article(locked=False)
    save(app, user.id, article.id, now - timedelta(days=10))
    auth.login(user.email)
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert 'aria-pressed="true"' not in html


def test_front_page_cards_show_saved_state(
    client, subscriber, subscriber_client, make_article, app
):
    saved, unsaved = make_article(), make_article()
    save(app, subscriber.id, saved.id, datetime.now(UTC))
    html = client.get("/").get_data(as_text=True)
    assert f'action="/reading-list/{saved.slug}/remove"' in html
    assert f'action="/reading-list/{unsaved.slug}"' in html


def test_front_page_anonymous_cards_offer_the_reading_list_by_a_link_not_a_form(
    client, make_article
):
    """The front page is the same for every anonymous reader: no form, no reader's token."""
    make_article()
    html = client.get("/").get_data(as_text=True)
    assert 'action="/reading-list/' not in html
    assert 'class="bookmark" href="/reading-list/offer?next=/"' in html


def test_nav_links_to_reading_list_only_for_a_reader_who_has_one(client, auth, make_user):
    auth.login(make_user().email)
    assert 'href="/reading-list"' not in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login(make_user(digital_plus=True).email)
    assert 'href="/reading-list"' in client.get("/").get_data(as_text=True)


def test_nav_has_no_reading_list_link_when_anonymous(client):
    assert 'href="/reading-list"' not in client.get("/").get_data(as_text=True)
