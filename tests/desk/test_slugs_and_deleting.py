"""A slug changed after publication keeps the old address leading to the new one (301), and
deleting an article: editors only, after a confirmation, never while readers can see it."""

from newsroom.extensions import db
from newsroom.models import Article, ArticleRevision, AuditEntry, OldSlug, PreviewLink
from tests.desk.conftest import article_form
from tests.helpers import rows


def audit(app) -> list[tuple]:
    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(e.action, e.article_slug, e.before, e.after) for e in entries]


def published(editor, headline: str = "The first title", **fields) -> int:
    article_id = editor.write(headline=headline, **fields)
    assert editor.post(f"/desk/articles/{article_id}/publish").status_code == 303
    return article_id


def test_slug_changed_after_publication_redirects_the_old_address(app, app_clock, editor, client):
    article_id = published(editor)
    assert client.get("/articles/the-first-title").status_code == 200
    response = editor.save(article_id, base=2, slug="a-better-address")
    assert response.status_code == 303
    moved = client.get("/articles/the-first-title")
    assert moved.status_code == 301
    assert moved.headers["Location"] == "/articles/a-better-address"
    assert moved.headers["Cache-Control"] == "private, no-store"
    assert client.get("/articles/the-first-title?format=json").headers["Location"] == (
        "/articles/a-better-address?format=json"
    )
    assert client.get("/articles/a-better-address").status_code == 200
    assert audit(app)[-1] == (
        "slug",
        "a-better-address",
        {"slug": "the-first-title"},
        {"slug": "a-better-address"},
    )

    editor.save(article_id, base=3, slug="third-address")
    for old in ("the-first-title", "a-better-address"):
        assert client.get(f"/articles/{old}").headers["Location"] == "/articles/third-address"
    editor.save(article_id, base=4, slug="the-first-title")  # back to where it began
    assert client.get("/articles/the-first-title").status_code == 200
    assert client.get("/articles/third-address").headers["Location"] == "/articles/the-first-title"
    with app.app_context():
        assert sorted(db.session.scalars(db.select(OldSlug.slug))) == [
            "a-better-address",
            "third-address",
        ]


def test_an_old_address_is_not_given_to_another_article(app, editor):
    article_id = published(editor)
    editor.save(article_id, base=2, slug="renamed")
    response = editor.post(
        "/desk/articles/new",
        {
            **article_form(),
            "slug": "the-first-title",
        },
    )
    assert response.status_code == 409
    assert rows(app, Article) == 1


def test_an_old_address_of_an_unpublished_article_leads_nowhere(app, editor, client):
    article_id = published(editor)
    editor.save(article_id, base=2, slug="renamed")
    editor.post(f"/desk/articles/{article_id}/unpublish")
    gone = client.get("/articles/the-first-title")
    assert gone.status_code == 404 and "renamed" not in gone.headers.get("Location", "")


def test_contributor_cannot_change_a_published_slug(app, contributor, editor):
    article_id = contributor.write(headline="The first title")
    contributor.post(f"/desk/articles/{article_id}/submit")
    editor.post(f"/desk/articles/{article_id}/publish")
    assert contributor.save(article_id, base=3, slug="taken-over").status_code == 404
    with app.app_context():
        assert db.session.get(Article, article_id).slug == "the-first-title"


def test_delete_asks_first_then_removes_the_article_and_audits_it(app, editor):
    article_id = editor.write(headline="A draft to drop")
    editor.post(f"/desk/articles/{article_id}/preview-links")
    confirm = editor.get(f"/desk/articles/{article_id}/delete")
    assert confirm.status_code == 200
    assert "This cannot be undone." in confirm.get_data(as_text=True)
    assert rows(app, Article) == 1  # asking deletes nothing
    response = editor.post(f"/desk/articles/{article_id}/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/desk"
    assert (rows(app, Article), rows(app, ArticleRevision), rows(app, PreviewLink)) == (0, 0, 0)
    assert audit(app)[-1] == (
        "delete",
        "a-draft-to-drop",
        {"slug": "a-draft-to-drop", "headline": "A draft to drop", "state": "draft"},
        None,
    )
    assert editor.get(f"/desk/articles/{article_id}").status_code == 404


def test_a_published_article_is_unpublished_before_it_is_deleted(app, editor, client):
    article_id = published(editor, body="Opening.\n\nDeleted words.")
    confirm = editor.get(f"/desk/articles/{article_id}/delete").get_data(as_text=True)
    assert "Unpublish it first" in confirm
    refused = editor.post(f"/desk/articles/{article_id}/delete")
    assert refused.status_code == 409
    assert "Unpublish it first" in refused.get_data(as_text=True)
    assert rows(app, Article) == 1
    assert client.get("/articles/the-first-title").status_code == 200
    editor.post(f"/desk/articles/{article_id}/unpublish")
    assert editor.post(f"/desk/articles/{article_id}/delete").status_code == 303
    assert rows(app, Article) == 0
    assert "Deleted words" not in client.get("/search?q=deleted").get_data(as_text=True)
    actions = [entry[0] for entry in audit(app)]
    assert actions == ["publish", "unpublish", "delete"]


def test_l2_contributors_delete_nothing(app, contributor):
    article_id = contributor.write()
    assert contributor.get(f"/desk/articles/{article_id}/delete").status_code == 404
    assert contributor.post(f"/desk/articles/{article_id}/delete").status_code == 404
    assert rows(app, Article) == 1
