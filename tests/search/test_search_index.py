"""The search index's storage and contents: the tables each database gets from the
migrations, the slugs the migration fills for existing rows, and what each part holds."""

from sqlalchemy import inspect, text

from newsroom.core.clock import now
from newsroom.extensions import db
from newsroom.search import finding, indexing
from tests.conftest import POSTGRES_URL
from tests.test_migrations import (  # noqa: F401  (fixtures)
    empty_database_url,
    flask_db,
    migrated_app,
)

BEFORE_SEARCH = "5e15a4e452e1"


def table_names(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def test_migrations_make_and_remove_the_search_tables(migrated_app):  # noqa: F811
    flask_db(migrated_app, "upgrade")
    names = table_names(migrated_app)
    if POSTGRES_URL:
        assert "article_search" in names
        with migrated_app.app_context():
            indexes = {i["name"] for i in inspect(db.engine).get_indexes("article_search")}
        assert indexes == {"ix_article_search_public_vector", "ix_article_search_full_vector"}
    else:
        assert {"article_search_public", "article_search_full"} <= names
    flask_db(migrated_app, "downgrade", BEFORE_SEARCH)
    assert not {n for n in table_names(migrated_app) if n.startswith("article_search")}
    assert "articles" in table_names(migrated_app)


def test_migration_fills_slugs_for_existing_rows(migrated_app):  # noqa: F811
    flask_db(migrated_app, "upgrade", BEFORE_SEARCH)
    with migrated_app.app_context():
        db.session.execute(
            text(
                "INSERT INTO authors (id, name, title) VALUES "
                "(1, 'Jens Ørsted', 'økonom'), (2, 'Jens Orsted', 'jurist'), "
                "(3, 'Gunnel Åkerlund', '')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO articles (id, slug, section, kind, headline, lead, author_id,"
                " language, published_at, locked, is_published, teaser_html, rest_html,"
                " word_count, created_at, updated_at) VALUES"
                " (1, 'a', 'Åbne spørgsmål', 'commentary', 'Grundvandet', 'Lead.', 1, 'da',"
                " :t, true, true, '<p>Første afsnit.</p>', '<p>Kvartsuret.</p>', 3, :t, :t),"
                " (2, 'b', 'Debat', 'analysis', 'Havnen', 'Lead.', 3, 'sv',"
                " :t, false, true, '<p>Hamnen.</p>', '', 1, :t, :t)"
            ),
            {"t": now()},
        )
        db.session.commit()
        db.session.remove()
    flask_db(migrated_app, "upgrade")
    with migrated_app.app_context():
        authors = dict(db.session.execute(text("SELECT name, slug FROM authors")).all())
        sections = dict(db.session.execute(text("SELECT slug, section_slug FROM articles")).all())
        bios = set(db.session.scalars(text("SELECT bio FROM authors")))
    assert authors == {
        "Jens Ørsted": "jens-orsted",
        "Jens Orsted": "jens-orsted-2",
        "Gunnel Åkerlund": "gunnel-akerlund",
    }
    assert sections == {"a": "abne-sporgsmal", "b": "debat"}
    assert bios == {""}

    # The index starts empty; `newsroom reindex` fills it for the rows that were there.
    result = migrated_app.test_cli_runner().invoke(args=["newsroom", "reindex"])
    assert result.exit_code == 0, result.output
    with migrated_app.app_context():
        hits = finding.search(db.session, "grundvandet", now(), False, finding.BEST, 1, 10)
        assert [h.article.slug for h in hits.page.items] == ["a"]
        assert finding.search(db.session, "kvartsuret", now(), False, "best", 1, 10).count == 0
        assert finding.search(db.session, "kvartsuret", now(), True, "best", 1, 10).count == 1
        db.session.remove()


def test_plain_text_keeps_words_and_drops_markup():
    html = (
        '<p>Første <a href="https://x.example/?a>b">afsnit</a> &amp; mere</p>'
        "<ul><li>en</li><li>to</li></ul><h2>Titel</h2><p>sidste<br>linje</p>"
    )
    assert indexing.plain_text(html) == "Første afsnit & mere en to Titel sidste linje"


def test_document_public_part_of_a_locked_article_stops_at_its_first_paragraph():
    locked = indexing.document(
        1, "Rubrik", "Manchet", "Ada Berg", "da", True, "<p>Første.</p>", "<p>Låst.</p>"
    )
    assert "Låst" not in locked.public_body and "Første" in locked.public_body
    assert "Låst" in locked.full_body
    assert "Ada Berg" in locked.public_body and "Manchet" in locked.public_body
    free = indexing.document(
        1, "Rubrik", "Manchet", "Ada Berg", "da", False, "<p>Første.</p>", "<p>Fri.</p>"
    )
    assert "Fri" in free.public_body


def test_configuration_follows_the_article_language():
    assert indexing.configuration("da") == "danish"
    assert indexing.configuration("sv-FI") == "swedish"
    assert indexing.configuration("EN") == "english"
    assert indexing.configuration("ja") == "simple"
    assert indexing.stem("danish", "krisen") == indexing.stem("danish", "krise")
