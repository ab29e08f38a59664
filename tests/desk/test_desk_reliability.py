"""Rows L1, L6, L7 and L8 of docs/reliability.md, over HTTP, with every cache on: what the desk
has not published is on no public surface, kept or not; a scheduled article appears on time,
after a restart too; every audited action is one entry; every desk change empties kept copies."""

import re
from collections import Counter
from datetime import timedelta

import pytest

from newsroom.core import clock
from newsroom.delivery.keys import keys_for
from newsroom.desk.audit import ACTIONS
from newsroom.extensions import db
from newsroom.models import Article, AuditEntry, Author, DailyArticleViews, Section
from tests.conftest import make_test_app
from tests.delivery.test_page_cache import kept_pages, logged_in, requests_reaching_flask
from tests.desk.conftest import MORNING, PUBLIC_LISTINGS
from tests.helpers import PASSWORD, now_utc

SECRET = "Zephyrquill sentinel sentence nobody outside the desk may read"
MARK = "Zephyrquill"  # in every headline, lead and body of the pieces readers must not see


@pytest.fixture
def app_config(shared_cache) -> dict:
    # Every cache on and long-lived: only the desk's own changes may make a change visible.
    return {
        "PAGE_CACHE_SECONDS": 3600,
        "ARTICLE_CACHE_SECONDS": 3600,
        "SIDEBAR_CACHE_SECONDS": 3600,
        "CACHE_PURGE_URLS": shared_cache.url,
    }


def sentinel(editor, kind: str) -> int:
    return editor.write(
        headline=f"{MARK} {kind} piece",
        lead=f"{SECRET}, in the lead.",
        body=f"{SECRET}, opening.\n\n{SECRET}, for subscribers.",
        section="Debate",
        author_name="Ada Berg",
    )


def slug_of(app, article_id: int) -> str:
    with app.app_context():
        return db.session.get(Article, article_id).slug


def surfaces(client, slugs: list[str]) -> dict[str, str]:
    """Every public place an article can show up: pages, listings, feeds, the sitemap, search,
    JSON, and the recommendations and "most read" boxes on the front and article pages."""
    paths = [
        *PUBLIC_LISTINGS,
        "/search?q=Zephyrquill",
        "/search?q=Zephyrquill&format=json",
        "/search?q=nobody+outside",
        "/articles/shown-piece",
        "/articles/shown-piece?format=json",
    ]
    for slug in slugs:
        paths += [f"/articles/{slug}", f"/articles/{slug}?format=json"]
    return {path: client.get(path).get_data(as_text=True) for path in paths}


def shows(text: str) -> bool:
    """The page shows a sentinel piece: its words, or its address (links, feeds, sitemap).
    A page's echo of its own address or query (the language links' next=) is neither."""
    text = re.sub(r"next=[^\"&]*", "", text.lower())
    return "nobody outside the desk" in text or "zephyrquill-" in text


def leaks(pages: dict[str, str]) -> list[str]:
    return [path for path, text in pages.items() if shows(text)]


def read_today(app, article_ids: list[int], views: int) -> None:
    """Readers opened these today: the "most read" box ranks by these counts."""
    today = clock.local_date(now_utc(), "Europe/Copenhagen")
    with app.app_context():
        for article_id in article_ids:
            db.session.merge(DailyArticleViews(article_id=article_id, day=today, views=views))
        db.session.commit()


