"""The giver's personal note: optional, plain text, at most 280 characters, shown to the
recipient beside the giver's name and nowhere else."""

import pytest

from newsroom.extensions import db
from newsroom.gifting import giving
from newsroom.gifting.errors import InvalidNote
from newsroom.models import Gift
from tests.helpers import csrf_token, gift_path, give, local_path, only_gift, open_as


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (None, None),
        ("", None),
        ("   \n ", None),
        ("  Read this one!  ", "Read this one!"),
        ("Line one\r\nline two", "Line one\nline two"),
        ("Læs den – مرحبا 👩‍👩‍👧", "Læs den – مرحبا 👩‍👩‍👧"),
        ("x" * 280, "x" * 280),
    ],
)
def test_clean_note_keeps_plain_text(typed, stored):
    assert giving.clean_note(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "x" * 281,
        "bell\x07",
        "nul\x00",
        "tab\there",
        "esc\x1b[31m",
        "c1\x85in the middle",
        "override \u202eevil",
        "isolate \u2066x\u2069",
        "mark \u200f",
        "arabic mark \u061c",
    ],
)
def test_clean_note_refuses_long_control_and_bidirectional_text(typed):
    with pytest.raises(InvalidNote):
        giving.clean_note(typed)


def test_gift_note_is_stored_and_shown_to_the_recipient_escaped(
    app, subscriber, subscriber_client, auth, make_article
):
    article = make_article()
    note = 'For you <script>alert("x")</script> & friends'
    response = give(auth, article, note=note)
    assert response.status_code == 201
    assert response.get_json()["note"] == note
    link = local_path(response.get_json()["url"])
    assert only_gift(app).note == note
    html = open_as(app.test_client(), link).get_data(as_text=True)
    assert "Karen gave you this article" in html
    assert "For you &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; friends" in html
    assert "<script>alert" not in html


def test_gift_note_never_in_url_meta_tags_or_share_links(
    app, subscriber, subscriber_client, auth, make_article
):
    article = make_article()
    note = "Secret words for Ida only"
    body = give(auth, article, note=note).get_json()
    assert "Secret" not in body["url"]
    assert all("Secret" not in link["href"] for link in body["share"])
    html = open_as(app.test_client(), local_path(body["url"])).get_data(as_text=True)
    head = html.split("</head>", 1)[0]
    assert note not in head  # no og:, twitter:, description or JSON-LD
    assert note in html.split("</head>", 1)[1]
    for path in ("/feed.xml", "/sitemap.xml", f"/articles/{article.slug}"):
        assert note not in app.test_client().get(path).get_data(as_text=True)


def test_gift_note_not_logged(app, subscriber, subscriber_client, auth, make_article, caplog):
    caplog.set_level("DEBUG")
    give(auth, make_article(), note="Private words in no log")
    assert "Private words" not in caplog.text


def test_gift_note_too_long_answers_400_and_gives_nothing(
    app, subscriber, subscriber_client, auth, make_article
):
    response = give(auth, make_article(), note="y" * 281)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_note"
    assert "280" in response.get_json()["message"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Gift.id))) == 0


def test_gift_note_with_bidirectional_override_refused_in_the_form(
    app, subscriber, subscriber_client, client, make_article
):
    article = make_article()
    token = csrf_token(client, gift_path(article))
    response = client.post(gift_path(article), data={"csrf_token": token, "note": "a\u202eb"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html
    assert "no control or direction characters" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Gift.id))) == 0


def test_gift_note_form_post_without_javascript_is_stored(
    app, subscriber, subscriber_client, client, make_article
):
    article = make_article()
    token = csrf_token(client, gift_path(article))
    response = client.post(gift_path(article), data={"csrf_token": token, "note": "Hej Ida"})
    assert response.status_code == 303
    assert "Hej" not in response.headers["Location"]
    assert only_gift(app).note == "Hej Ida"
    assert "Hej Ida" in client.get(gift_path(article)).get_data(as_text=True)


def test_gift_note_given_again_replaces_the_old_one_same_slot(
    app, subscriber, subscriber_client, auth, make_article
):
    article = make_article()
    give(auth, article, note="First")
    again = give(auth, article, note="Second")
    assert again.status_code == 200
    assert only_gift(app).note == "Second"
    assert again.get_json()["used"] == 1


def test_gift_note_shown_in_danish_beside_the_name(
    app, subscriber, subscriber_client, auth, make_article
):
    body = give(auth, make_article(), note="Læs den her").get_json()
    page = app.test_client().get(
        local_path(body["url"]), headers={"Accept-Language": "da", "User-Agent": "Mozilla/5.0"}
    )
    html = page.get_data(as_text=True)
    assert "Karen har givet dig denne artikel" in html
    assert "Læs den her" in html
