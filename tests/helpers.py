"""What tests share beyond fixtures: the test password and sentinel, logging in and posting
with the CSRF token as the site's script does, and the gift steps (give over HTTP, open as a
browser or a bot)."""

import re
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from newsroom.core import clock
from newsroom.extensions import db
from newsroom.models import Gift

FAST_HASH = "scrypt:1024:8:1"  # production uses n=2**17; tests need speed, not strength
PASSWORD = "Correct-horse-42"
SENTINEL = "Kvartsuret i kælderen tæller baglæns"  # deep in every locked test body
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
GIFT_MARK = re.compile(r'data-gift-mark="([^"]+)"')


def locked_body(paragraphs: int = 4) -> str:
    """A body whose first paragraph is public and whose last paragraph holds the sentinel."""
    parts = ["The opening paragraph anyone may read."]
    parts += [f"Middle paragraph number {i} for subscribers." for i in range(1, paragraphs - 1)]
    parts.append(f"Deep in the piece: {SENTINEL}.")
    return "\n\n".join(parts)


def csrf_token(client, path: str | None = None) -> str:
    """The token a browser would read from a page's <meta name="csrf-token">: by default
    the front page's for a logged-in reader, the login page's for anyone else (a public
    page carries no reader's token)."""
    for tried in [path] if path else ["/", "/login"]:
        response = client.get(tried)
        match = CSRF_META.search(response.get_data(as_text=True))
        if match:
            return match[1]
    raise AssertionError(f"no csrf meta tag on {path or '/ or /login'}")


class Auth:
    def __init__(self, client) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD, next_url: str = ""):
        token = csrf_token(self.client, "/login")
        data = {"email": email, "password": password, "csrf_token": token}
        if next_url:
            data["next"] = next_url
        return self.client.post("/login", data=data)

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": csrf_token(self.client)})

    def post(self, path: str, json: bool = False, **kwargs):
        """A state-changing request carrying the CSRF token the way the site's script does."""
        headers = {"X-CSRFToken": csrf_token(self.client)}
        if json:
            headers["Accept"] = "application/json"
        headers.update(kwargs.pop("headers", {}))
        return self.client.post(path, headers=headers, **kwargs)


def now_utc() -> datetime:
    """The app's "now": the wall clock, or the instant a test's app_clock holds."""
    return clock.now()


SITE = "http://newsroom.test"
JSON = {"Accept": "application/json"}
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
BOTS = [
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "WhatsApp/2.23.20.0",
    "Mozilla/5.0 (compatible; Microsoft Office/16.0; ms-office)",
    "TelegramBot (like TwitterBot)",
    "",
]


def gift_path(article) -> str:
    return f"/articles/{article.slug}/gift"


def local_path(url: str) -> str:
    assert url.startswith(SITE + "/")
    return url.removeprefix(SITE)


def give(auth, article, **form):
    """The dialog's request: JSON back, form fields (note) in the body."""
    return auth.post(gift_path(article), json=True, data=form)


def open_as(client, link: str, user_agent: str = BROWSER, **kwargs):
    """Fetch a gift link as `user_agent` would: that alone counts no open."""
    return client.get(link, headers={"User-Agent": user_agent}, **kwargs)


def gift_mark(response) -> str | None:
    """The mark a gift page's script posts back once the page is shown."""
    found = GIFT_MARK.search(response.get_data(as_text=True))
    return found.group(1) if found else None


def show_as(client, link: str, user_agent: str = BROWSER, read: bool = False, **kwargs):
    """A person's browser with JavaScript: the gift page, then its script's word that the
    page was shown (and with `read`, that its end was reached). Returns the page."""
    response = open_as(client, link, user_agent, **kwargs)
    mark = gift_mark(response)
    if mark is not None:
        data = {"mark": mark, **({"read": "1"} if read else {})}
        client.post("/g/shown", data=data, headers={"User-Agent": user_agent}, **kwargs)
    return response


def only_gift(app) -> Gift:
    with app.app_context():
        return db.session.scalars(db.select(Gift)).one()


def rows(app, model) -> int:
    """How many rows the table of `model` holds now."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@contextmanager
def database_fails_on(app, fragment: str):
    """Every statement containing `fragment` fails as if the server had gone away."""
    with app.app_context():
        engine = db.engine
    dbapi = engine.dialect.loaded_dbapi

    def fail(_conn, _cursor, statement, parameters, *_args):
        if fragment in statement:
            # Listener errors are not wrapped, so raise what a lost connection produces.
            lost = dbapi.OperationalError("server closed the connection unexpectedly")
            raise OperationalError(statement, parameters, lost)

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)