def test_l1_draft_review_scheduled_and_unpublished_sentinels_are_on_no_surface_kept_or_not(
    app, app_clock, editor, contributor, make_user
):
    shown = editor.write(headline="Shown piece", body="The visible control paragraph.")
    editor.post(f"/desk/articles/{shown}/publish")
    gone = sentinel(editor, "unpublished")
    editor.post(f"/desk/articles/{gone}/publish")
    reader = make_user(digital_plus=True, verified=True)
    subscriber = logged_in(app, reader)
    slugs = [slug_of(app, gone)]
    # The control: while it is out, the unpublished-to-be piece is everywhere and kept.
    before = surfaces(app.test_client(), slugs)
    assert {"/", "/feed.xml", "/sitemap.xml", f"/articles/{slugs[0]}"} <= set(leaks(before))
    assert MARK in subscriber.get(f"/articles/{slugs[0]}").get_data(as_text=True)
    assert kept_pages(app)

    draft = sentinel(editor, "draft")
    review = sentinel(contributor, "review")
    contributor.post(f"/desk/articles/{review}/submit")
    scheduled = sentinel(editor, "scheduled")
    editor.post(f"/desk/articles/{scheduled}/schedule", {"publish_at": MORNING})
    editor.post(f"/desk/articles/{gone}/unpublish")
    hidden = [draft, review, scheduled, gone]
    read_today(app, hidden, views=1000)  # the most read, if visibility were not checked
    read_today(app, [shown], views=1)
    slugs = [slug_of(app, article_id) for article_id in hidden]

    for client in (app.test_client(), subscriber):
        first = surfaces(client, slugs)
        with requests_reaching_flask(app):
            second = surfaces(client, slugs)  # kept copies where the store has them
        assert leaks(first) == [] and leaks(second) == []
        assert "The visible control paragraph." in first["/articles/shown-piece"]
    assert kept_pages(app)  # the second round was served from the store, and showed nothing


def test_l6_scheduled_article_hidden_at_t_minus_1_s_and_everywhere_at_t_plus_60_s_after_restart(
    app, app_clock, editor, database_url
):
    article_id = sentinel(editor, "scheduled")
    editor.post(f"/desk/articles/{article_id}/schedule", {"publish_at": MORNING})
    with app.app_context():
        at = db.session.get(Article, article_id).published_at
    slug = slug_of(app, article_id)

    app_clock.now = at - timedelta(seconds=1)
    client = app.test_client()
    before = surfaces(client, [slug])
    assert leaks(before) == []
    # A listing kept now is kept until the article's time at most: here, one second.
    front = client.get("/")
    assert front.headers["Cache-Control"] == "public, max-age=0, s-maxage=1"

    # Every process stops; new ones start and read the same database 60 s after the time.
    app_clock.now = at + timedelta(seconds=60)
    restarted = make_test_app(database_url, PAGE_CACHE_SECONDS=3600)
    try:
        after = surfaces(restarted.test_client(), [slug])
    finally:
        with restarted.app_context():
            db.engine.dispose()
    everywhere = [
        "/",
        "/?format=json",
        "/feed.xml",
        "/sections/debate",
        "/sections/debate/feed.xml",
        "/authors/ada-berg",
        "/search?q=Zephyrquill",
        "/search?q=Zephyrquill&format=json",
        f"/articles/{slug}",
        f"/articles/{slug}?format=json",
    ]
    assert [path for path in [*everywhere, "/sitemap.xml"] if not shows(after[path])] == []
    assert SECRET in after[f"/articles/{slug}"]  # not locked: the whole piece


def test_l7_every_audited_action_leaves_exactly_one_entry_and_the_web_changes_none(
    app, app_clock, admin, editor, make_user
):
    article_id = editor.write(headline="Audited piece")
    editor.post(f"/desk/articles/{article_id}/lock")
    editor.post(f"/desk/articles/{article_id}/unlock")
    editor.save(article_id, base=3, headline="Audited piece", giftable="")
    editor.post(f"/desk/articles/{article_id}/schedule", {"publish_at": MORNING})
    editor.post(f"/desk/articles/{article_id}/unpublish")
    editor.post(f"/desk/articles/{article_id}/publish")
    editor.save(article_id, base=7, headline="Audited piece", slug="moved", giftable="")
    editor.post(f"/desk/articles/{article_id}/preview-links")
    with app.app_context():
        link_id = db.session.scalar(db.select(db.func.max(AuditEntry.id)))
        link_id = db.session.get(AuditEntry, link_id).after["link"]
    editor.post(f"/desk/articles/{article_id}/preview-links/{link_id}/revoke")
    editor.post(f"/desk/articles/{article_id}/unpublish")
    editor.post(f"/desk/articles/{article_id}/delete")
    writer = make_user(verified=True)
    admin.post("/desk/staff", {"email": writer.email, "role": "contributor", "password": PASSWORD})

    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
        counted = Counter(e.action for e in entries)
    assert set(counted) == set(ACTIONS)
    assert counted == Counter({**dict.fromkeys(ACTIONS, 1), "unpublish": 2})
    assert all(e.before is not None or e.after is not None for e in entries)

    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert admin.client.open("/desk/audit", method=method).status_code in (400, 404, 405)
        assert admin.client.open("/desk/audit/1", method=method).status_code == 404
    with app.app_context():
        entry = db.session.get(AuditEntry, 1)
        entry.action = "rewritten"
        with pytest.raises(ValueError, match="cannot be changed"):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEntry, 1))
        with pytest.raises(ValueError, match="cannot be changed"):
            db.session.flush()
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == len(entries)


