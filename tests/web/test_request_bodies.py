"""Every JSON endpoint takes a JSON object as well as a form, and refuses a field it does not
take, or one of the wrong type, with 400 and a message naming it, before anything changes."""

import io
import json

import pytest
from sqlalchemy import select

from newsroom.extensions import db
from newsroom.models import Gift, ReadingListItem
from tests.helpers import JSON, csrf_token, gift_path, rows


@pytest.fixture
def subscriber(make_user):
    return make_user(name="Karen Holm", digital_plus=True, verified=True)


@pytest.fixture
def logged_in(client, auth, subscriber):
    auth.login(subscriber.email)
    return client


def post_json(client, path: str, body, lang: str = "en"):
    """What a script sends: a JSON body, the CSRF token in its header, JSON asked for."""
    headers = {**JSON, "X-CSRFToken": csrf_token(client), "Accept-Language": lang}
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data=raw, content_type="application/json", headers=headers)


def post_form(client, path: str, data, lang: str = "en"):
    headers = {**JSON, "X-CSRFToken": csrf_token(client), "Accept-Language": lang}
    return client.post(path, data=data, headers=headers)


def refused(response, lang_text: str) -> None:
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_body"
    assert lang_text in body["message"]


def test_a_json_note_is_kept_with_the_gift(app, logged_in, make_article):
    response = post_json(logged_in, gift_path(make_article()), {"note": "Read this first"})
    assert response.status_code == 201
    assert response.get_json()["note"] == "Read this first"
    with app.app_context():
        assert db.session.scalar(select(Gift.note)) == "Read this first"


def test_json_null_is_a_field_left_out(logged_in, make_article):
    response = post_json(logged_in, gift_path(make_article()), {"note": None, "email": None})
    assert response.status_code == 201
    assert response.get_json()["note"] is None


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            {"notes": "typo"},
            "“notes” is not a field here. The fields are: days, email, note, people.",
        ),
        ({"note": 5}, "The field “note” must be text."),
        ({"note": ["a"]}, "The field “note” must be text."),
        ({"email": True}, "The field “email” must be text."),
        ('{"note": "unclosed', "The request body is not valid JSON."),
        (["note"], "The request body must be a JSON object of fields."),
    ],
)
def test_gift_json_with_unknown_or_mistyped_fields_is_refused_and_charges_nothing(
    app, logged_in, make_article, body, says
):
    refused(post_json(logged_in, gift_path(make_article()), body), says)
    assert rows(app, Gift) == 0


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"notes": "typo"}, "“notes” is not a field here."),
        ({"note": ["one", "two"]}, "The field “note” is given more than once."),
    ],
)
def test_gift_form_with_unknown_or_repeated_fields_is_refused(
    app, logged_in, make_article, data, says
):
    refused(post_form(logged_in, gift_path(make_article()), data), says)
    assert rows(app, Gift) == 0


def test_a_refusal_is_in_danish_for_a_danish_reader(app, logged_in, make_article):
    response = post_json(logged_in, gift_path(make_article()), {"noter": "x"}, lang="da")
    refused(response, "“noter” er ikke et felt her. Felterne er: days, email, note, people.")


def test_a_refused_form_without_javascript_gets_a_page(app, client, auth, subscriber, make_article):
    auth.login(subscriber.email)
    token = csrf_token(client)
    response = client.post(gift_path(make_article()), data={"csrf_token": token, "nte": "x"})
    assert response.status_code == 400
    assert "“nte” is not a field here." in response.text
    assert rows(app, Gift) == 0


def test_a_body_that_is_neither_form_nor_json_is_refused(logged_in, make_article):
    headers = {**JSON, "X-CSRFToken": csrf_token(logged_in)}
    response = logged_in.post(
        gift_path(make_article()), data="note=x", content_type="text/plain", headers=headers
    )
    refused(response, "Send the fields as a form or as a JSON object.")


def test_revoke_takes_an_empty_json_object_and_refuses_any_field(app, logged_in, make_article):
    post_json(logged_in, gift_path(make_article()), {})
    with app.app_context():
        gift_id = db.session.scalar(select(Gift.id))
    refused(
        post_json(logged_in, f"/gifts/{gift_id}/revoke", {"confirm": True}),
        "“confirm” is not a field here: this request takes no fields.",
    )
    with app.app_context():
        assert db.session.scalar(select(Gift.revoked_at)) is None
    assert post_json(logged_in, f"/gifts/{gift_id}/revoke", {}).get_json()["revoked"] is True


def test_renew_refuses_a_field(app, logged_in, make_article):
    post_json(logged_in, gift_path(make_article()), {})
    with app.app_context():
        gift_id = db.session.scalar(select(Gift.id))
    refused(post_json(logged_in, f"/gifts/{gift_id}/renew", {"email": "a@b.dk"}), "“email”")
    assert post_json(logged_in, f"/gifts/{gift_id}/renew", {}).status_code == 200


def test_reading_list_takes_json_and_refuses_unknown_fields(app, logged_in, make_article):
    article = make_article()
    refused(post_json(logged_in, f"/reading-list/{article.slug}", {"nxt": "/"}), "“nxt”")
    assert rows(app, ReadingListItem) == 0
    response = post_json(logged_in, f"/reading-list/{article.slug}", {"next": "/"})
    assert response.status_code == 201
    assert response.get_json()["saved"] is True
    removed = post_json(logged_in, f"/reading-list/{article.slug}/remove", {"next": 3})
    refused(removed, "The field “next” must be text.")
    assert rows(app, ReadingListItem) == 1


def test_a_file_in_a_form_is_refused(app, logged_in, make_article):
    headers = {**JSON, "X-CSRFToken": csrf_token(logged_in)}
    data = {"note": "x", "attachment": (io.BytesIO(b"hello"), "note.txt")}
    response = logged_in.post(
        gift_path(make_article()), data=data, headers=headers, content_type="multipart/form-data"
    )
    refused(response, "“attachment” is not a field here.")
    assert rows(app, Gift) == 0
