"""Search: stems in the site's languages, what each reader may search (K1), input that is
never syntax (K2), order, highlighting, JSON, and an index kept current by every change."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from newsroom.extensions import db
from newsroom.models import Article
from newsroom.search import finding, indexing
from tests.helpers import SENTINEL, locked_body, now_utc

NONSENSE = "Zqxwv vbnmq plokij"


@pytest.fixture
def make_indexed(app, make_article):
    """An article as the importer leaves it: stored and indexed."""

    def make(**fields) -> Article:
        article = make_article(**fields)
        with app.app_context():
            indexing.index_article(db.session, db.session.get(Article, article.id))
            db.session.commit()
        return article

    return make


@pytest.fixture
def registered_client(app, auth, client, make_user):
    auth.login(make_user().email)
    return client


def found(app, query: str, full_access: bool = False, order: str = finding.BEST, now=None):
    with app.app_context():
        results = finding.search(
            db.session, query, now or now_utc(), full_access, order, number=1, per_page=20
        )
        return [hit.article.slug for hit in results.page.items], results.count


def get_json(client, query: str, **params):
    response = client.get(
        "/search", query_string={"q": query, **params}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


# Words found by their stems, in each language of the site


@pytest.mark.parametrize(
    ("language", "written", "typed"),
    [
        ("da", "Krisen i sundhedsvæsenet er reel.", "krise"),
        ("da", "En krise kommer sjældent alene.", "krisen"),
        ("sv", "Lösenorden byts alldeles för ofta.", "lösenord"),
        ("en", "Housing policies rarely help first-time buyers.", "policy"),
        ("en", "The buses are running late again.", "run"),
    ],
)
def test_search_finds_words_by_their_stems(app, make_indexed, language, written, typed):
    make_indexed(slug="the-one", language=language, locked=False, body=written)
    make_indexed(slug="another", language=language, locked=False, body="Noget helt andet.")
    assert found(app, typed) == (["the-one"], 1)


def test_search_is_case_insensitive_and_keeps_danish_letters(app, make_indexed):
    make_indexed(slug="blaa", locked=False, body="Røntgenafdelingen har sine egne mål.")
    assert found(app, "RØNTGENAFDELINGEN")[0] == ["blaa"]
    assert found(app, "rontgenafdelingen")[0] == []


def test_search_needs_every_word(app, make_indexed):
    make_indexed(slug="both", locked=False, body="Vandet og landbruget hænger sammen.")
    make_indexed(slug="one", locked=False, body="Vandet stiger.")
    assert found(app, "vandet landbruget")[0] == ["both"]


def test_search_finds_stop_words_and_other_scripts(app, make_indexed):
    make_indexed(slug="the-port", locked=False, body="The port is rarely the bottleneck.")
    make_indexed(slug="nihongo", locked=False, language="ja", body="日本語 の 記事 です")
    assert found(app, "the port")[0] == ["the-port"]
    assert found(app, "記事")[0] == ["nihongo"]


def test_search_covers_headline_lead_and_byline(app, make_indexed):
    make_indexed(slug="h", locked=True, headline="Grundvandet svinder", lead="Kort.")
    make_indexed(slug="l", locked=True, lead="Kommunerne tøver med klimasikring.")
    make_indexed(slug="b", locked=True, author="Gunnel Åkerlund")
    assert found(app, "grundvandet")[0] == ["h"]
    assert found(app, "klimasikring")[0] == ["l"]
    assert found(app, "åkerlund")[0] == ["b"]


# K1: readers without access search only what they may read


@pytest.mark.parametrize("sentinel_words", [SENTINEL, "Kvartsuret", "kælderen baglæns"])
def test_search_sentinel_from_locked_body_gives_nothing_to_readers_without_access(
    app, make_indexed, sentinel_words
):
    for _ in range(3):
        make_indexed(locked=True, body=locked_body(6))
    assert found(app, sentinel_words, full_access=False) == ([], 0)
    assert found(app, sentinel_words, full_access=False) == found(app, NONSENSE)
    assert found(app, sentinel_words, full_access=True)[1] == 3


@pytest.mark.parametrize("reader", ["anonymous", "registered"])
def test_search_sentinel_over_http_same_count_as_nonsense(app, request, make_indexed, reader):
    client = request.getfixturevalue("client" if reader == "anonymous" else "registered_client")
    make_indexed(slug="deep", locked=True, body=locked_body(8))
    make_indexed(slug="free", locked=False, body="Kvartsuret står i et frit stykke.")
    sentinel = get_json(client, SENTINEL)
    nonsense = get_json(client, NONSENSE)
    assert sentinel["count"] == nonsense["count"] == 0
    assert sentinel["results"] == nonsense["results"] == []
    # One word of it that a free article also holds: only the free article is counted.
    word = get_json(client, "kvartsuret")
    assert [r["slug"] for r in word["results"]] == ["free"]
    assert word["count"] == 1
    page = client.get("/search", query_string={"q": "Kvartsuret"}).get_data(as_text=True)
    assert "baglæns" not in page
    assert 'data-search-count="1"' in page


def test_search_locked_word_count_is_the_same_as_when_it_was_never_written(app, make_indexed):
    """The count for a word that only locked parts hold equals the count in an archive
    where it never appears."""
    make_indexed(slug="public", locked=False, body="Grundvandet er fælles.")
    before = found(app, "grundvandet")
    make_indexed(slug="hidden", locked=True, body="Første afsnit.\n\nGrundvandet er fælles.")
    assert found(app, "grundvandet") == before == (["public"], 1)


def test_search_free_article_body_is_public(app, make_indexed):
    make_indexed(slug="free", locked=False, body=locked_body(5))
    assert found(app, "kvartsuret") == (["free"], 1)


def test_search_subscriber_sees_which_results_matched_in_the_locked_part(
    app, subscriber_client, make_indexed
):
    make_indexed(slug="deep", locked=True, body=locked_body(5))
    make_indexed(slug="teaser", locked=True, body="Kvartsuret i første afsnit.\n\nResten.")
    data = get_json(subscriber_client, "kvartsuret")
    flags = {r["slug"]: r["matched_locked_part"] for r in data["results"]}
    assert flags == {"deep": True, "teaser": False}
    assert data["count"] == 2
    page = subscriber_client.get("/search?q=kvartsuret").get_data(as_text=True)
    assert page.count("data-matched-locked-part") == 1


def test_search_reader_without_access_gets_no_locked_flag(client, make_indexed):
    make_indexed(slug="teaser", locked=True, body="Kvartsuret i første afsnit.\n\nResten.")
    data = get_json(client, "kvartsuret")
    assert [r["slug"] for r in data["results"]] == ["teaser"]
    assert "matched_locked_part" not in data["results"][0]


def test_search_highlights_only_public_text(subscriber_client, make_indexed):
    make_indexed(slug="deep", locked=True, body=locked_body(5))
    page = subscriber_client.get("/search?q=kvartsuret").get_data(as_text=True)
    assert SENTINEL not in page  # the result links to the article; it does not quote it


# K2: whatever is typed is words, never syntax

ODD_QUERIES = [
    "",
    "   ",
    '"',
    '""',
    '"krise',
    "krise*",
    "*",
    "-krise",
    "krise -",
    "krise OR vand",
    "OR",
    "AND NOT",
    "NEAR(krise vand, 2)",
    "krise NEAR vand",
    "headline:krise",
    "^krise",
    "{headline body}: krise",
    "(krise",
    "krise)",
    "krise & vand | !x <-> y",
    "'; DROP TABLE articles; --",
    "%",
    "_",
    "\\",
    "\x00",
    "krise" * 2_000,
    "a" * 10_000,
    "ord " * 2_500,
    "日本語の記事",
    "кризис жилья",
    "أزمة السكن",
    "संकट",
    "ꭰꭱꭲ",
    "🙂 🚲",
    "x\u200by\u202ez",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_search_odd_input_is_results_or_an_empty_page(client, make_indexed, query):
    make_indexed(slug="krise", locked=False, body="En krise og vand.")
    html = client.get("/search", query_string={"q": query})
    assert html.status_code == 200
    data = get_json(client, query)
    assert data["count"] == len(data["results"])


def test_search_operators_are_read_as_words(app, make_indexed):
    make_indexed(slug="or", locked=False, body="Krise or not.")
    make_indexed(slug="krise", locked=False, body="En krise.")
    # "OR" is the word "or", and "-" and "*" are nothing: both words must be there.
    assert found(app, "krise OR")[0] == ["or"]
    assert sorted(found(app, "-krise*")[0]) == ["krise", "or"]


def test_search_long_query_uses_its_first_words(app, make_indexed):
    make_indexed(slug="krise", locked=False, body="En krise.")
    assert finding.terms_of("krise " + "z" * 10_000) == ["krise"]
    assert len(finding.terms_of(" ".join(f"w{i}" for i in range(100)))) == finding.MAX_TERMS
    assert found(app, "krise " * 2_000)[0] == ["krise"]


def test_fts5_query_quotes_every_form():
    assert finding.fts5_query(["krisen"]) == '("krisen" OR "kris")'
    assert finding.fts5_query(["a", "b"]) == '("a") AND ("b")'


@settings(
    deadline=None,  # a shared machine must not fail a rule about values
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.text(max_size=300))
def test_search_any_text_never_fails(app, query):
    with app.app_context():
        for full_access in (False, True):
            results = finding.search(
                db.session, query, now_utc(), full_access, finding.BEST, number=1, per_page=5
            )
            assert results.count == len(results.page.items) == 0
        db.session.rollback()


# Order, pages, highlighting, JSON


def test_search_best_match_first_or_newest_first(app, make_indexed):
    now = now_utc()
    make_indexed(
        slug="headline-match",
        locked=False,
        headline="Grundvandet svinder",
        body="Et afsnit.",
        published_at=now - timedelta(days=3),
    )
    make_indexed(
        slug="body-match",
        locked=False,
        body="Et langt afsnit om mange ting, blandt andet grundvandet, marker og veje.",
        published_at=now - timedelta(days=1),
    )
    assert found(app, "grundvandet", order=finding.BEST)[0] == ["headline-match", "body-match"]
    assert found(app, "grundvandet", order=finding.NEWEST)[0] == ["body-match", "headline-match"]
    assert found(app, "grundvandet", order="anything")[0] == ["headline-match", "body-match"]


@pytest.fixture
def app_config():
    return {"SEARCH_PER_PAGE": 2}


def test_search_pages_and_past_the_last_page(client, make_indexed):
    for i in range(5):
        make_indexed(slug=f"vand-{i}", locked=False, body=f"Vand nummer {i}.")
    first = get_json(client, "vand")
    assert (first["count"], len(first["results"]), first["has_next"]) == (5, 2, True)
    last = get_json(client, "vand", page=3)
    assert (len(last["results"]), last["has_next"]) == (1, False)
    seen = {r["slug"] for p in (1, 2, 3) for r in get_json(client, "vand", page=p)["results"]}
    assert len(seen) == 5
    assert client.get("/search?q=vand&page=4").status_code == 404
    assert client.get("/search?q=vand&page=99999999999").status_code == 404
    assert client.get("/search?q=vand&page=abc").status_code == 404
    html = client.get("/search?q=vand&order=newest").get_data(as_text=True)
    assert "page=2" in html and "order=newest" in html


def test_highlight_marks_matching_words_and_escapes_the_rest():
    marked = finding.highlight("Krisen & <b>krise</b> i kriser", ["krise"], "da")
    assert str(marked) == (
        "<mark>Krisen</mark> &amp; &lt;b&gt;<mark>krise</mark>&lt;/b&gt; i <mark>kriser</mark>"
    )
    assert str(finding.highlight("<script>x</script>", ["script"], "en")) == (
        "&lt;<mark>script</mark>&gt;x&lt;/<mark>script</mark>&gt;"
    )


def test_search_page_highlights_and_escapes(client, make_indexed):
    make_indexed(
        slug="odd",
        locked=False,
        language="da",
        headline="Krisen <em>nu</em> & senere",
        lead="En lead om krise.",
        body="Første afsnit om kriser.",
    )
    html = client.get("/search?q=krise").get_data(as_text=True)
    assert "<mark>Krisen</mark> &lt;em&gt;nu&lt;/em&gt; &amp; senere" in html
    assert "En lead om <mark>krise</mark>." in html
    assert "Første afsnit om <mark>kriser</mark>." in html
    data = get_json(client, "krise")
    assert data["results"][0]["headline_html"].startswith("<mark>Krisen</mark> &lt;em&gt;")
    assert data["results"][0]["headline"] == "Krisen <em>nu</em> & senere"


def test_search_result_links_section_and_author_with_lock_mark(client, make_indexed):
    make_indexed(slug="x", locked=True, section="Åbne spørgsmål", author="Jacob Johansen")
    html = client.get("/search?q=opening").get_data(as_text=True)
    assert 'href="/sections/abne-sporgsmal"' in html
    assert 'href="/authors/jacob-johansen"' in html
    assert 'class="lock"' in html


def test_search_json_shape(client, make_indexed):
    make_indexed(slug="x", locked=True)
    data = get_json(client, "opening paragraph")
    assert set(data) == {"query", "terms", "order", "count", "page", "has_next", "pages", "results"}
    assert data["query"] == "opening paragraph"
    assert data["terms"] == ["opening", "paragraph"]
    result = data["results"][0]
    assert {"slug", "url", "headline", "lead", "locked", "headline_html", "excerpt_html"} <= set(
        result
    )
    assert "<mark>opening</mark>" in result["excerpt_html"]


def test_search_empty_query_shows_the_form(client):
    html = client.get("/search").get_data(as_text=True)
    assert 'name="q"' in html and "data-search-count" not in html
    assert get_json(client, "")["results"] == []


def test_header_has_a_search_box_on_every_page(client, make_indexed):
    make_indexed(slug="x", locked=False)
    for path in ("/", "/articles/x", "/login"):
        html = client.get(path).get_data(as_text=True)
        assert 'role="search"' in html and 'action="/search"' in html


def test_search_page_in_danish(client, make_indexed):
    make_indexed(slug="x", locked=False, body="Vand.")
    html = client.get("/search?q=vand", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "1 artikel fundet" in html
    assert "Søg" in html


# The index follows every change: re-import, lock, unpublish, time (I2)


def article_source(**overrides) -> str:
    fields = {
        "slug": "vandet",
        "title": "Vandet bliver landbrugets næste regnskab",
        "lead": "Landmænd skal snart gøre rede for vand.",
        "section": "Debat",
        "kind": "commentary",
        "author": "Mette Skov",
        "author_title": "landbrugsøkonom",
        "language": "da",
        "published_at": "2026-11-08T09:15:00+01:00",
        "locked": "true",
    }
    body = overrides.pop("body", "Første afsnit om grundvand.\n\nAndet afsnit om drænrør.\n")
    fields.update(overrides)
    return "---\n" + "\n".join(f"{k}: {v}" for k, v in fields.items()) + "\n---\n" + body


def import_text(app, tmp_path, text: str) -> None:
    from newsroom.articles import importing

    path = tmp_path / "article.md"
    path.write_text(text, encoding="utf-8")
    with app.app_context():
        report = importing.import_paths(db.session, [path], "Europe/Copenhagen")
        db.session.commit()
    assert not report.problems, report.problems


def test_search_import_indexes_and_reimport_replaces(app, tmp_path):
    import_text(app, tmp_path, article_source())
    assert found(app, "grundvand") == (["vandet"], 1)
    assert found(app, "drænrør") == ([], 0)
    assert found(app, "drænrør", full_access=True) == (["vandet"], 1)
    import_text(app, tmp_path, article_source(body="Første afsnit om marker.\n\nSøer.\n"))
    assert found(app, "grundvand", full_access=True) == ([], 0)
    assert found(app, "marker") == (["vandet"], 1)


def test_search_unlocking_makes_the_whole_body_searchable(app, tmp_path):
    import_text(app, tmp_path, article_source())
    import_text(app, tmp_path, article_source(locked="false"))
    assert found(app, "drænrør") == (["vandet"], 1)
    import_text(app, tmp_path, article_source(locked="true"))
    assert found(app, "drænrør") == ([], 0)


def test_search_unpublished_article_is_gone_for_everyone(app, tmp_path):
    import_text(app, tmp_path, article_source())
    import_text(app, tmp_path, article_source(published="false"))
    assert found(app, "grundvand", full_access=True) == ([], 0)
    import_text(app, tmp_path, article_source(published="true"))
    assert found(app, "grundvand") == (["vandet"], 1)


def test_search_future_article_appears_when_its_time_comes(app, tmp_path):
    when = now_utc() + timedelta(days=2)
    import_text(app, tmp_path, article_source(published_at=when.isoformat()))
    assert found(app, "grundvand", full_access=True) == ([], 0)
    later = when + timedelta(seconds=1)
    assert found(app, "grundvand", full_access=True, now=later) == (["vandet"], 1)


def test_search_article_moved_into_the_future_is_gone_at_once(app, client, tmp_path):
    import_text(app, tmp_path, article_source())
    assert get_json(client, "grundvand")["count"] == 1
    future = (now_utc() + timedelta(days=3)).isoformat()
    import_text(app, tmp_path, article_source(published_at=future))
    assert get_json(client, "grundvand")["count"] == 0


def test_reindex_rebuilds_the_index_from_the_articles(app, runner, make_article):
    make_article(slug="kept", locked=True, body=locked_body(4))
    make_article(slug="hidden", locked=False, is_published=False, body="Kvartsuret.")
    assert found(app, "opening") == ([], 0)  # made without the importer: not indexed yet
    result = runner.invoke(args=["newsroom", "reindex"])
    assert result.exit_code == 0, result.output
    assert "1 article(s) indexed" in result.output
    assert found(app, "opening") == (["kept"], 1)
    assert found(app, "kvartsuret", full_access=True) == (["kept"], 1)
    assert runner.invoke(args=["newsroom", "reindex"]).exit_code == 0
    assert found(app, "opening") == (["kept"], 1)


def test_search_index_rows_follow_the_articles(app, make_indexed):
    article = make_indexed(slug="x", locked=False)
    with app.app_context():
        row = db.session.get(Article, article.id)
        row.is_published = False
        indexing.index_article(db.session, row)
        db.session.commit()
        assert db.session.scalar(select(Article.id).where(Article.slug == "x")) == article.id
    assert found(app, "opening", full_access=True) == ([], 0)
