"""/desk/staff: admins change roles after entering their own password again; each change is
one audit entry with before and after; a wrong password changes nothing and says so."""

import pytest

from newsroom.extensions import db
from newsroom.models import AuditEntry, User
from tests.helpers import PASSWORD


def role_of(app, user) -> str | None:
    with app.app_context():
        return db.session.get(User, user.id).role


def audit(app) -> list[tuple]:
    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(e.action, e.user_name, e.subject, e.before, e.after) for e in entries]


def test_staff_page_lists_every_staff_member_for_admins_only(admin, editor, contributor, client):
    page = admin.get("/desk/staff")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert editor.user.email in text and contributor.user.email in text
    assert page.headers["Cache-Control"] == "private, no-store"
    assert editor.get("/desk/staff").status_code == 404
    assert contributor.get("/desk/staff").status_code == 404
    assert client.get("/desk/staff").status_code == 404


def test_admin_changes_and_removes_a_role_with_their_password(app, admin, editor):
    email = editor.user.email
    changed = admin.post(
        "/desk/staff", {"email": email, "role": "contributor", "password": PASSWORD}
    )
    assert changed.status_code == 303
    assert role_of(app, editor.user) == "contributor"
    removed = admin.post("/desk/staff", {"email": email, "role": "", "password": PASSWORD})
    assert removed.status_code == 303
    assert role_of(app, editor.user) is None
    assert editor.get("/desk").status_code == 404  # at once, on the session they had
    who = admin.user.email
    assert audit(app) == [
        ("role", who, email, {"role": "editor"}, {"role": "contributor"}),
        ("role", who, email, {"role": "contributor"}, {"role": None}),
    ]


def test_admin_gives_a_role_to_an_account_by_its_address(app, admin, make_user):
    reader = make_user(email="new.writer@example.com", verified=True)
    response = admin.post(
        "/desk/staff",
        {"email": "New.Writer@example.com", "role": "contributor", "password": PASSWORD},
        follow_redirects=True,
    )
    assert "new.writer@example.com is now contributor." in response.get_data(as_text=True)
    assert role_of(app, reader) == "contributor"


@pytest.mark.parametrize("password", ["wrong password", ""])
def test_a_wrong_password_changes_nothing_and_says_so(app, admin, editor, password):
    response = admin.post(
        "/desk/staff", {"email": editor.user.email, "role": "admin", "password": password}
    )
    assert response.status_code in (403, 422)
    if password:
        assert "Your password was not right. Nothing was changed." in response.get_data(
            as_text=True
        )
    assert role_of(app, editor.user) == "editor"
    assert audit(app) == []


def test_an_unknown_address_and_ones_own_role_change_nothing(app, admin):
    unknown = admin.post(
        "/desk/staff", {"email": "nobody@example.com", "role": "editor", "password": PASSWORD}
    )
    assert unknown.status_code == 404
    assert "no account with that address" in unknown.get_data(as_text=True)
    own = admin.post(
        "/desk/staff", {"email": admin.user.email, "role": "contributor", "password": PASSWORD}
    )
    assert own.status_code == 409
    assert role_of(app, admin.user) == "admin"
    assert audit(app) == []


def test_l2_an_editor_changes_no_role_even_with_a_crafted_post(app, editor, contributor):
    response = editor.post(
        "/desk/staff", {"email": contributor.user.email, "role": "admin", "password": PASSWORD}
    )
    assert response.status_code == 404
    assert role_of(app, contributor.user) == "contributor"


def test_the_staff_page_speaks_danish(admin, editor):
    page = admin.get("/desk/staff", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Medarbejdere" in page and "Din adgangskode" in page
    wrong = admin.post(
        "/desk/staff",
        {"email": editor.user.email, "role": "admin", "password": "nope"},
        headers={"Accept-Language": "da"},
    )
    assert "Din adgangskode var forkert. Intet blev ændret." in wrong.get_data(as_text=True)
