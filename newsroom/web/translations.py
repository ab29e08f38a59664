"""Template gettext that looks the request's catalogue up once, not on every string."""

from babel.support import NullTranslations
from flask import Flask, g
from flask_babel import get_translations


def translations() -> NullTranslations:
    """The request's catalogue, kept in the slot Flask-Babel's refresh() and force_locale()
    clear and restore, so switching the locale mid-request still switches it."""
    if not g:  # outside any context Flask-Babel answers untranslated
        return get_translations()
    found = getattr(g.get("_flask_babel"), "babel_translations", None)
    if found is None:
        found = get_translations()  # creates g._flask_babel
        g._flask_babel.babel_translations = found
    return found


def init_app(app: Flask) -> None:
    """Replace the callables Flask-Babel installed, which resolve the locale per string."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
