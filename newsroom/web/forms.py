"""Forms (Flask-WTF: validation and the CSRF token)."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from newsroom.accounts import operations
from newsroom.web.i18n import translations


class _SiteMessages:
    """WTForms' built-in messages ("This field is required.") looked up in the site's own
    catalogue: WTForms ships no Danish one."""

    def gettext(self, string: str) -> str:
        return translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations().ungettext(singular, plural, n)


class Form(FlaskForm):
    """Every form of the site: CSRF from Flask-WTF, messages in the reader's language."""

    class Meta:
        def get_translations(self, form):
            return _SiteMessages()


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


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


def new_address_field(label) -> EmailField:
    """An address an account will use: it must look like one (no lookup of the domain)."""
    return EmailField(
        label,
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid e-mail address."), check_deliverability=False),
            Length(max=254),
        ],
    )


class RegisterForm(Form):
    email = new_address_field(_l("E-mail"))
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


class ActionForm(Form):
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


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(Form):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=1024), StrongPassword()]
    )


class EmailChangeForm(Form):
    email = new_address_field(_l("New e-mail address"))
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=1024)]
    )


class DeleteAccountForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=1024)]
    )
