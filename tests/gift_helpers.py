"""Shared steps for the gift tests: give over HTTP, open as a browser or a bot."""

from newsroom.extensions import db
from newsroom.models import Gift

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


def open_as(client, link: str, user_agent: str = BROWSER):
    return client.get(link, headers={"User-Agent": user_agent})


def only_gift(app) -> Gift:
    with app.app_context():
        return db.session.scalars(db.select(Gift)).one()
