"""Writing, review, publication and revisions on the desk, over HTTP."""

import re
from datetime import timedelta

from newsroom.extensions import db
from newsroom.models import Article, ArticleRevision, AuditEntry
from tests.desk.conftest import PUBLIC_LISTINGS, article_form
from tests.helpers import rows

SECRET = "Nobody outside the desk may read this sentence yet"
BODY = f"The opening paragraph.\n\n{SECRET}."


def article(app, article_id: int) -> Article:
    with app.app_context():
        found = db.session.get(Article, article_id)
        db.session.expunge(found)
        return found


def public_surfaces(client, slug: str) -> list[str]:
    """Every public place an article could show up, read as an anonymous visitor."""
    paths = [
        *PUBLIC_LISTINGS,
        f"/articles/{slug}",
        f"/articles/{slug}?format=json",
        "/search?q=Nobody",
        "/search?q=Nobody&format=json",
    ]
    return [client.get(path).get_data(as_text=True) for path in paths]


def test_contributor_draft_through_review_to_publication(
    app, app_clock, contributor, editor, client
):
    article_id = contributor.write(body=BODY)
    assert contributor.post(f"/desk/articles/{article_id}/submit").status_code == 303
    assert article(app, article_id).state == "review"
    assert not any(SECRET in page for page in public_surfaces(client, "a-piece-for-the-desk"))
    assert editor.post(f"/desk/articles/{article_id}/publish").status_code == 303
    published = article(app, article_id)
    assert (published.state, published.is_published) == ("published", True)
    assert published.published_at == app_clock.now
    assert SECRET in client.get("/articles/a-piece-for-the-desk").get_data(as_text=True)


def test_contributor_cannot_publish_schedule_lock_or_see_others_work(
    app, contributor, editor, make_staff
):
    mine = contributor.write(body=BODY)
    theirs = editor.write(headline="The editor's own")
    for action in ("publish", "unpublish", "lock", "unlock"):
        assert contributor.post(f"/desk/articles/{mine}/{action}").status_code == 404
    assert (
        contributor.post(
            f"/desk/articles/{mine}/schedule", {"publish_at": "2030-01-01T08:00"}
        ).status_code
        == 404
    )
    assert article(app, mine).state == "draft"
    assert contributor.get(f"/desk/articles/{theirs}").status_code == 404
    assert contributor.save(theirs, base=1, headline="Taken over").status_code == 404
    assert contributor.get(f"/desk/articles/{theirs}/revisions").status_code == 404
    listing = contributor.get("/desk").get_data(as_text=True)
    assert "A piece for the desk" in listing and "The editor&#39;s own" not in listing
    other = make_staff("contributor", name="Other Writer")
    assert other.get(f"/desk/articles/{mine}").status_code == 404


def test_desk_list_filters_by_state_section_author_and_headline(editor):
    editor.write(headline="Alpha in Debate")
    second = editor.write(headline="Beta in Economy", section="Economy", author_name="Bo Lund")
    editor.post(f"/desk/articles/{second}/publish")
    page = editor.get("/desk?state=published").get_data(as_text=True)
    assert "Beta in Economy" in page and "Alpha in Debate" not in page
    assert "Alpha" not in editor.get("/desk?section=Economy").get_data(as_text=True)
    assert "Beta" not in editor.get("/desk?q=alpha").get_data(as_text=True)
    assert "Alpha" in editor.get("/desk?q=alpha&state=draft").get_data(as_text=True)


