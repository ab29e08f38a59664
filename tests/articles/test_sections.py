"""Section pages, section feeds and author pages: slugs, lists, links, bios, and 404s (K3)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from newsroom.articles import importing
from newsroom.core.slugs import slugify
from newsroom.extensions import db
from newsroom.models import Article, Author
from tests.helpers import SENTINEL, csrf_token, now_utc

TZ = "Europe/Copenhagen"


@pytest.fixture
def app_config():
    return {"ARTICLES_PER_PAGE": 2}


# Slugs


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Debat", "debat"),
        ("Jacob Johansen", "jacob-johansen"),
        ("Åbne spørgsmål", "abne-sporgsmal"),
        ("Ærø & Økonomi", "aero-okonomi"),
        ("Straße  der   Ideen", "strasse-der-ideen"),
        ("Łódź -- Kraków", "lodz-krakow"),
        ("Café crème", "cafe-creme"),
        ("  Kultur & debat 2026 ", "kultur-debat-2026"),
    ],
)
def test_slugify_follows_the_article_slug_rule_folded_to_ascii(name, slug):
    assert slugify(name) == slug
    assert importing.SLUG.fullmatch(slugify(name))


def test_slugify_name_without_latin_letters_gets_a_stable_digest():
    assert slugify("日本") == slugify("日本")
    assert slugify("日本") != slugify("中国")
    assert importing.SLUG.fullmatch(slugify("日本"))
    assert importing.SLUG.fullmatch(slugify("ж" * 300))


def test_slugify_long_name_is_cut_without_a_trailing_hyphen():
    slug = slugify("a" * 79 + " b" * 20)
    assert len(slug) <= 80 and not slug.endswith("-")


def source(**overrides) -> str:
    fields = {
        "slug": "havnen-er-sjaeldent-flaskehalsen",
        "title": "Havnen er sjældent flaskehalsen",
        "lead": "Papirerne er.",
        "section": "Åbne spørgsmål",
        "kind": "commentary",
        "author": "Jacob Johansen",
        "author_title": "havnerådgiver",
        "language": "da",
        "published_at": "2026-11-08T09:15:00+01:00",
        "locked": "true",
    }
    fields.update(overrides)
    body = "Første afsnit.\n\nAndet afsnit.\n"
    return "---\n" + "\n".join(f"{k}: {v}" for k, v in fields.items()) + "\n---\n" + body


def run_import(app, tmp_path, *texts: str) -> importing.ImportReport:
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"a{i}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    with app.app_context():
        report = importing.import_paths(db.session, paths, TZ)
        db.session.commit()
    return report


def author_row(app, name: str) -> Author:
    with app.app_context():
        return db.session.scalar(select(Author).where(Author.name == name))


def test_import_makes_section_and_author_slugs(app, tmp_path):
    run_import(app, tmp_path, source())
    with app.app_context():
        article = db.session.scalar(select(Article))
        assert article.section_slug == "abne-sporgsmal"
        assert article.author.slug == "jacob-johansen"


def test_import_author_slug_stays_when_the_name_is_reused(app, tmp_path):
    run_import(app, tmp_path, source())
    run_import(app, tmp_path, source(slug="another", author_title="ny titel"))
    assert author_row(app, "Jacob Johansen").slug == "jacob-johansen"


def test_import_authors_whose_names_fold_alike_get_distinct_slugs(app, tmp_path):
    run_import(
        app,
        tmp_path,
        source(slug="one", author="Jens Ørsted"),
        source(slug="two", author="Jens Orsted"),
        source(slug="three", author="Jens  Ørsted!"),
    )
    slugs = {author_row(app, n).slug for n in ("Jens Ørsted", "Jens Orsted", "Jens  Ørsted!")}
    assert slugs == {"jens-orsted", "jens-orsted-2", "jens-orsted-3"}


def test_import_section_slug_follows_a_changed_section(app, tmp_path):
    run_import(app, tmp_path, source())
    run_import(app, tmp_path, source(section="Debat"))
    with app.app_context():
        assert db.session.scalar(select(Article.section_slug)) == "debat"


def test_import_author_bio_is_set_kept_and_replaced(app, tmp_path):
    run_import(app, tmp_path, source(author_bio='"Skriver om havne og <told>."'))
    assert author_row(app, "Jacob Johansen").bio == "Skriver om havne og <told>."
    run_import(app, tmp_path, source(slug="two"))  # no author_bio: the bio stays
    assert author_row(app, "Jacob Johansen").bio == "Skriver om havne og <told>."
    run_import(app, tmp_path, source(author_bio="Ny bio."))
    assert author_row(app, "Jacob Johansen").bio == "Ny bio."


@pytest.mark.parametrize(
    ("value", "problem"),
    [("[1, 2]", "must be text"), ("x" * 1001, "longer than 1000 characters")],
)
def test_import_bad_author_bio_is_reported_and_nothing_written(app, tmp_path, value, problem):
    report = run_import(app, tmp_path, source(author_bio=value))
    assert [(p.field, p.message) for p in report.problems] == [("author_bio", problem)]
    assert author_row(app, "Jacob Johansen") is None


# Section pages


@pytest.fixture
def debate(make_article):
    """Three visible Debate articles (newest first: d1, d2, d3), one elsewhere, one future
    and one unpublished."""
    now = now_utc()
    for i in (1, 2, 3):
        make_article(
            slug=f"d{i}",
            section="Debat",
            headline=f"Debat nummer {i}",
            published_at=now - timedelta(hours=i),
            locked=i == 1,
            kind="commentary" if i == 1 else "analysis",
        )
    make_article(slug="other", section="Økonomi")
    make_article(slug="later", section="Debat", published_at=now + timedelta(days=1))
    make_article(slug="hidden", section="Debat", is_published=False)


def test_section_page_lists_its_visible_articles_newest_first(client, debate):
    html = client.get("/sections/debat").get_data(as_text=True)
    assert "<h1" in html and "Debat</h1>" in html
    assert html.index("/articles/d1") < html.index("/articles/d2")
    for absent in ("/articles/d3", "/articles/other", "/articles/later", "/articles/hidden"):
        assert absent not in html
    assert 'class="lock"' in html  # d1 is locked
    assert "tag--commentary" in html and ">Analysis<" in html
    assert 'rel="next" href="/sections/debat?page=2"' in html


def test_section_page_two_and_past_the_last(client, debate):
    html = client.get("/sections/debat?page=2").get_data(as_text=True)
    assert "/articles/d3" in html and "/articles/d1" not in html
    assert client.get("/sections/debat?page=3").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/sections/nope",
        "/sections/Debat",
        "/sections/debat?page=0",
        "/sections/debat?page=-1",
        "/sections/debat?page=abc",
        "/sections/debat?page=10001",
        "/sections/debat?page=99999999999999999999999",
        "/sections/" + "x" * 2_000,
        "/sections/nope/feed.xml",
        "/authors/nope",
        "/authors/ada-berg?page=3",
        "/authors/ada-berg?page=99999999999999999999999",
        "/authors/ada-berg?page=abc",
    ],
)
def test_unknown_sections_authors_and_pages_are_404(client, debate, path):
    response = client.get(path)
    assert response.status_code == 404
    assert SENTINEL not in response.get_data(as_text=True)


def test_section_with_only_future_articles_is_404_until_they_appear(client, make_article):
    make_article(slug="soon", section="Snart", published_at=now_utc() + timedelta(hours=1))
    assert client.get("/sections/snart").status_code == 404
    assert client.get("/sections/snart/feed.xml").status_code == 404


def test_section_page_shows_only_public_text(client, debate):
    for path in ("/sections/debat", "/sections/debat/feed.xml", "/authors/ada-berg"):
        text = client.get(path).get_data(as_text=True)
        assert SENTINEL not in text and "Middle paragraph" not in text


def test_section_page_in_danish(client, debate):
    html = client.get("/sections/debat", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Feed for denne sektion" in html and '<html lang="da">' in html


# Section feeds


def test_section_feed_is_atom_with_the_sections_articles(client, debate):
    response = client.get("/sections/debat/feed.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    xml = response.get_data(as_text=True)
    assert "<title>Newsroom: Debat</title>" in xml
    assert 'href="http://newsroom.test/sections/debat/feed.xml"' in xml
    assert xml.count("<entry") == 3
    assert "/articles/other" not in xml and "/articles/later" not in xml


@pytest.mark.parametrize("path", ["/sections/debat/feed.xml", "/feed.xml"])
def test_feeds_set_no_cookie_even_for_a_reader_with_a_session(client, debate, path):
    csrf_token(client)  # a session from an earlier page, which the next request would renew
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"].startswith("public")
    # The session itself is untouched: the next page still has it.
    assert csrf_token(client)


def test_section_page_links_its_feed(client, debate):
    html = client.get("/sections/debat").get_data(as_text=True)
    assert 'type="application/atom+xml"' in html and "/sections/debat/feed.xml" in html


# Author pages


def test_author_page_shows_title_bio_and_their_articles(app, client, make_article):
    make_article(slug="mine", author="Gunnel Åkerlund", author_title="it-säkerhetsexpert")
    make_article(slug="theirs", author="Someone Else")
    with app.app_context():
        author = db.session.scalar(select(Author).where(Author.name == "Gunnel Åkerlund"))
        author.bio = "Skriver om <säkerhet> & vardag."
        db.session.commit()
    html = client.get("/authors/gunnel-akerlund").get_data(as_text=True)
    assert "Gunnel Åkerlund</h1>" in html
    assert "it-säkerhetsexpert" in html
    assert "Skriver om &lt;säkerhet&gt; &amp; vardag." in html
    assert "/articles/mine" in html and "/articles/theirs" not in html


def test_author_page_without_bio_or_visible_articles(client, make_article):
    make_article(slug="soon", author="Ny Skribent", published_at=now_utc() + timedelta(days=1))
    response = client.get("/authors/ny-skribent")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "author-page__bio" not in html and "/articles/soon" not in html


def test_author_page_paginates(client, make_article):
    for i in range(3):
        make_article(slug=f"a{i}", author="Mette Skov")
    assert "/articles/a2" in client.get("/authors/mette-skov?page=2").get_data(as_text=True)
    assert client.get("/authors/mette-skov?page=3").status_code == 404


# Links from every section label and byline


def test_front_page_cards_link_section_and_author(client, make_article):
    make_article(slug="x", section="Åbne spørgsmål", author="Jacob Johansen")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/sections/abne-sporgsmal"' in html
    assert 'href="/authors/jacob-johansen"' in html


def test_article_page_links_section_and_byline(client, make_article):
    make_article(slug="x", section="Åbne spørgsmål", author="Jacob Johansen")
    html = client.get("/articles/x").get_data(as_text=True)
    assert '<a class="section-name" href="/sections/abne-sporgsmal">' in html
    assert '<a class="byline__name" href="/authors/jacob-johansen">' in html


def test_reading_list_links_section_and_author(auth, client, make_user, make_article):
    make_article(slug="x", section="Åbne spørgsmål", author="Jacob Johansen")
    auth.login(make_user(digital_plus=True).email)
    assert auth.post("/reading-list/x", json=True).status_code in (200, 201)
    html = client.get("/reading-list").get_data(as_text=True)
    assert 'href="/sections/abne-sporgsmal"' in html
    assert 'href="/authors/jacob-johansen"' in html


def test_section_page_shows_a_subscribers_saved_state(auth, client, make_user, debate):
    auth.login(make_user(digital_plus=True).email)
    auth.post("/reading-list/d1", json=True)
    html = client.get("/sections/debat").get_data(as_text=True)
    assert 'aria-pressed="true"' in html and 'aria-pressed="false"' in html
