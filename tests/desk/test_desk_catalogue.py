"""Sections and authors on the desk: editors list, add and edit them; text only, as at import."""

import pytest

from newsroom.extensions import db
from newsroom.models import Article, ArticleRevision, AuditEntry, Author, Section
from tests.helpers import rows


def section_rows(app) -> list[tuple[str, str, int]]:
    with app.app_context():
        found = db.session.scalars(db.select(Section).order_by(Section.position)).all()
        return [(s.name, s.slug, s.position) for s in found]


def author_named(app, name: str) -> Author | None:
    with app.app_context():
        found = db.session.scalar(db.select(Author).where(Author.name == name))
        if found is not None:
            db.session.expunge(found)
        return found


@pytest.mark.parametrize("path", ["/desk/sections", "/desk/authors"])
def test_sections_and_authors_are_for_editors_only(make_staff, contributor, client, path):
    assert contributor.get(path).status_code == 404
    assert contributor.post(path, {"name": "Sneaked in"}).status_code == 404
    assert make_staff(None).get(path).status_code == 404
    assert client.get(path).status_code == 404
    assert make_staff("admin").get(path).status_code == 200


def test_editor_adds_and_orders_sections(app, editor):
    assert editor.post("/desk/sections", {"name": "Economy", "position": "2"}).status_code == 303
    assert editor.post("/desk/sections", {"name": "Debate", "position": "1"}).status_code == 303
    assert editor.post("/desk/sections", {"name": "Culture"}).status_code == 303  # goes last
    assert section_rows(app) == [
        ("Debate", "debate", 1),
        ("Economy", "economy", 2),
        ("Culture", "culture", 3),
    ]
    page = editor.get("/desk/sections").get_data(as_text=True)
    assert page.index("Debate") < page.index("Economy") < page.index("Culture")
    form = editor.get("/desk/articles/new").get_data(as_text=True)
    assert '<option value="Debate"><option value="Economy"><option value="Culture">' in form


def test_a_section_name_is_taken_once_and_nothing_is_saved(app, editor):
    editor.post("/desk/sections", {"name": "Economy"})
    refused = editor.post("/desk/sections", {"name": "economy"})
    assert refused.status_code == 409
    assert "Nothing was saved" in refused.get_data(as_text=True)
    assert len(section_rows(app)) == 1


def test_renaming_a_section_renames_it_in_its_articles_as_a_revision(app, editor, client):
    article_id = editor.write(section="Econmy")
    editor.post(f"/desk/articles/{article_id}/publish")
    unlisted = editor.get("/desk/sections").get_data(as_text=True)
    assert "Econmy" in unlisted and "/desk/sections?name=Econmy" in unlisted
    editor.post("/desk/sections", {"name": "Econmy", "position": "1"})
    with app.app_context():
        section_id = db.session.scalar(db.select(Section.id))
    response = editor.post(
        f"/desk/sections/{section_id}", {"name": "Economy", "position": "4", "confirmed": "Economy"}
    )
    assert response.status_code == 303
    assert section_rows(app) == [("Economy", "economy", 4)]
    with app.app_context():
        article = db.session.get(Article, article_id)
        assert (article.section, article.section_slug) == ("Economy", "economy")
        newest = db.session.scalar(
            db.select(ArticleRevision).order_by(ArticleRevision.number.desc()).limit(1)
        )
        assert (newest.section, newest.by) == ("Economy", "Eva Editor")
    assert client.get("/sections/economy").status_code == 200
    assert client.get("/sections/econmy").location == "/sections/economy"


def section_id_named(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Section.id).where(Section.name == name))


