"""The pages work under the Content-Security-Policy: no violation, no console error."""

from tests.browser.conftest import log_in
from tests.helpers import PASSWORD

# Recorded by the browser itself, so even violations that print nothing are caught.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def csp_page(page_factory):
    page = page_factory()
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def csp_console_errors(page) -> list[str]:
    """Console errors about the policy (the browser has no favicon to fetch: a 404 is fine)."""
    return [
        text
        for text in page.console_errors
        if "Content Security Policy" in text or "Refused to" in text
    ]


def test_public_pages_load_without_csp_violations(page_factory, live_server, make_article):
    article = make_article()
    page = csp_page(page_factory)
    for path in ("/", f"/articles/{article.slug}", "/login"):
        response = page.goto(path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        assert violations(page) == [], path
    assert csp_console_errors(page) == []


def test_gift_dialog_opens_without_csp_violations(page_factory, make_user, make_article):
    article = make_article()
    user = make_user(digital_plus=True)
    page = csp_page(page_factory)
    log_in(page, user.email, PASSWORD)
    page.goto(f"/articles/{article.slug}")
    page.click("[data-gift-open]")
    dialog = page.locator("[data-gift-dialog]")
    dialog.wait_for(state="visible")
    assert dialog.is_visible()
    assert violations(page) == []
    assert csp_console_errors(page) == []


def test_inline_script_is_blocked_and_reported(page_factory, live_server):
    """The control: the recorder does see a violation when there is one."""
    page = csp_page(page_factory)
    page.goto("/login")
    page.evaluate(
        """() => { const s = document.createElement("script");
        s.textContent = "window.__ran = true"; document.body.append(s); }"""
    )
    # Polled with evaluate: wait_for_function compiles its string in the page, which CSP refuses.
    for _ in range(100):
        if page.evaluate("window.__cspViolations.length > 0"):
            break
        page.wait_for_timeout(50)
    assert page.evaluate("window.__ran === undefined")
    assert csp_console_errors(page) != []
