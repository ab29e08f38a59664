"""The account forms: logging in, registering, passwords, the e-mail address, deleting."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from newsroom.accounts import operations
from newsroom.web.forms import Form


class StrongPassword:
    """The account rule for new passwords, checked with the other fields so every error of
    a post is reported at once."""

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        try:
            operations.check_password_strength(
                field.data, current_app.config["PASSWORD_MIN_LENGTH"]
            )
        except operations.WeakPassword:
            raise ValidationError(weak_password_message()) from None


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


class BareAddress:
    """The site's one address rule (operations.mailbox): a bare address, nothing around it."""

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        try:
            operations.mailbox(field.data)
        except operations.InvalidAddress:
            raise ValidationError(_("Enter a valid e-mail address.")) from None


def address_field(label) -> EmailField:
    """An address the site will mail: it must be one (no lookup of the domain)."""
    return EmailField(label, validators=[DataRequired(), Length(max=254), BareAddress()])


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class RegisterForm(Form):
    email = address_field(_l("E-mail"))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=1024), StrongPassword()]
    )
    next = HiddenField()


class PasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=1024)]
    )
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=1024), StrongPassword()]
    )


class ForgotPasswordForm(Form):
    email = address_field(_l("E-mail"))


class ResetPasswordForm(Form):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=1024), StrongPassword()]
    )


class EmailChangeForm(Form):
    email = address_field(_l("New e-mail address"))
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=1024)]
    )


class DeleteAccountForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=1024)]
    )
