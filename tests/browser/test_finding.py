"""Finding articles in a real browser: section and author pages from the links on a card,
and the header's search box, in English and in Danish, with and without JavaScript."""

import pytest

from newsroom.extensions import db
from newsroom.models import Author
from tests.browser.conftest import log_in
from tests.helpers import PASSWORD, SENTINEL, locked_body
from tests.search.test_search import make_indexed  # noqa: F401  (fixture)


@pytest.fixture
def archive(app, make_indexed):  # noqa: F811
    make_indexed(
        slug="krisen-i-boligmarkedet",
        headline="Krisen i boligmarkedet er ikke ny",
        lead="Priserne stiger, men det gør lønningerne ikke.",
        section="Åbne spørgsmål",
        author="Jacob Johansen",
        author_title="boligøkonom",
        language="da",
        locked=True,
        body=locked_body(6),
    )
    make_indexed(
        slug="bussen-skal-vaere-hurtigere",
        headline="Bussen skal være hurtigere",
        lead="En krise i den kollektive trafik løses ikke med lavere priser.",
        section="Debat",
        author="Jacob Johansen",
        language="da",
        locked=False,
        body="Første afsnit om busser.\n\nAndet afsnit.",
    )
    with app.app_context():
        author = db.session.scalar(db.select(Author).where(Author.name == "Jacob Johansen"))
        author.bio = "Skriver om boliger og byer."
        db.session.commit()


def no_script_errors(page) -> list[str]:
    return [e for e in page.console_errors if not e.startswith("Failed to load resource")]


@pytest.mark.parametrize("javascript", [True, False])
def test_finding_section_and_author_pages_from_a_card(page_factory, archive, javascript):
    page = page_factory(java_script_enabled=javascript, locale="en-GB")
    page.goto("/")
    card = page.locator("article.card", has_text="Krisen i boligmarkedet")
    card.locator("a.section-name").click()
    page.wait_for_url("**/sections/abne-sporgsmal")
    assert page.locator("h1").inner_text().strip().lower() == "åbne spørgsmål"
    assert page.locator("article.card").count() == 1
    assert page.locator("article.card .lock").count() == 1

    page.locator("article.card a.author-name").click()
    page.wait_for_url("**/authors/jacob-johansen")
    assert page.locator("h1").inner_text() == "Jacob Johansen"
    assert "Skriver om boliger og byer." in page.locator(".author-page__bio").inner_text()
    assert page.locator("article.card").count() == 2
    assert no_script_errors(page) == []


@pytest.mark.parametrize("javascript", [True, False])
def test_finding_search_from_the_header_in_english(page_factory, archive, javascript):
    page = page_factory(java_script_enabled=javascript, locale="en-GB")
    page.goto("/articles/bussen-skal-vaere-hurtigere")
    page.fill("header input[name=q]", "krise")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=krise")
    assert "2 articles found" in page.locator(".search__count").inner_text()
    marks = page.locator(".search-result mark").all_inner_texts()
    assert "Krisen" in marks and "krise" in marks
    assert SENTINEL not in page.content()

    page.get_by_role("link", name="Newest first").click()
    page.wait_for_url("**order=newest")
    assert page.locator(".search-result").count() == 2
    assert no_script_errors(page) == []


def test_finding_search_in_danish_with_digital_plus(page_factory, archive, make_user):
    user = make_user(digital_plus=True)
    page = page_factory(locale="da-DK")
    log_in(page, user.email, PASSWORD)
    page.goto("/")
    assert page.locator("header button", has_text="Søg").count() == 1
    page.fill("header input[name=q]", "kvartsuret")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=kvartsuret")
    assert "1 artikel fundet" in page.locator(".search__count").inner_text()
    note = page.locator("[data-matched-locked-part]").inner_text()
    assert note == "Fundet i den del af artiklen, der kræver Digital+"
    assert no_script_errors(page) == []


def test_finding_search_in_danish_without_access_finds_no_locked_words(page_factory, archive):
    page = page_factory(locale="da-DK")
    page.goto("/search?q=kvartsuret")
    assert "0 artikler fundet" in page.locator(".search__count").inner_text()
    assert "Ingen artikler passer til din søgning" in page.content()
    page.goto("/search")
    page.fill("main input[name=q]", "bussen")
    page.press("main input[name=q]", "Enter")
    page.wait_for_url("**/search?q=bussen")
    assert page.locator(".search-result").count() == 1
    assert page.locator(".search-result h2 mark").inner_text() == "Bussen"
