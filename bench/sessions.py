"""Logging benchmark users in over HTTP, as a browser would, and checking pages once.

Cookies are kept by hand: in production the session cookie is `Secure`, which a standard
cookie jar would refuse to send over the benchmark's plain-HTTP loopback connection.
"""

import http.client
import re
import urllib.parse
from dataclasses import dataclass

from bench.dataset import PASSWORD, SENTINEL

USER_AGENT = "newsroom-bench/1"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CSRF_FIELD = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


@dataclass(frozen=True)
class Response:
    status: int
    body: str
    cookies: dict[str, str]


@dataclass(frozen=True)
class Login:
    """A logged-in browser: the Cookie header to send and the CSRF token for fetch calls."""

    email: str
    cookie: str
    csrf: str


class Browser:
    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict | None = None
    ) -> Response:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            sent = {"User-Agent": USER_AGENT, **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", "replace")
            for header in raw.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if value and "max-age=0" not in header.lower():
                    self.cookies[name.strip()] = value
                else:
                    self.cookies.pop(name.strip(), None)
            return Response(raw.status, text, dict(self.cookies))
        finally:
            conn.close()

    def login(self, email: str) -> Login:
        page = self.request("GET", "/login")
        match = CSRF_FIELD.search(page.body) or CSRF_META.search(page.body)
        if match is None:
            raise RuntimeError("no CSRF token on /login")
        token = next(g for g in match.groups() if g)
        form = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
        answer = self.request(
            "POST",
            "/login",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if answer.status != 302:
            raise RuntimeError(f"login of {email} answered {answer.status}")
        front = self.request("GET", "/")
        meta = CSRF_META.search(front.body)
        if meta is None:
            raise RuntimeError("no csrf-token meta on the front page")
        # Only the session cookie: a request carrying it needs no remember-me round trip.
        session = {k: v for k, v in self.cookies.items() if k == "session"}
        cookie = "; ".join(f"{k}={v}" for k, v in session.items())
        return Login(email, cookie, meta.group(1))


def log_in_many(base: str, emails: list[str]) -> list[Login]:
    return [Browser(base).login(email) for email in emails]


def check_pages(base: str, locked_slug: str, subscriber: Login, gift_path: str) -> list[str]:
    """What each article scenario must see, checked once before measuring. Returns problems."""
    problems = []
    anonymous = Browser(base).request("GET", f"/articles/{locked_slug}")
    if anonymous.status != 200 or SENTINEL in anonymous.body:
        problems.append(f"anonymous locked page: status {anonymous.status} or body leaked")
    reader = Browser(base)
    reader.cookies["session"] = subscriber.cookie.partition("=")[2]
    full = reader.request("GET", f"/articles/{locked_slug}")
    if full.status != 200 or SENTINEL not in full.body:
        problems.append(f"subscriber locked page: status {full.status} or body missing")
    gift = Browser(base).request("GET", gift_path)
    if gift.status != 200 or SENTINEL not in gift.body:
        problems.append(f"gift link: status {gift.status} or body missing")
    return problems


def check_search(base: str, subscriber: Login, topic: str) -> list[str]:
    """A topic word is found by everyone; the sentinel only by a subscriber (K1)."""
    problems = []
    json_headers = {"Accept": "application/json"}
    found = Browser(base).request(
        "GET", f"/search?q={urllib.parse.quote(topic)}", None, json_headers
    )
    if found.status != 200 or '"count":0' in found.body.replace(" ", ""):
        problems.append(f"search for a topic word: status {found.status} or nothing found")
    leaked = Browser(base).request("GET", f"/search?q={SENTINEL}", None, json_headers)
    if leaked.status != 200 or '"count":0' not in leaked.body.replace(" ", ""):
        problems.append("anonymous search for the sentinel found something")
    reader = Browser(base)
    reader.cookies["session"] = subscriber.cookie.partition("=")[2]
    full = reader.request("GET", f"/search?q={SENTINEL}", None, json_headers)
    if full.status != 200 or '"count":0' in full.body.replace(" ", ""):
        problems.append("subscriber search for the sentinel found nothing")
    return problems


def route_exists(base: str, login: Login, path_template: str, slugs: list[str]) -> bool:
    """False when the route answers 404 for every slug tried (it is not built yet)."""
    browser = Browser(base)
    browser.cookies["session"] = login.cookie.partition("=")[2]
    headers = {"Accept": "application/json", "X-CSRFToken": login.csrf}
    for slug in slugs:
        answer = browser.request("POST", path_template.format(slug=slug), "", headers)
        if answer.status != 404:
            return True
    return False
