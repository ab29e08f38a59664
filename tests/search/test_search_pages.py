"""The search page as a reader pages through it (issue 24, item 11): words the index drops
still get an answer, a page past the last keeps the search with a way back, and the pages
say where the reader is in the order they chose."""

import pytest

from tests.search.test_search import make_indexed  # noqa: F401  (fixture)

DA = {"Accept-Language": "da"}


@pytest.fixture
def app_config():
    return {"SEARCH_PER_PAGE": 2}


@pytest.fixture
def five(make_indexed):  # noqa: F811
    for i in range(5):
        make_indexed(slug=f"vand-{i}", locked=False, body=f"Vand nummer {i}.")


@pytest.mark.parametrize(
    ("headers", "text"),
    [({}, "No articles match your search"), (DA, "Ingen artikler passer til din søgning")],
)
def test_search_a_word_too_long_to_search_says_nothing_matches(client, five, headers, text):
    response = client.get("/search", query_string={"q": "a" * 300}, headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert text in html
    assert 'data-search-count="0"' in html


def test_search_without_words_shows_only_the_form(client, five):
    html = client.get("/search").get_data(as_text=True)
    assert "data-search-count" not in html and "search__empty" not in html


@pytest.mark.parametrize(
    ("headers", "more", "back"),
    [
        ({}, "No more results.", "Back to the last page of results"),
        (DA, "Ikke flere resultater.", "Tilbage til den sidste side med resultater"),
    ],
)
def test_search_past_the_last_page_stays_on_the_search_with_a_way_back(
    client, five, headers, more, back
):
    response = client.get("/search?q=vand&page=4", headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "private" in response.headers["Cache-Control"]  # nothing for a cache to keep
    assert 'id="search-query"' in html and 'value="vand"' in html
    assert more in html
    assert f'<a href="/search?q=vand&amp;page=3">← {back}</a>' in html
    newest = client.get("/search?q=vand&order=newest&page=9").get_data(as_text=True)
    assert 'href="/search?q=vand&amp;order=newest&amp;page=3"' in newest
    # JSON keeps its plain answer.
    as_json = client.get("/search?q=vand&page=4", headers={"Accept": "application/json"})
    assert as_json.status_code == 404


def test_search_past_the_last_page_of_nothing_leads_back_to_the_search(client, five):
    html = client.get("/search?q=kvartsuret&page=2").get_data(as_text=True)
    assert '<a href="/search?q=kvartsuret">' in html


def pages_nav(html: str) -> str:
    return html.split("data-search-pages>", 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({}, ("Previous", "Next", "Page 2 of 3", "Newer", "Older")),
        (DA, ("Forrige", "Næste", "Side 2 af 3", "Nyere", "Ældre")),
    ],
)
def test_search_pages_name_their_direction_and_count(client, five, headers, words):
    previous, following, where, newer, older = words
    best = pages_nav(client.get("/search?q=vand&page=2", headers=headers).get_data(as_text=True))
    assert f"← {previous}</a>" in best and f"{following} →</a>" in best
    assert where in best
    assert newer not in best and older not in best
    newest = client.get("/search?q=vand&order=newest&page=2", headers=headers)
    nav = pages_nav(newest.get_data(as_text=True))
    assert f"← {newer}</a>" in nav and f"{older} →</a>" in nav
    assert where in nav
    assert previous not in nav


def test_search_json_says_how_many_pages(client, five):
    response = client.get("/search?q=vand", headers={"Accept": "application/json"})
    assert response.get_json()["pages"] == 3
