"""Reading history: one write per reader, article and local day; daily counts for "most read"."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from newsroom.extensions import db
from newsroom.models import ArticleRead, DailyArticleViews, ReadingListItem
from newsroom.reading import history
from tests.helpers import SENTINEL, rows

TZ = "Europe/Copenhagen"
NOON = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # 12:00 in Copenhagen


def views(app, article_id: int) -> dict[date, int]:
    with app.app_context():
        query = select(DailyArticleViews.day, DailyArticleViews.views).where(
            DailyArticleViews.article_id == article_id
        )
        return dict(db.session.execute(query).all())


def read_row(app, user_id: int, article_id: int) -> ArticleRead | None:
    with app.app_context():
        row = db.session.get(ArticleRead, (user_id, article_id))
        if row is not None:
            db.session.expunge(row)
        return row


def record(app, user_id: int, article_id: int, now: datetime, state=None) -> bool:
    with app.app_context():
        written = history.record_read(db.session, user_id, article_id, now, TZ, state)
        db.session.commit()
        return written


def test_record_read_first_open_writes_history_and_counts_a_view(app, make_user, make_article):
    user, article = make_user(), make_article()
    assert record(app, user.id, article.id, NOON) is True
    row = read_row(app, user.id, article.id)
    assert (row.first_read_at, row.last_read_at, row.last_read_on) == (NOON, NOON, NOON.date())
    assert views(app, article.id) == {NOON.date(): 1}


def test_record_read_same_day_writes_nothing_more(app, make_user, make_article):
    user, article = make_user(), make_article()
    record(app, user.id, article.id, NOON)
    assert record(app, user.id, article.id, NOON + timedelta(hours=3)) is False
    assert read_row(app, user.id, article.id).last_read_at == NOON
    assert views(app, article.id) == {NOON.date(): 1}


def test_record_read_next_day_writes_again(app, make_user, make_article):
    user, article = make_user(), make_article()
    record(app, user.id, article.id, NOON)
    later = NOON + timedelta(days=1)
    assert record(app, user.id, article.id, later) is True
    row = read_row(app, user.id, article.id)
    assert (row.first_read_at, row.last_read_at) == (NOON, later)
    assert views(app, article.id) == {NOON.date(): 1, later.date(): 1}


def test_record_read_counts_each_reader_once_a_day(app, make_user, make_article):
    article = make_article()
    for user in (make_user(), make_user()):
        record(app, user.id, article.id, NOON)
        record(app, user.id, article.id, NOON + timedelta(hours=1))
    assert views(app, article.id) == {NOON.date(): 2}


def test_record_read_uses_the_site_day_not_the_utc_day(app, make_user, make_article):
    user, article = make_user(), make_article()
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # 00:30 on 11 March in Copenhagen
    record(app, user.id, article.id, late)
    assert views(app, article.id) == {date(2026, 3, 11): 1}


def test_record_read_known_state_of_today_needs_no_query(app, make_user, make_article):
    user, article = make_user(), make_article()
    record(app, user.id, article.id, NOON)
    state = history.ReaderState(last_read_on=NOON.date(), last_read_at=NOON)
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            written = history.record_read(db.session, user.id, article.id, NOON, TZ, state)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    assert (written, statements) == (False, [])


def test_record_read_after_a_save_updates_the_time_but_not_the_count(app, make_user, make_article):
    user, article = make_user(digital_plus=True), make_article()
    record(app, user.id, article.id, NOON)
    saved_at = NOON + timedelta(hours=1)
    with app.app_context():
        db.session.add(ReadingListItem(user_id=user.id, article_id=article.id, saved_at=saved_at))
        db.session.commit()
    later = NOON + timedelta(hours=2)
    assert record(app, user.id, article.id, later) is True
    assert read_row(app, user.id, article.id).last_read_at == later
    assert views(app, article.id) == {NOON.date(): 1}


def test_most_read_orders_by_readers_in_the_last_seven_days(app, make_article):
    before = NOON - timedelta(days=30)
    popular, quiet, old = (make_article(published_at=before) for _ in range(3))
    today = NOON.date()
    with app.app_context():
        db.session.add_all(
            [
                DailyArticleViews(article_id=popular.id, day=today, views=4),
                DailyArticleViews(article_id=popular.id, day=today - timedelta(days=6), views=4),
                DailyArticleViews(article_id=quiet.id, day=today - timedelta(days=1), views=5),
                DailyArticleViews(article_id=old.id, day=today - timedelta(days=7), views=50),
            ]
        )
        db.session.commit()
        ranked = [a.id for a in history.most_read(db.session, NOON, TZ, days=7, limit=5)]
    assert ranked == [popular.id, quiet.id]


def test_most_read_leaves_out_unpublished_articles(app, make_article):
    hidden = make_article(is_published=False, published_at=NOON - timedelta(days=1))
    with app.app_context():
        db.session.add(DailyArticleViews(article_id=hidden.id, day=NOON.date(), views=9))
        db.session.commit()
        assert history.most_read(db.session, NOON, TZ) == []


# ---- the article page --------------------------------------------------------------------


def test_article_page_records_a_logged_in_read(client, auth, app, make_user, make_article):
    user, article = make_user(digital_plus=True), make_article()
    auth.login(user.email)
    client.get(f"/articles/{article.slug}")
    client.get(f"/articles/{article.slug}")
    assert read_row(app, user.id, article.id) is not None
    assert sum(views(app, article.id).values()) == 1


def test_article_page_anonymous_records_nothing(client, app, make_article):
    article = make_article(locked=False)
    page = client.get(f"/articles/{article.slug}")
    assert page.status_code == 200
    assert SENTINEL in page.get_data(as_text=True)  # read in full, and still not recorded
    assert rows(app, ArticleRead) == 0
    assert views(app, article.id) == {}


def test_article_page_paywalled_reader_records_nothing(client, auth, app, make_user, make_article):
    user, article = make_user(), make_article(locked=True)
    assert auth.login(user.email).status_code == 302
    page = client.get(f"/articles/{article.slug}")
    assert page.status_code == 200
    assert "This article requires Digital+" in page.get_data(as_text=True)
    assert read_row(app, user.id, article.id) is None


def test_article_page_registered_reader_of_free_article_is_recorded(
    client, auth, app, make_user, make_article
):
    user, article = make_user(), make_article(locked=False)
    auth.login(user.email)
    client.get(f"/articles/{article.slug}")
    assert read_row(app, user.id, article.id) is not None


@pytest.fixture
def failing_history(app):
    """The database refuses to write reading history."""
    with app.app_context():
        engine = db.engine

    def fail(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO ARTICLE_READS"):
            raise OperationalError(statement, parameters, RuntimeError("disk I/O error"))

    event.listen(engine, "before_cursor_execute", fail)
    yield
    event.remove(engine, "before_cursor_execute", fail)


def test_article_page_still_renders_when_history_cannot_be_written(
    client, auth, app, make_user, make_article, failing_history
):
    user = make_user(digital_plus=True)
    article = make_article(headline="Read even when the history fails")
    auth.login(user.email)
    response = client.get(f"/articles/{article.slug}")
    assert response.status_code == 200
    assert "Read even when the history fails" in response.get_data(as_text=True)
    assert views(app, article.id) == {}
