"""Template i18n that resolves the request's locale once, not on every string or date."""

from datetime import datetime
from functools import lru_cache

from babel.support import NullTranslations
from flask import Flask, g
from flask_babel import format_datetime, get_locale, get_timezone, get_translations


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


@lru_cache(maxsize=4096)
def _formatted(value: datetime, format: str | None, _locale, _tz) -> str:
    # Locale and zone are only the key: the current ones are the ones the caller passed.
    return format_datetime(value, format)


def datetimeformat(value: datetime, format: str | None = None) -> str:
    """Flask-Babel's filter, remembered per locale and zone: a listing repeats few dates
    but formatting one parses CLDR patterns each time."""
    return _formatted(value, format, get_locale(), get_timezone())


def init_app(app: Flask) -> None:
    """Replace what Flask-Babel installed, which resolves the locale for every call."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters["datetimeformat"] = datetimeformat
