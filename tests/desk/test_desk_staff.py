"""Staff roles: the CLI gives and takes them; the desk is 404 for everyone without one (L2)."""

import pytest

from newsroom.extensions import db
from newsroom.models import AuditEntry, User
from tests.helpers import rows

DESK_GETS = [
    "/desk",
    "/desk/articles/new",
    "/desk/articles/1",
    "/desk/articles/1/revisions",
    "/desk/articles/1/preview",
    "/desk/audit",
    "/desk/articles/1/delete",
    "/desk/sections",
    "/desk/sections/1",
    "/desk/authors",
    "/desk/authors/1",
    "/desk/staff",
]
DESK_POSTS = [
    "/desk/articles/new",
    "/desk/articles/1",
    "/desk/articles/1/submit",
    "/desk/articles/1/publish",
    "/desk/articles/1/schedule",
    "/desk/articles/1/unpublish",
    "/desk/articles/1/lock",
    "/desk/articles/1/unlock",
    "/desk/articles/1/preview-links",
    "/desk/articles/1/revisions/1/restore",
    "/desk/articles/1/delete",
    "/desk/sections",
    "/desk/sections/1",
    "/desk/authors",
    "/desk/authors/1",
    "/desk/staff",
]


def test_staff_add_list_remove(app, runner, make_user):
    user = make_user(email="writer@example.com", verified=True)
    result = runner.invoke(
        args=["newsroom", "staff", "add", "Writer@example.com", "--role", "editor"]
    )
    assert result.exit_code == 0, result.output
    assert "editor" in runner.invoke(args=["newsroom", "staff", "list"]).output
    with app.app_context():
        assert db.session.get(User, user.id).role == "editor"
    assert runner.invoke(args=["newsroom", "staff", "remove", "writer@example.com"]).exit_code == 0
    assert "writer@example.com" not in runner.invoke(args=["newsroom", "staff", "list"]).output
    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.action, e.before, e.after) for e in entries] == [
            ("role", {"role": None}, {"role": "editor"}),
            ("role", {"role": "editor"}, {"role": None}),
        ]


def test_staff_add_refuses_unknown_accounts_and_roles(runner):
    assert (
        runner.invoke(
            args=["newsroom", "staff", "add", "nobody@example.com", "--role", "editor"]
        ).exit_code
        != 0
    )
    assert (
        runner.invoke(
            args=["newsroom", "staff", "add", "x@example.com", "--role", "boss"]
        ).exit_code
        != 0
    )


@pytest.mark.parametrize("path", DESK_GETS)
def test_readers_and_visitors_get_404_on_every_desk_page(app, make_staff, path):
    reader = make_staff(None)
    assert reader.get(path).status_code == 404
    assert app.test_client().get(path).status_code == 404


@pytest.mark.parametrize("path", DESK_POSTS)
def test_readers_get_404_on_every_desk_action(make_staff, make_article, path):
    make_article()
    reader = make_staff(None)
    assert reader.post(path, {"publish_at": "2030-01-01T08:00"}).status_code == 404


def test_staff_without_a_confirmed_address_are_refused(make_staff):
    unverified = make_staff("editor", verified=False)
    assert unverified.get("/desk").status_code == 403


def test_desk_posts_need_the_csrf_token(editor):
    response = editor.client.post("/desk/articles/new", data={"headline": "x"})
    assert response.status_code == 400


def test_audit_log_is_for_admins_only(admin, editor, contributor, app):
    editor.write()
    assert admin.get("/desk/audit").status_code == 200
    assert editor.get("/desk/audit").status_code == 404
    assert contributor.get("/desk/audit").status_code == 404


def test_desk_pages_are_private_and_not_indexed(editor):
    response = editor.get("/desk")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_audit_export_writes_json_lines(app, runner, editor):
    article_id = editor.write()
    editor.post(f"/desk/articles/{article_id}/publish")
    result = runner.invoke(args=["newsroom", "audit", "export"])
    assert result.exit_code == 0
    import json

    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [(e["action"], e["article_id"]) for e in lines][-1] == ("publish", article_id)
    assert {"at", "slug", "staff"} <= set(lines[-1])
    assert rows(app, AuditEntry) == len(lines)


def test_the_desk_speaks_danish(editor):
    article_id = editor.write()
    page = editor.get(f"/desk/articles/{article_id}", headers={"Accept-Language": "da"})
    text = page.get_data(as_text=True)
    assert "Send til gennemsyn" in text and "Udgiv nu" in text and "Overskrift" in text