def test_l1_draft_review_scheduled_and_unpublished_are_on_no_public_surface(
    app, app_clock, editor, contributor, client
):
    draft = editor.write(headline="Draft piece", body=BODY)
    review = contributor.write(headline="Review piece", body=BODY)
    contributor.post(f"/desk/articles/{review}/submit")
    scheduled = editor.write(headline="Scheduled piece", body=BODY)
    assert (
        editor.post(
            f"/desk/articles/{scheduled}/schedule", {"publish_at": "2026-03-12T08:00"}
        ).status_code
        == 303
    )
    gone = editor.write(headline="Gone piece", body=BODY)
    editor.post(f"/desk/articles/{gone}/publish")
    editor.post(f"/desk/articles/{gone}/unpublish")
    assert article(app, gone).state == "unpublished"
    shown = editor.write(headline="Shown piece", body="The visible control paragraph.")
    editor.post(f"/desk/articles/{shown}/publish")
    for article_id in (draft, review, scheduled, gone):
        pages = public_surfaces(client, article(app, article_id).slug)
        assert not any(SECRET in page for page in pages), article_id
    assert "The visible control paragraph." in client.get("/").get_data(as_text=True) + client.get(
        "/articles/shown-piece"
    ).get_data(as_text=True)


def test_scheduled_article_appears_at_its_time_and_not_before(app, app_clock, editor, client):
    article_id = editor.write(headline="Morning piece", body=BODY)
    response = editor.post(
        f"/desk/articles/{article_id}/schedule", {"publish_at": "2026-03-12T08:00"}
    )
    assert response.status_code == 303
    row = article(app, article_id)
    assert row.published_at.isoformat() == "2026-03-12T07:00:00+00:00"  # Copenhagen is UTC+1
    assert "Scheduled" in editor.get(f"/desk/articles/{article_id}").get_data(as_text=True)
    app_clock.now = row.published_at - timedelta(seconds=1)
    assert client.get("/articles/morning-piece").status_code == 404
    app_clock.now = row.published_at + timedelta(seconds=1)
    assert client.get("/articles/morning-piece").status_code == 200


def test_schedule_in_the_past_is_refused(app, app_clock, editor):
    article_id = editor.write()
    response = editor.post(
        f"/desk/articles/{article_id}/schedule", {"publish_at": "2020-01-01T08:00"}
    )
    assert response.status_code == 409
    assert article(app, article_id).state == "draft"


def test_l3_markup_and_script_are_sanitised_on_save(app, editor):
    article_id = editor.write(
        headline="<script>alert(1)</script>Clean <b>headline</b>",
        lead="A lead <img src=x onerror=alert(1)>",
        body=(
            "Opening <script>alert(2)</script> paragraph.\n\n"
            "<iframe src=//evil></iframe>\n\n[x](javascript:alert(3))"
        ),
        author_name="<i>Ada</i> Berg",
    )
    row = article(app, article_id)
    assert row.headline == "Clean headline"
    assert "<" not in row.lead
    assert "<script" not in row.teaser_html + row.rest_html
    assert 'href="javascript' not in row.rest_html and "<iframe" not in row.rest_html
    preview = editor.get(f"/desk/articles/{article_id}/preview").get_data(as_text=True)
    assert "<script>alert" not in preview and "<iframe" not in preview


def test_l5_two_saves_from_the_same_revision_one_wins_the_other_keeps_its_text(
    app, editor, make_staff
):
    article_id = editor.write()
    second = make_staff("editor", name="Second Editor")
    first = editor.save(article_id, base=1, body="First editor's words.\n\nMore.")
    assert first.status_code == 303
    refused = second.save(article_id, base=1, body="Second editor's words.\n\nMore.")
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "First editor&#39;s words." in page and "Second editor&#39;s words." in page
    assert re.search(
        r'<input id="base_revision" name="base_revision" type="hidden" value="2">', page
    )
    with app.app_context():
        assert db.session.scalar(db.select(db.func.max(ArticleRevision.number))) == 2
    assert second.save(article_id, base=2, body="Merged.\n\nMore.").status_code == 303


def test_every_save_is_a_revision_and_any_two_compare_word_by_word(app, editor):
    article_id = editor.write(body="The old words stay.\n\nMore.")
    editor.save(article_id, base=1, body="The new words stay.\n\nMore.")
    page = editor.get(f"/desk/articles/{article_id}/revisions?a=1&b=2").get_data(as_text=True)
    assert "<del>old</del>" in page and "<ins>new</ins>" in page
    assert editor.post(f"/desk/articles/{article_id}/revisions/1/restore").status_code == 303
    with app.app_context():
        saved = db.session.scalars(
            db.select(ArticleRevision).order_by(ArticleRevision.number)
        ).all()
        assert [r.number for r in saved] == [1, 2, 3]
        assert saved[2].body == saved[0].body and saved[2].by == "Eva Editor"
    assert "old words" in article(app, article_id).teaser_html


