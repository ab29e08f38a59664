"""Forms (Flask-WTF: validation and the CSRF token)."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class RegisterForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid e-mail address."), check_deliverability=False),
            Length(max=254),
        ],
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=1024)]
    )
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])


class ActionForm(FlaskForm):
    """A button that changes state: carries only the CSRF token (and where to go back)."""

    next = HiddenField()


def invalid_name_message() -> str:
    return _(
        "Write your name in visible letters, without control or formatting characters "
        "(such as text-direction or zero-width marks)."
    )


def weak_password_message() -> str:
    return _(
        "Choose a password of at least %(n)d characters, not only lower-case letters.",
        n=current_app.config["PASSWORD_MIN_LENGTH"],
    )
