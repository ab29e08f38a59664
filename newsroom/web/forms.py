"""Forms (Flask-WTF: validation and the CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField

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


class ActionForm(Form):
    """A button that changes state: carries only the CSRF token (and where to go back)."""

    next = HiddenField()
