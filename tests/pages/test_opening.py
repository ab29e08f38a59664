"""Opening an article: the reader's Digital+ is read with their history, never passed in."""

from datetime import UTC, datetime, timedelta

from newsroom.articles import queries
from newsroom.articles.paywall import Grant
from newsroom.extensions import db
from newsroom.gifting.policy import gift_policy
from newsroom.pages.opening import open_article


def opened(app, slug: str, reader_id: int | None):
    with app.app_context():
        article = queries.record_by_slug(db.session, slug)
        return open_article(
            db.session,
            article,
            reader_id,
            None,
            datetime.now(UTC),
            gift_policy(),
            browser_id=lambda: None,
        )


def test_open_article_digital_plus_reader_reads_it_all(app, make_user, make_article):
    article, reader = make_article(), make_user(digital_plus=True)
    opening = opened(app, article.slug, reader.id)
    assert (opening.access.grant, opening.digital_plus) == (Grant.SUBSCRIBER, True)


def test_open_article_lapsed_reader_is_denied(app, make_user, make_article):
    now = datetime.now(UTC)
    article = make_article()
    reader = make_user(period=(now - timedelta(days=60), now - timedelta(days=1)))
    opening = opened(app, article.slug, reader.id)
    assert (opening.access.grant, opening.digital_plus) == (Grant.DENIED, False)
    assert opening.state is not None


def test_open_article_anonymous_reader_has_no_state(app, make_article):
    opening = opened(app, make_article().slug, None)
    assert (opening.access.grant, opening.state) == (Grant.DENIED, None)