def test_a_renamed_sections_old_address_and_feed_lead_to_the_new_one(app, editor, client):
    editor.post("/desk/sections", {"name": "Debate"})
    editor.post(f"/desk/articles/{editor.write(section='Debate')}/publish")
    debate = section_id_named(app, "Debate")
    editor.post(f"/desk/sections/{debate}", {"name": "Opinion", "confirmed": "Opinion"})

    moved = {
        "/sections/debate": "/sections/opinion",
        "/sections/debate?page=2": "/sections/opinion?page=2",
        "/sections/debate/feed.xml": "/sections/opinion/feed.xml",
        "/sections/debate?slug=x&_external=1&_anchor=y": "/sections/opinion",
    }
    for old, new in moved.items():
        response = client.get(old)
        assert (response.status_code, response.location) == (301, new), old
    assert client.get("/sections/opinion").status_code == 200
    assert client.get("/sections/opinion/feed.xml").status_code == 200
    assert client.get("/sections/nowhere").status_code == 404

    # Back to the first name: that address is the section's own again, the other leads to it.
    editor.post(f"/desk/sections/{debate}", {"name": "Debate", "confirmed": "Debate"})
    assert client.get("/sections/debate").status_code == 200
    assert client.get("/sections/opinion").location == "/sections/debate"


def article_sections(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(db.select(Article.section)))


@pytest.mark.parametrize(
    ("lang", "shown", "button"),
    [
        ("en", "changes the section of 2 articles, each as a new revision", "Rename in 2 articles"),
        ("da", "ændrer sektionen i 2 artikler, hver som en ny revision", "Omdøb i 2 artikler"),
    ],
)
def test_a_rename_is_shown_first_and_done_only_as_confirmed(app, editor, lang, shown, button):
    headers = {"Accept-Language": lang}
    editor.post("/desk/sections", {"name": "Debate", "position": "3"})
    for headline in ("One piece", "Another piece"):
        editor.write(headline=headline, section="Debate")
    debate = section_id_named(app, "Debate")

    asked = editor.post(f"/desk/sections/{debate}", {"name": "Opinion"}, headers=headers)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert shown in page and button in page
    assert "/sections/opinion" in page and "/sections/debate" in page
    assert 'name="confirmed" type="hidden" value="Opinion"' in page
    assert section_rows(app) == [("Debate", "debate", 3)]  # nothing saved yet
    assert article_sections(app) == ["Debate", "Debate"]

    # Confirmed for another name than the one now typed: asked again, nothing saved.
    again = editor.post(
        f"/desk/sections/{debate}", {"name": "Comment", "confirmed": "Opinion"}, headers=headers
    )
    assert again.status_code == 200 and 'type="hidden" value="Comment"' in again.get_data(
        as_text=True
    )
    assert section_rows(app) == [("Debate", "debate", 3)]

    done = editor.post(
        f"/desk/sections/{debate}", {"name": "Opinion", "confirmed": "Opinion"}, headers=headers
    )
    assert done.status_code == 303
    assert section_rows(app) == [("Opinion", "opinion", 3)]
    assert article_sections(app) == ["Opinion", "Opinion"]

    # Moving a section, or renaming one no article carries, is saved at once.
    assert (
        editor.post(f"/desk/sections/{debate}", {"name": "Opinion", "position": "1"}).status_code
        == 303
    )
    editor.post("/desk/sections", {"name": "Empty"})
    empty = section_id_named(app, "Empty")
    assert editor.post(f"/desk/sections/{empty}", {"name": "Vacant"}).status_code == 303
    assert section_rows(app) == [("Opinion", "opinion", 1), ("Vacant", "vacant", 2)]


@pytest.mark.parametrize(
    ("lang", "stays"),
    [
        ("en", "Its address stays /sections/debate."),
        ("da", "Dens adresse forbliver /sections/debate."),
    ],
)
def test_a_rename_that_keeps_the_address_says_so(app, editor, lang, stays):
    editor.post("/desk/sections", {"name": "Debate"})
    editor.write(section="Debate")
    asked = editor.post(
        f"/desk/sections/{section_id_named(app, 'Debate')}",
        {"name": "DEBATE"},
        headers={"Accept-Language": lang},
    )
    page = asked.get_data(as_text=True)
    assert stays in page and "data-rename-confirm" in page
    assert "will lead there" not in page and "fører derhen" not in page


