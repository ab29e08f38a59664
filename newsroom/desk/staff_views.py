"""/desk/staff: admins see who is on the desk and give, change or take roles, each change
confirmed with their own password and kept in the audit log with its before and after."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from newsroom.core import clock
from newsroom.desk import staff
from newsroom.desk.answers import me, private
from newsroom.desk.errors import NoSuchAccount, OwnRole, PasswordNotConfirmed
from newsroom.desk.forms import StaffForm
from newsroom.desk.models import ROLES
from newsroom.extensions import db
from newsroom.web.helpers import setting

bp = Blueprint("desk_staff", __name__)
bp.after_request(private)

REFUSALS = {
    PasswordNotConfirmed: lambda: _("Your password was not right. Nothing was changed."),
    NoSuchAccount: lambda: _("There is no account with that address. Nothing was changed."),
    OwnRole: lambda: _(
        "You cannot change your own role here; another admin, or the command line, can."
    ),
}


def _page(form: StaffForm, status: int = 200):
    staff.require_admin(me())
    form.password.data = ""  # a password is never sent back
    members = staff.staff(db.session)
    html = render_template("desk/staff.html", form=form, members=members, roles=ROLES)
    return html, status


@bp.errorhandler(PasswordNotConfirmed)
@bp.errorhandler(NoSuchAccount)
@bp.errorhandler(OwnRole)
def _refused(error):
    db.session.rollback()
    flash(REFUSALS[type(error)](), "error")
    return _page(StaffForm(), error.status)


@bp.get("/desk/staff")
def index():
    return _page(StaffForm(formdata=None))


@bp.post("/desk/staff")
def change():
    staff.require_admin(me())
    form = StaffForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    user = staff.change_role(
        db.session,
        me(),
        form.password.data,
        form.email.data.strip(),
        form.role.data or None,
        clock.now(),
        hash_method=setting("PASSWORD_HASH_METHOD"),
    )
    db.session.commit()
    if user.role is None:
        flash(_("%(email)s is no longer on the desk.", email=user.email), "success")
    else:
        flash(_("%(email)s is now %(role)s.", email=user.email, role=user.role), "success")
    return redirect(url_for("desk_staff.index"), 303)