def test_l8_lock_unpublish_and_schedule_empty_the_kept_copies_and_purge_the_caches(
    app, app_clock, shared_cache, editor
):
    article_id = editor.write(headline="Kept piece", body=f"Opening.\n\n{SECRET}.")
    editor.post(f"/desk/articles/{article_id}/publish")
    with app.app_context():
        keys = set(keys_for(db.session.get(Article, article_id)))
    reader = app.test_client()
    pages = ["/", "/articles/kept-piece", "/sections/debate", "/feed.xml"]

    def keep_every_page() -> None:
        for path in pages:
            reader.get(path)
        with requests_reaching_flask(app) as reached:
            for path in pages:
                reader.get(path)
        assert reached == [], "the pages were not kept"  # the control: they are kept now
        shared_cache.keys.clear()

    keep_every_page()
    assert SECRET in reader.get("/articles/kept-piece").get_data(as_text=True)
    editor.post(f"/desk/articles/{article_id}/lock")
    assert shared_cache.purged() == keys  # the shared caches, at once
    assert SECRET not in reader.get("/articles/kept-piece").get_data(as_text=True)

    keep_every_page()
    editor.post(f"/desk/articles/{article_id}/unpublish")
    assert shared_cache.purged() == keys
    assert reader.get("/articles/kept-piece").status_code == 404
    assert [p for p in pages if "Kept piece" in reader.get(p).get_data(as_text=True)] == []

    editor.post(f"/desk/articles/{article_id}/publish")
    keep_every_page()
    editor.post(f"/desk/articles/{article_id}/unpublish")
    shared_cache.keys.clear()
    editor.post(f"/desk/articles/{article_id}/schedule", {"publish_at": MORNING})
    assert shared_cache.purged() == keys
    assert [p for p in pages if "Kept piece" in reader.get(p).get_data(as_text=True)] == []


def test_l8_a_new_bio_reaches_the_page_of_an_author_with_no_article_at_once(
    app, shared_cache, editor
):
    editor.post("/desk/authors", {"name": "Nina Dahl", "title": "historian", "bio": "First bio."})
    with app.app_context():
        author_id = db.session.scalar(db.select(Author.id).where(Author.name == "Nina Dahl"))
    reader = app.test_client()
    assert "First bio." in reader.get("/authors/nina-dahl").get_data(as_text=True)
    with requests_reaching_flask(app) as reached:
        reader.get("/authors/nina-dahl")
    assert reached == [], "the page was not kept"  # the control: it is kept now
    shared_cache.keys.clear()

    editor.post(
        f"/desk/authors/{author_id}",
        {"name": "Nina Dahl", "title": "historian", "bio": "Second bio."},
    )
    assert shared_cache.purged() == {f"author-{author_id}"}
    page = reader.get("/authors/nina-dahl").get_data(as_text=True)
    assert "Second bio." in page and "First bio." not in page


def test_l8_a_renamed_sections_old_address_leads_on_at_once(app, shared_cache, editor):
    editor.post("/desk/sections", {"name": "Debate"})
    editor.post(f"/desk/articles/{editor.write(headline='Kept piece')}/publish")
    with app.app_context():
        section_id = db.session.scalar(db.select(Section.id))
    reader = app.test_client()
    reader.get("/sections/debate")
    with requests_reaching_flask(app) as reached:
        assert "Kept piece" in reader.get("/sections/debate").get_data(as_text=True)
    assert reached == [], "the page was not kept"  # the control: it is kept now
    shared_cache.keys.clear()

    editor.post(f"/desk/sections/{section_id}", {"name": "Opinion", "confirmed": "Opinion"})
    assert {"section-debate", "section-opinion"} <= shared_cache.purged()
    assert reader.get("/sections/debate").location == "/sections/opinion"
