"""The reader's own account: Digital+ status and password."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from newsroom.extensions import db
from newsroom.forms import PasswordForm, weak_password_message
from newsroom.services import accounts, subscriptions
from newsroom.web.helpers import request_now, setting
from newsroom.web.limits import count_failure, credential_check

bp = Blueprint("account", __name__)


@bp.route("/account", methods=["GET", "POST"])
@login_required
@credential_check("password-change", account=lambda: str(current_user.id))
def show():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                db.session,
                current_user,
                form.current_password.data,
                form.new_password.data,
                hash_method=setting("PASSWORD_HASH_METHOD"),
                min_length=setting("PASSWORD_MIN_LENGTH"),
            )
        except accounts.WrongPassword:
            count_failure()
            form.current_password.errors.append(_("That is not your current password."))
        except accounts.WeakPassword:
            form.new_password.errors.append(weak_password_message())
        else:
            db.session.commit()
            login_user(current_user._get_current_object(), remember=True)
            flash(_("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for("account.show"))
    status = subscriptions.status(db.session, current_user.id, request_now())
    code = 400 if form.errors else 200
    return render_template("account/show.html", form=form, status=status), code
