"""axe-core over the site's pages and every gift dialog state, in English and Danish, at desktop
and phone width: no critical or serious violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from newsroom.extensions import db
from newsroom.models import User
from tests.browser.conftest import log_in
from tests.browser.test_gift_dialog import DESKTOP, DIALOG, MOBILE, give_now
from tests.helpers import BROWSER, PASSWORD, local_path

AXE = Axe()
LOCALES = {"en": "en-GB", "da": "da-DK"}
WIDTHS = [pytest.param(DESKTOP, id="desktop"), pytest.param(MOBILE, id="mobile")]


def serious(page) -> list[tuple]:
    violations = AXE.run(page).response["violations"]
    return [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("critical", "serious")
    ]


def reader(page_factory, lang, viewport, **options):
    return page_factory(locale=LOCALES[lang], viewport=viewport, user_agent=BROWSER, **options)


def check(page, found: dict, name: str) -> None:
    page.wait_for_load_state()
    problems = serious(page)
    if problems:
        found[name] = problems


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "da"])
def test_pages_have_no_serious_violation(page_factory, make_user, make_article, lang, viewport):
    locked = make_article(language="sv", kind="analysis", section="Analyse")
    free = make_article(locked=False)
    found: dict = {}

    anonymous = reader(page_factory, lang, viewport)
    for path in (
        "/",
        f"/articles/{locked.slug}",
        f"/articles/{free.slug}",
        "/login",
        "/register",
        "/contact",
        "/privacy",
        "/terms",
        "/digital-plus",
        f"/reading-list/offer?next=/articles/{locked.slug}",
        "/search?q=lead",
        f"/sections/{locked.section_slug}",
    ):
        anonymous.goto(path)
        check(anonymous, found, path)
    for path in ("/search?q=lead&page=9", "/search?q=" + "a" * 300):
        anonymous.goto(path)
        check(anonymous, found, path[:40])
    anonymous.goto("/")
    if viewport == MOBILE:  # the folded sections and search, opened
        anonymous.locator("details.site-finder summary").click()
        anonymous.locator(".section-bar").wait_for()
    check(anonymous, found, "sections and search")
    anonymous.goto(f"/articles/{locked.slug}")
    anonymous.goto(anonymous.locator("a.byline__name").first.get_attribute("href"))
    check(anonymous, found, "author page")
    anonymous.goto("/register")
    anonymous.fill("input[name=email]", "not-an-address")
    anonymous.fill("input[name=password]", "short")
    anonymous.click("main form button[type=submit]")
    anonymous.wait_for_selector("input[name=email][aria-invalid=true]")
    check(anonymous, found, "register with errors")

    subscriber = make_user(digital_plus=True)
    member = reader(page_factory, lang, viewport)
    log_in(member, subscriber.email, PASSWORD)
    member.goto(f"/articles/{locked.slug}/gift")
    member.locator("[data-state=intro] [data-gift-create]").click()
    member.locator("[data-state=given] [data-gift-url]").wait_for()
    link = local_path(member.locator("[data-state=given] [data-gift-url]").input_value())
    check(member, found, "gift page")
    for path in ("/account", "/reading-list", "/gifts"):
        member.goto(path)
        check(member, found, path)

    recipient = reader(page_factory, lang, viewport)
    recipient.goto(link)
    recipient.locator(".gift-banner").wait_for()
    check(recipient, found, "gift recipient")

    assert found == {}


def open_dialog(page, slug: str):
    page.goto(f"/articles/{slug}")
    page.locator("[data-gift-open]").click()
    page.locator(DIALOG).wait_for(state="visible")


def state(page, name: str):
    page.locator(f"{DIALOG} section[data-state={name}]").wait_for(state="visible")


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "da"])
def test_gift_dialog_states_have_no_serious_violation(
    app, page_factory, make_user, make_article, lang, viewport
):
    found: dict = {}
    locked = make_article()
    subscriber = make_user(digital_plus=True)
    page = reader(page_factory, lang, viewport)
    log_in(page, subscriber.email, PASSWORD)

    open_dialog(page, locked.slug)
    state(page, "intro")
    check(page, found, "intro")
    page.context.set_offline(True)
    state(page, "offline")
    check(page, found, "offline")
    page.context.set_offline(False)
    state(page, "intro")
    page.route("**/articles/*/gift", lambda route: route.fulfill(status=500, body="{}"))
    page.locator(f"{DIALOG} [data-state=intro] [data-gift-create]").click()
    state(page, "technical_error")
    check(page, found, "technical_error")
    page.unroute("**/articles/*/gift")

    open_dialog(page, locked.slug)
    state(page, "intro")
    page.locator(f"{DIALOG} [data-state=intro] [data-gift-create]").click()
    state(page, "given")
    check(page, found, "given")

    open_dialog(page, make_article(locked=False).slug)
    state(page, "free")
    check(page, found, "free")
    open_dialog(page, make_article(giftable=False).slug)
    state(page, "not_giftable")
    check(page, found, "not_giftable")

    for _ in range(4):
        give_now(app, subscriber, make_article())
    open_dialog(page, make_article().slug)
    state(page, "allowance_used")
    check(page, found, "allowance_used")

    # Readers who cannot read the article get no gift button under its paywall; the gift
    # page (the dialog without JavaScript) still answers them with the offer.
    anonymous = reader(page_factory, lang, viewport)
    anonymous.goto(f"/articles/{locked.slug}/gift")
    anonymous.locator("section[data-state=login_required]").wait_for()
    check(anonymous, found, "login_required")

    plain = reader(page_factory, lang, viewport)
    log_in(plain, make_user().email, PASSWORD)
    plain.goto(f"/articles/{locked.slug}/gift")
    plain.locator("section[data-state=digital_plus_required]").wait_for()
    check(plain, found, "digital_plus_required")

    assert found == {}


def test_the_check_finds_a_serious_violation(page_factory):
    page = page_factory()
    page.goto("/contact")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert any(rule == "image-alt" for rule, _impact, _nodes in serious(page))


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "da"])
def test_desk_pages_have_no_serious_violation(
    app, page_factory, make_user, make_article, lang, viewport
):
    article = make_article()
    admin = make_user(name="Ada Admin", verified=True)
    with app.app_context():
        db.session.get(User, admin.id).role = "admin"
        db.session.commit()
    found: dict = {}
    desk = reader(page_factory, lang, viewport)
    log_in(desk, admin.email, PASSWORD)
    for path in (
        "/desk",
        "/desk/articles/new",
        f"/desk/articles/{article.id}",
        f"/desk/articles/{article.id}/preview",
        f"/desk/articles/{article.id}/revisions",
        f"/desk/articles/{article.id}/delete",
        "/desk/audit",
        "/desk/sections",
        "/desk/authors",
        "/desk/staff",
    ):
        response = desk.goto(path)
        assert response.status == 200, path
        check(desk, found, path)
    desk.goto("/desk/articles/new")
    desk.locator("form[action='/desk/articles/new'] button[type=submit]").click()
    desk.locator("[aria-invalid=true]").first.wait_for()
    check(desk, found, "new article with errors")
    desk.goto(f"/desk/sections?name={article.section}")
    desk.locator("#section-form + form button[type=submit]").click()
    desk.locator("tr[data-section] a").first.click()
    desk.fill("input[name=name]", "Renamed")
    desk.locator("#section-form ~ form button[type=submit]").click()
    desk.locator("[data-rename-confirm]").wait_for()
    check(desk, found, "section rename to confirm")
    assert found == {}
