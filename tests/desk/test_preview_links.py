"""Preview links (L4): signed, expiring, revocable, private; one draft each, no one logged in."""

import re

from newsroom.extensions import db
from newsroom.models import AuditEntry, PreviewLink

SECRET = "The draft sentence only preview readers see"
LINK = re.compile(r"http://newsroom\.test(/preview/[A-Za-z0-9._-]+)")


def make_link(staff, article_id: int) -> str:
    response = staff.post(f"/desk/articles/{article_id}/preview-links", follow_redirects=True)
    match = LINK.search(response.get_data(as_text=True))
    assert match, "no preview link shown"
    return match[1]


def test_preview_link_shows_the_current_draft_privately(app, app_clock, editor):
    article_id = editor.write(body=f"Opening.\n\n{SECRET}.")
    path = make_link(editor, article_id)
    visitor = app.test_client()
    response = visitor.get(path)
    assert response.status_code == 200
    assert SECRET in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex' in response.get_data(as_text=True)
    assert visitor.get("/account").status_code != 200  # nobody was logged in
    editor.save(article_id, base=1, body=f"Opening.\n\n{SECRET}, corrected.")
    assert "corrected" in visitor.get(path).get_data(as_text=True)


def test_preview_link_expires_after_seven_days(app, app_clock, editor):
    article_id = editor.write(body=f"Opening.\n\n{SECRET}.")
    path = make_link(editor, article_id)
    app_clock.advance(days=7, seconds=1)
    response = app.test_client().get(path)
    assert response.status_code == 404
    assert SECRET not in response.get_data(as_text=True)


def test_revoked_and_tampered_links_show_nothing(app, app_clock, editor):
    article_id = editor.write(body=f"Opening.\n\n{SECRET}.")
    path = make_link(editor, article_id)
    tampered = path[:-2] + ("AA" if not path.endswith("AA") else "BB")
    assert SECRET not in app.test_client().get(tampered).get_data(as_text=True)
    with app.app_context():
        link_id = db.session.scalar(db.select(PreviewLink.id))
    assert (
        editor.post(f"/desk/articles/{article_id}/preview-links/{link_id}/revoke").status_code
        == 303
    )
    response = app.test_client().get(path)
    assert response.status_code == 404 and SECRET not in response.get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["preview_link_made", "preview_link_revoked"]


def test_a_link_shows_only_its_own_article(app, app_clock, editor):
    first = editor.write(headline="First draft", body=f"Opening.\n\n{SECRET}.")
    second = editor.write(headline="Second draft", body="Opening.\n\nOther text.")
    path = make_link(editor, second)
    page = app.test_client().get(path).get_data(as_text=True)
    assert "Other text." in page and SECRET not in page
    assert first != second
    other = app.test_client().get(path, query_string={"id": first}).get_data(as_text=True)
    assert SECRET not in other


def test_desk_preview_as_reader_without_access_stops_at_the_paywall(editor):
    article_id = editor.write(body=f"Opening.\n\n{SECRET}.", locked="y")
    as_reader = editor.get(f"/desk/articles/{article_id}/preview?as=reader").get_data(as_text=True)
    assert "Opening." in as_reader and SECRET not in as_reader
    assert SECRET in editor.get(f"/desk/articles/{article_id}/preview").get_data(as_text=True)


def test_l3_previews_run_no_script(app, app_clock, editor):
    article_id = editor.write(
        body="Opening <script>alert(1)</script>.\n\n<img src=x onerror=alert(2)>"
    )
    path = make_link(editor, article_id)
    for response in (
        editor.get(f"/desk/articles/{article_id}/preview"),
        app.test_client().get(path),
    ):
        policy = response.headers["Content-Security-Policy"]
        assert "script-src" in policy and "'unsafe-inline'" not in policy.split("script-src")[1]
        text = response.get_data(as_text=True)
        assert "<script>alert" not in text and "<img src=x" not in text  # shown as text
        assert "&lt;script&gt;alert(1)" in text
