"""The Digital+ article page served before the app (pages/subscriber_page.py): the same page
the app makes, for the reader at hand only, and never a moment after their right ends."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from newsroom.articles import importing
from newsroom.extensions import db
from newsroom.models import ArticleRead, Subscription, User
from tests.delivery.test_page_cache import (
    SLUG,
    TZ,
    import_article,
    logged_in,
    requests_reaching_flask,
    source_text,
    text_of,
)
from tests.helpers import CSRF_META, SENTINEL, Auth, give, now_utc

PAGE = f"/articles/{SLUG}"


@pytest.fixture
def app_config() -> dict:
    return {"PAGE_CACHE_SECONDS": 3600, "ARTICLE_CACHE_SECONDS": 3600}


def import_other(app, tmp_path, slug: str) -> None:
    """A second locked article, by the same import as the first."""
    folder = tmp_path / "other"
    folder.mkdir(exist_ok=True)
    path = folder / f"{slug}.md"
    path.write_text(source_text().replace(f"slug: {SLUG}", f"slug: {slug}"), encoding="utf-8")
    with app.app_context():
        assert not importing.import_paths(db.session, [path], TZ).problems
        db.session.commit()


def served_before_the_app(app, client, path: str = PAGE, **kwargs):
    """The answer, and whether the layer in front of Flask gave it."""
    with requests_reaching_flask(app) as reached:
        answer = client.get(path, **kwargs)
    return answer, reached == []


def without_token(page: str) -> str:
    return CSRF_META.sub("", page).replace(CSRF_META.search(page)[1], "TOKEN")


@pytest.fixture
def reader(app, tmp_path, make_user):
    import_article(app, tmp_path)
    user = make_user(digital_plus=True, verified=True)
    return user, logged_in(app, user)


def test_a_second_read_is_served_before_the_app_and_is_the_apps_page(app, reader):
    _user, client = reader
    first, early = served_before_the_app(app, client)
    second, fast = served_before_the_app(app, client)
    assert (early, fast) == (False, True)
    assert SENTINEL in text_of(second)
    assert without_token(text_of(second)) == without_token(text_of(first))
    for name in ("Cache-Control", "Content-Security-Policy", "Vary", "Content-Type"):
        assert second.headers[name] == first.headers[name]
    assert second.headers["Cache-Control"] == "private, no-store"
    assert "Set-Cookie" not in second.headers


def test_the_token_served_is_the_readers_own_and_works(app, reader):
    _user, client = reader
    client.get(PAGE)
    page, fast = served_before_the_app(app, client)
    assert fast
    token = CSRF_META.search(text_of(page))[1]
    saved = client.post(f"/reading-list/{SLUG}", data={"csrf_token": token})
    assert saved.status_code in (302, 303)
    client.get(PAGE)  # the app shows the message the save left
    client.get(PAGE)  # and the first page in the saved state, keeping its toggle
    again, fast = served_before_the_app(app, client)
    assert fast
    assert 'aria-pressed="true"' in text_of(again)


def test_another_reader_gets_their_own_state_not_the_first_ones(app, reader, make_user):
    _user, first = reader
    Auth(first).post(f"/reading-list/{SLUG}", json=True)
    first.get(PAGE)
    second = logged_in(app, make_user(digital_plus=True, verified=True))
    second.get(PAGE)
    mine, fast_mine = served_before_the_app(app, first)
    theirs, fast_theirs = served_before_the_app(app, second)
    assert fast_mine and fast_theirs
    assert 'aria-pressed="true"' in text_of(mine)
    assert 'aria-pressed="true"' not in text_of(theirs)
    assert CSRF_META.search(text_of(mine))[1] != CSRF_META.search(text_of(theirs))[1]


@pytest.mark.parametrize(
    "change",
    ["lapse", "cancel", "log_out_everywhere", "delete"],
)
def test_the_right_ends_on_the_very_next_request(app, reader, change):
    user, client = reader
    client.get(PAGE)
    assert served_before_the_app(app, client)[1]
    with app.app_context():
        if change == "lapse":
            ended = update(Subscription).values(ends_at=now_utc() - timedelta(seconds=1))
            db.session.execute(ended.where(Subscription.user_id == user.id))
        elif change == "cancel":
            cancelled = update(Subscription).values(cancelled_at=now_utc())
            db.session.execute(cancelled.where(Subscription.user_id == user.id))
        elif change == "log_out_everywhere":
            bumped = update(User).values(session_version=User.session_version + 1)
            db.session.execute(bumped.where(User.id == user.id))
        else:
            db.session.execute(update(User).values(deleted_at=now_utc()).where(User.id == user.id))
        db.session.commit()
    page, fast = served_before_the_app(app, client)
    assert not fast
    assert SENTINEL not in text_of(page)


def test_logging_out_ends_it_at_once(app, reader):
    _user, client = reader
    client.get(PAGE)
    page = client.get(PAGE)
    client.post("/logout", data={"csrf_token": CSRF_META.search(text_of(page))[1]})
    after, _fast = served_before_the_app(app, client)
    assert SENTINEL not in text_of(after)
    assert "Log in" in text_of(after)


def test_a_forged_session_reaches_the_app(app, reader, make_user):
    _user, client = reader
    client.get(PAGE)
    other = make_user(digital_plus=True, verified=True)
    cookie = client.get_cookie("session")
    forged = cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB")
    client.set_cookie("session", forged)
    client.delete_cookie("remember_token")  # else the app logs the reader in again with it
    page, fast = served_before_the_app(app, client)
    assert not fast
    assert SENTINEL not in text_of(page)
    assert other.email not in text_of(page)


def test_a_waiting_message_and_any_parameter_go_to_the_app(app, reader):
    _user, client = reader
    client.get(PAGE)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this reader")]
    page, fast = served_before_the_app(app, client)
    assert not fast
    assert "A message for this reader" in text_of(page)
    assert not served_before_the_app(app, client, f"{PAGE}?utm_source=mail")[1]
    assert not served_before_the_app(app, client, headers={"Accept": "application/json"})[1]


def test_a_first_read_of_the_day_is_written_after_the_page(app, reader):
    user, client = reader
    client.get(PAGE)
    with app.app_context():
        db.session.execute(ArticleRead.__table__.delete())
        db.session.commit()
    page, fast = served_before_the_app(app, client)
    assert fast
    assert SENTINEL in text_of(page)
    with app.app_context():
        reads = db.session.scalars(select(ArticleRead).where(ArticleRead.user_id == user.id))
        assert len(list(reads)) == 1


def test_an_editors_change_is_seen_on_the_next_request(app, tmp_path, reader):
    _user, client = reader
    client.get(PAGE)
    assert served_before_the_app(app, client)[1]
    import_article(app, tmp_path, title="A corrected headline")
    page, fast = served_before_the_app(app, client)
    assert not fast
    assert "A corrected headline" in text_of(page)
    again, fast = served_before_the_app(app, client)
    assert fast
    assert "A corrected headline" in text_of(again)


def allowance_text(page: str) -> str:
    return re.search(r"data-gift-allowance>(.*?)</p>", page, re.S)[1]


def test_the_gift_allowance_shown_is_the_readers_own(app, tmp_path, reader):
    user, client = reader
    client.get(PAGE)
    before, fast = served_before_the_app(app, client)
    assert fast
    other = "other-piece"
    import_other(app, tmp_path, other)
    assert give(Auth(client), SimpleNamespace(slug=other)).status_code == 201
    client.get(PAGE)  # the content changed with the import: the app makes the frame again
    after, fast = served_before_the_app(app, client)
    assert fast
    assert allowance_text(text_of(after)) != allowance_text(text_of(before))
    flask_page = text_of(logged_in(app, user).get(PAGE))
    assert allowance_text(text_of(after)) == allowance_text(flask_page)


def test_a_gift_already_given_shows_its_own_link_from_the_app(app, reader):
    _user, client = reader
    given = give(Auth(client), SimpleNamespace(slug=SLUG))
    assert given.status_code == 201
    token = given.get_json()["url"].split("gift=")[-1].split("/")[-1]
    client.get(PAGE)
    page, fast = served_before_the_app(app, client)
    assert not fast
    assert token in text_of(page)


def test_an_unverified_reader_gets_their_own_banner(app, tmp_path, make_user):
    import_article(app, tmp_path)
    unsure = logged_in(app, make_user(email="unsure@example.com", digital_plus=True))
    other = logged_in(app, make_user(email="other@example.com", digital_plus=True))
    for client in (unsure, other):
        client.get(PAGE)
    mine, fast_mine = served_before_the_app(app, unsure)
    theirs, fast_theirs = served_before_the_app(app, other)
    assert fast_mine and fast_theirs
    assert "unsure@example.com" in text_of(mine)
    assert "unsure@example.com" not in text_of(theirs)
    assert "other@example.com" in text_of(theirs)


def test_switched_off_with_the_page_cache(app, reader):
    _user, client = reader
    app.config["PAGE_CACHE_SECONDS"] = 0
    client.get(PAGE)
    assert not served_before_the_app(app, client)[1]


def test_a_reader_new_to_this_process_gets_their_token_made_before_the_app(app, reader):
    """Another app process keeps no token for the session: it makes the reader's own."""
    _user, client = reader
    client.get(PAGE)
    app.extensions["newsroom.page_cache"].tokens.clear()
    page, fast = served_before_the_app(app, client)
    assert fast
    token = CSRF_META.search(text_of(page))[1]
    saved = client.post(f"/reading-list/{SLUG}", data={"csrf_token": token})
    assert saved.status_code in (302, 303)


def test_a_session_past_its_lifetime_is_not_served_even_when_verified_before(app, reader):
    _user, client = reader
    client.get(PAGE)
    assert served_before_the_app(app, client)[1]
    app.permanent_session_lifetime = timedelta(seconds=0)
    time.sleep(1.1)  # the signature's timestamp counts whole seconds
    assert not served_before_the_app(app, client)[1]  # the app decides (its remember cookie)