def test_a_rename_to_a_taken_name_is_refused_before_any_confirming(app, editor):
    editor.post("/desk/sections", {"name": "Debate"})
    editor.post("/desk/sections", {"name": "Economy"})
    editor.write(section="Debate")
    refused = editor.post(f"/desk/sections/{section_id_named(app, 'Debate')}", {"name": "economy"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Nothing was saved" in page and "data-rename-confirm" not in page
    assert [name for name, _, _ in section_rows(app)] == ["Debate", "Economy"]


def test_a_new_section_takes_over_an_old_address(app, editor, client):
    editor.post("/desk/sections", {"name": "Debate"})
    editor.post(f"/desk/articles/{editor.write(section='Debate')}/publish")
    editor.post(
        f"/desk/sections/{section_id_named(app, 'Debate')}",
        {"name": "Opinion", "confirmed": "Opinion"},
    )
    assert client.get("/sections/debate").status_code == 301

    assert editor.post("/desk/sections", {"name": "Debate"}).status_code == 303
    assert client.get("/sections/debate").status_code == 404  # its own, and empty yet
    editor.post(f"/desk/articles/{editor.write(headline='New debate', section='Debate')}/publish")
    assert "New debate" in client.get("/sections/debate").get_data(as_text=True)


def test_editor_adds_and_edits_an_author_with_title_and_bio(app, editor, client):
    response = editor.post(
        "/desk/authors",
        {"name": "Mette Skov", "title": "economist", "bio": "Writes on <b>money</b>."},
    )
    assert response.status_code == 303
    author = author_named(app, "Mette Skov")
    assert (author.slug, author.title, author.bio) == (
        "mette-skov",
        "economist",
        "Writes on money.",
    )
    article_id = editor.write(author_name="Mette Skov")
    editor.post(f"/desk/articles/{article_id}/publish")
    assert "Writes on money." in client.get("/authors/mette-skov").get_data(as_text=True)

    response = editor.post(
        f"/desk/authors/{author.id}",
        {"name": "Mette Skov Berg", "title": "chief economist", "bio": "Writes on markets."},
    )
    assert response.status_code == 303
    renamed = author_named(app, "Mette Skov Berg")
    assert (renamed.id, renamed.slug, renamed.title) == (author.id, "mette-skov", "chief economist")
    page = client.get("/authors/mette-skov").get_data(as_text=True)
    assert "Writes on markets." in page and "Mette Skov Berg" in page
    byline = client.get("/articles/a-piece-for-the-desk").get_data(as_text=True)
    assert "Mette Skov Berg" in byline and "chief economist" in byline
    listing = editor.get("/desk/authors").get_data(as_text=True)
    assert "Mette Skov Berg" in listing and "/authors/mette-skov" in listing


def test_l3_author_name_title_and_bio_are_text_whatever_is_typed(app, editor, client):
    editor.post(
        "/desk/authors",
        {
            "name": "<script>alert(1)</script>Ada <i>Lund</i>",
            "title": "<img src=x onerror=alert(2)>critic",
            "bio": "<script>alert(3)</script>Reads <a href='javascript:alert(4)'>books</a>.",
        },
    )
    author = author_named(app, "Ada Lund")
    assert (author.title, author.bio) == ("critic", "Reads books.")
    page = editor.get("/desk/authors").get_data(as_text=True)
    assert "<script>alert" not in page and "onerror" not in page
    assert rows(app, AuditEntry) == 0  # not an audited action


def test_an_author_name_is_taken_once(app, editor):
    editor.post("/desk/authors", {"name": "Bo Lund"})
    editor.post("/desk/authors", {"name": "Bo Lindh"})
    other = author_named(app, "Bo Lindh")
    refused = editor.post(f"/desk/authors/{other.id}", {"name": "Bo Lund", "bio": "Kept?"})
    assert refused.status_code == 409
    assert author_named(app, "Bo Lindh").bio == ""
    assert editor.post("/desk/authors", {"name": "<b></b>"}).status_code == 409


def test_unknown_section_or_author_is_404(editor):
    assert editor.get("/desk/sections/999").status_code == 404
    assert editor.post("/desk/authors/999", {"name": "X"}).status_code == 404


def test_sections_and_authors_pages_speak_danish(editor):
    page = editor.get("/desk/authors", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Forfattere" in page and "Tilføj en forfatter" in page
    page = editor.get("/desk/sections", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Sektioner" in page and "Tilføj en sektion" in page


def author_id_named(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Author.id).where(Author.name == name))


@pytest.mark.parametrize(
    ("lang", "removed", "refused"),
    [
        ("en", "The section Econmy is removed.", "Some articles still use this"),
        ("da", "Sektionen Econmy er fjernet.", "Nogle artikler bruger den stadig"),
    ],
)
def test_a_section_no_article_carries_can_be_removed_one_in_use_cannot(
    app, editor, lang, removed, refused
):
    headers = {"Accept-Language": lang}
    editor.post("/desk/sections", {"name": "Debate"})
    editor.post("/desk/sections", {"name": "Econmy"})
    editor.write(section="Debate")
    debate, typo = section_id_named(app, "Debate"), section_id_named(app, "Econmy")
    assert "data-remove" not in editor.get(f"/desk/sections/{debate}").get_data(as_text=True)
    assert "data-remove" in editor.get(f"/desk/sections/{typo}").get_data(as_text=True)

    kept = editor.post(f"/desk/sections/{debate}/remove", headers=headers)
    assert kept.status_code == 409 and refused in kept.get_data(as_text=True)
    assert [name for name, _, _ in section_rows(app)] == ["Debate", "Econmy"]

    gone = editor.post(f"/desk/sections/{typo}/remove", headers=headers)
    assert gone.status_code == 303
    assert removed in editor.get("/desk/sections", headers=headers).get_data(as_text=True)
    assert [name for name, _, _ in section_rows(app)] == ["Debate"]
    assert editor.post(f"/desk/sections/{typo}/remove").status_code == 404


def test_an_author_with_no_article_can_be_removed_with_their_page(app, editor, client):
    editor.post("/desk/authors", {"name": "Nina Dahl", "title": "historian", "bio": "A bio."})
    editor.write(author_name="Ada Berg")
    nina, ada = author_id_named(app, "Nina Dahl"), author_id_named(app, "Ada Berg")
    assert client.get("/authors/nina-dahl").status_code == 200
    assert "data-remove" not in editor.get(f"/desk/authors/{ada}").get_data(as_text=True)

    assert editor.post(f"/desk/authors/{ada}/remove").status_code == 409
    assert author_id_named(app, "Ada Berg") == ada
    assert editor.post(f"/desk/authors/{nina}/remove").status_code == 303
    assert author_id_named(app, "Nina Dahl") is None
    assert client.get("/authors/nina-dahl").status_code == 404


def test_an_author_in_an_earlier_revision_stays(app, editor):
    article_id = editor.write(author_name="Nina Dahl")
    assert editor.save(article_id, 1, author_name="Ada Berg").status_code == 303
    nina = author_id_named(app, "Nina Dahl")
    assert "data-remove" not in editor.get(f"/desk/authors/{nina}").get_data(as_text=True)
    assert editor.post(f"/desk/authors/{nina}/remove").status_code == 409
    assert author_id_named(app, "Nina Dahl") == nina


@pytest.mark.parametrize("path", ["/desk/sections/1/remove", "/desk/authors/1/remove"])
def test_removing_is_for_editors_only(app, make_staff, contributor, path):
    make_staff("editor", name="Eva Editor").post("/desk/sections", {"name": "Econmy"})
    make_staff("editor", name="Eve Editor").post("/desk/authors", {"name": "Nina Dahl"})
    assert contributor.post(path).status_code == 404
    assert make_staff(None, name="Rita Reader").post(path).status_code == 404
    assert len(section_rows(app)) == 1
    assert author_id_named(app, "Nina Dahl") is not None