def test_slug_follows_the_headline_until_publication(app, editor):
    article_id = editor.write(headline="First title")
    editor.save(article_id, base=1, headline="Second title", slug="")
    assert article(app, article_id).slug == "second-title"
    editor.post(f"/desk/articles/{article_id}/publish")
    editor.save(article_id, base=3, headline="Third title", slug="")
    assert article(app, article_id).slug == "second-title"


def test_audit_entries_for_each_action_with_before_and_after(app, editor):
    article_id = editor.write(headline="Audited")
    editor.post(f"/desk/articles/{article_id}/lock")
    editor.post(f"/desk/articles/{article_id}/unlock")
    editor.post(f"/desk/articles/{article_id}/publish")
    editor.post(f"/desk/articles/{article_id}/unpublish")
    editor.save(article_id, base=5, headline="Audited", giftable="")
    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [e.action for e in entries] == ["lock", "unlock", "publish", "unpublish", "giftable"]
        assert (
            entries[3].before["state"] == "published" and entries[3].after["state"] == "unpublished"
        )


def test_import_saves_a_revision_by_import(app, runner, tmp_path):
    source = tmp_path / "piece.md"
    source.write_text(
        "---\nslug: imported\ntitle: Imported\nlead: L\nsection: Debate\nkind: news\n"
        "author: Ada Berg\nauthor_title: t\nlanguage: en\npublished_at: 2026-01-01\n"
        "locked: false\n---\nBody.\n"
    )
    assert runner.invoke(args=["newsroom", "import", str(source)]).exit_code == 0
    assert runner.invoke(args=["newsroom", "import", str(source)]).exit_code == 0
    with app.app_context():
        saved = db.session.scalars(
            db.select(ArticleRevision).order_by(ArticleRevision.number)
        ).all()
        assert [(r.number, r.by, r.body) for r in saved] == [
            (1, "import", "Body.\n"),
            (2, "import", "Body.\n"),
        ]
    assert rows(app, Article) == 1


IMPORTED_BEFORE = "The text of this article was imported before the desk kept sources."


def test_article_without_a_source_keeps_its_text_and_says_why(app, editor, make_article):
    imported = make_article(slug="imported-long-ago", locked=False, headline="Old headline")
    text = (imported.teaser_html, imported.rest_html)
    page = editor.get(f"/desk/articles/{imported.id}").get_data(as_text=True)
    assert IMPORTED_BEFORE in page
    assert 'name="body"' not in page and 'name="headline"' in page
    danish = editor.get(f"/desk/articles/{imported.id}", headers={"Accept-Language": "da"})
    assert "Importér den igen én gang" in danish.get_data(as_text=True)

    refused = editor.save(
        imported.id, base=0, headline="New headline", body="Typed over everything."
    )
    assert refused.status_code == 409
    assert IMPORTED_BEFORE in refused.get_data(as_text=True)
    unchanged = article(app, imported.id)
    assert (unchanged.headline, unchanged.revision) == ("Old headline", 0)
    assert (unchanged.teaser_html, unchanged.rest_html) == text

    assert editor.save(imported.id, base=0, headline="New headline", body="").status_code == 303
    assert editor.post(f"/desk/articles/{imported.id}/lock").status_code == 303
    saved = article(app, imported.id)
    assert (saved.headline, saved.locked, saved.revision) == ("New headline", True, 2)
    assert (saved.teaser_html, saved.rest_html) == text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ArticleRevision.id))) == 0


def test_image_from_another_host_by_a_path_is_refused_like_at_import(app, editor):
    """The desk takes an image by the import's rule: //host/x is another site's, not a path."""
    response = editor.post("/desk/articles/new", article_form(image="//evil.example/x.jpg"))
    assert response.status_code == 422
    assert rows(app, Article) == 0
    assert editor.write(image="/static/img/piece.jpg") > 0
