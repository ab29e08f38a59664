"""The reader's way around the site in a real browser (issue 24, items 4, 8, 9, 11, 12, 13):
the header at desktop and phone width, with and without JavaScript, in English and Danish."""

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_gift_dialog import DESKTOP, MOBILE
from tests.helpers import PASSWORD
from tests.search.test_search import make_indexed  # noqa: F401  (fixture)

LOCALES = {"en": "en-GB", "da": "da-DK"}
TEXT = {
    "en": {"finder": "Sections and search", "subscribe": "Subscribe", "search": "Search"},
    "da": {"finder": "Sektioner og søgning", "subscribe": "Abonnér", "search": "Søg"},
}


def reader(page_factory, lang, viewport, javascript=True):
    return page_factory(locale=LOCALES[lang], viewport=viewport, java_script_enabled=javascript)


def script_errors(page) -> list[str]:
    return [e for e in page.console_errors if not e.startswith("Failed to load resource")]


@pytest.fixture
def front(make_indexed):  # noqa: F811
    """A front page of ordinary articles in three sections, leads of a usual length."""
    lead = "A lead of the usual length, two lines or so on a phone, about what the piece argues."
    for i, section in enumerate(["Debat", "Analyse", "Økonomi"] * 3):
        headline = f"A headline of ordinary length, number {i}"
        make_indexed(section=section, headline=headline, lead=lead, locked=False)


def headlines_on_first_screen(page) -> int:
    height = page.viewport_size["height"]
    shown = 0
    for box in (h.bounding_box() for h in page.locator(".card__headline").all()):
        if box and box["y"] + box["height"] <= height:
            shown += 1
    return shown


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "da"])
def test_phone_first_screen_shows_three_headlines_and_folds_search(
    page_factory, front, lang, javascript
):
    text = TEXT[lang]
    page = reader(page_factory, lang, MOBILE, javascript)
    page.goto("/")
    assert headlines_on_first_screen(page) >= 3
    finder = page.locator("details.site-finder")
    assert not finder.locator("input[name=q]").is_visible()
    assert not finder.locator(".section-bar").is_visible()
    finder.locator("summary", has_text=text["finder"]).click()
    assert finder.locator(".section-bar a").all_text_contents() == ["Analyse", "Debat", "Økonomi"]
    finder.locator("input[name=q]").fill("headline")
    finder.locator("input[name=q]").press("Enter")
    page.wait_for_url("**/search?q=headline")
    assert page.locator(".search-result").count() > 0
    assert script_errors(page) == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "da"])
def test_desktop_header_shows_sections_search_and_subscribe(
    page_factory, front, make_user, lang, javascript
):
    text = TEXT[lang]
    page = reader(page_factory, lang, DESKTOP, javascript)
    page.goto("/")
    header = page.locator("header.site-header")
    assert not header.locator("summary").is_visible()
    assert header.locator("input[name=q]").is_visible()
    header.locator(".section-bar a", has_text="Debat").click()
    page.wait_for_url("**/sections/debat")
    assert page.locator(".section-bar a[aria-current=page]").text_content() == "Debat"
    header.get_by_role("link", name=text["subscribe"], exact=True).click()
    page.wait_for_url("**/digital-plus?next=/sections/debat")

    log_in(page, make_user(digital_plus=True).email, PASSWORD)
    page.goto("/")
    assert header.get_by_role("link", name=text["subscribe"], exact=True).count() == 0
    assert script_errors(page) == []


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
@pytest.mark.parametrize("lang", ["en", "da"])
def test_bookmark_on_a_card_is_small_and_saves(page_factory, front, make_user, lang, viewport):
    page = reader(page_factory, lang, viewport)
    log_in(page, make_user(digital_plus=True).email, PASSWORD)
    page.goto("/")
    card = page.locator("article.card").first
    bookmark = card.locator("button.bookmark")
    box = bookmark.bounding_box()
    assert box["width"] <= 48 and box["height"] <= 48
    assert bookmark.get_attribute("aria-pressed") == "false"
    bookmark.click()
    page.locator("article.card").first.locator("button.bookmark[aria-pressed=true]").wait_for()
    assert script_errors(page) == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_locked_article_offers_digital_plus_not_giving(
    page_factory, make_article, viewport, javascript
):
    article = make_article(locked=True)
    page = reader(page_factory, "en", viewport, javascript)
    page.goto(f"/articles/{article.slug}")
    paywall = page.locator(".paywall")
    assert paywall.is_visible()
    assert page.locator("[data-gift-open]").count() == 0
    assert paywall.get_by_role("link", name="Terms of use").is_visible()
    assert paywall.get_by_role("link", name="Privacy and cookies").is_visible()
    share = page.locator("#share-heading").inner_text()
    assert share == "Share the article – relevant for others?"
    assert script_errors(page) == []


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
@pytest.mark.parametrize("lang", ["en", "da"])
def test_search_pages_and_the_way_back(page_factory, make_indexed, lang, viewport):  # noqa: F811
    for i in range(25):
        make_indexed(slug=f"vand-{i}", locked=False, body=f"Vand nummer {i}.")
    page = reader(page_factory, lang, viewport)
    page.goto("/search?q=vand&page=9")
    page.locator("[data-search-past] a").click()
    page.wait_for_url("**/search?q=vand&page=2")
    pages = page.locator("[data-search-pages]").inner_text()
    assert ("Page 2 of 2" if lang == "en" else "Side 2 af 2") in pages
    heading = page.locator("#search-heading")
    label = page.locator("label[for=search-query]")
    size = "el => parseFloat(getComputedStyle(el).fontSize)"
    assert heading.evaluate(size) > label.evaluate(size)
    page.goto("/search?q=" + "a" * 300)
    assert page.locator(".search__empty").is_visible()
    assert script_errors(page) == []


def test_favicon_is_served_to_the_browser(page_factory):
    page = reader(page_factory, "en", DESKTOP)
    page.goto("/contact")
    href = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_gift_link_box_keeps_its_margin(page_factory, make_article, viewport):
    article = make_article(locked=True)
    page = reader(page_factory, "en", viewport)
    page.goto(f"/articles/{article.slug}?gift=not-a-token")
    box = page.locator(".gift-note").bounding_box()
    header = page.locator(".article__header").bounding_box()
    assert header["y"] - (box["y"] + box["height"]) >= 12
