"""Desk fixtures: staff members logged in on their own clients, and articles written on the desk."""

import re
from collections.abc import Iterator

import pytest

from newsroom.extensions import db
from newsroom.models import User
from tests.delivery.test_purge import PurgeRecorder
from tests.helpers import PASSWORD, csrf_token

MORNING = "2026-03-12T08:00"  # Copenhagen; 07:00 UTC, the day after the app clock's now
# The public listings, feeds, sitemap and author page a Debate piece by Ada Berg can reach.
PUBLIC_LISTINGS = [
    "/",
    "/?format=json",
    "/feed.xml",
    "/sitemap.xml",
    "/sections/debate",
    "/sections/debate/feed.xml",
    "/authors/ada-berg",
]

FORM_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Staff:
    """A logged-in client for one staff member, posting forms as a browser does."""

    def __init__(self, client, user: User) -> None:
        self.client = client
        self.user = user

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs):
        token = csrf_token(self.client, "/desk" if self.user.role else "/")
        return self.client.post(path, data={"csrf_token": token, **(data or {})}, **kwargs)

    def write(self, headline: str = "A piece for the desk", **fields) -> int:
        """A new draft through the form; its id."""
        response = self.post("/desk/articles/new", article_form(headline=headline, **fields))
        assert response.status_code == 303, response.get_data(as_text=True)
        return int(response.headers["Location"].rsplit("/", 1)[1])

    def save(self, article_id: int, base: int, **fields):
        return self.post(f"/desk/articles/{article_id}", article_form(base_revision=base, **fields))


def article_form(**fields) -> dict:
    form = {
        "headline": "A piece for the desk",
        "lead": "A lead for the desk.",
        "body": "The opening paragraph.\n\nThe second paragraph, for subscribers.",
        "section": "Debate",
        "kind": "commentary",
        "author_name": "Ada Berg",
        "author_title": "adviser",
        "language": "en",
        "giftable": "y",
        "base_revision": 0,
    }
    form.update(fields)
    return {k: v for k, v in form.items() if v is not None}


@pytest.fixture
def shared_cache() -> Iterator[PurgeRecorder]:
    """A shared cache on loopback that records the purges the site sends it."""
    recorder = PurgeRecorder()
    recorder.start()
    yield recorder
    recorder.stop()


@pytest.fixture
def make_staff(app, make_user):
    def make(role: str | None, verified: bool = True, name: str = "Desk Person") -> Staff:
        user = make_user(name=name, verified=verified)
        with app.app_context():
            row = db.session.get(User, user.id)
            row.role = role
            db.session.commit()
            user.role = role
        client = app.test_client()
        response = client.post(
            "/login",
            data={
                "email": user.email,
                "password": PASSWORD,
                "csrf_token": csrf_token(client, "/login"),
            },
        )
        assert response.status_code in (302, 303)
        return Staff(client, user)

    return make


@pytest.fixture
def editor(make_staff) -> Staff:
    return make_staff("editor", name="Eva Editor")


@pytest.fixture
def contributor(make_staff) -> Staff:
    return make_staff("contributor", name="Carl Contributor")


@pytest.fixture
def admin(make_staff) -> Staff:
    return make_staff("admin", name="Anna Admin")
