"""Template i18n that resolves the request's locale once, not on every string or date."""

from datetime import UTC, date, datetime
from functools import lru_cache

from babel import Locale, dates
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import (
    force_locale,
    format_datetime,
    get_locale,
    get_timezone,
    get_translations,
    lazy_gettext,
)
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header


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


@lru_cache(maxsize=1024)
def accepted_languages(header: str) -> LanguageAccept:
    """An Accept-Language header as Werkzeug reads it; browsers send few distinct ones."""
    return parse_accept_header(header, LanguageAccept)


@lru_cache(maxsize=1024)
def choose_locale(chosen: str | None, accept_language: str, languages: tuple, default: str) -> str:
    """The reader's choice (cookie), else the browser's languages, else the site default."""
    if chosen in languages:
        return chosen
    return accepted_languages(accept_language).best_match(languages) or default


@lru_cache(maxsize=1024)
def date_locale(locale: str, accept_language: str) -> str:
    """The locale dates are written in: the interface language, and for English the British
    form (a European site) unless the browser's first English preference is American."""
    if locale.split("_", 1)[0] != "en":
        return locale
    for tag, _quality in accepted_languages(accept_language):
        tag = tag.replace("_", "-").lower()
        if tag.startswith("en"):
            return "en_US" if tag == "en-us" else "en_GB"
    return "en_GB"


def format_locale() -> str:
    """date_locale() for the current request's locale and browser, worked out once per
    request (every date on a listing asks)."""
    locale = get_locale()
    if not has_request_context():
        return _format_locale(locale)
    # Keyed by the locale: a mail rendered in its reader's language (force_locale) differs.
    kept = g.get("format_locale")
    if kept is None or kept[0] is not locale:
        kept = g.format_locale = (locale, _format_locale(locale))
    return kept[1]


def _format_locale(locale) -> str:
    if locale is None:
        return "en_GB"
    if locale.language != "en":
        return str(locale)
    header = request.headers.get("Accept-Language", "") if has_request_context() else ""
    return date_locale(str(locale), header)


@lru_cache(maxsize=4096)
def _date_and_time(value: datetime, locale: str, tz, glue: str, with_time: bool, width: str) -> str:
    if value.tzinfo is None:  # stored as UTC; SQLite hands it back without a zone
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(tz)
    day = dates.format_date(value, width, locale=locale)
    if not with_time:
        return day
    return glue % {"date": day, "time": dates.format_time(value, "short", locale=locale)}


def local_datetime(value: datetime | None) -> str:
    """A moment as readers write it, without seconds, in the site's zone:
    "22. nov. 2026 kl. 08.00" in Danish, "22 Nov 2026, 08:00" in English."""
    if value is None:
        return ""
    # The joint is interface text: CLDR's Danish pattern has no "kl.".
    glue = translations().ugettext("%(date)s, %(time)s")
    return _date_and_time(value, format_locale(), get_timezone(), glue, True, "medium")


def local_date(value: date | datetime | None, width: str = "medium") -> str:
    """A day as readers write it ("22. nov. 2026" / "22 Nov 2026"; width "long" spells the
    month out); a moment is first placed in the site's zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _date_and_time(value, format_locale(), get_timezone(), "", False, width)
    return dates.format_date(value, width, locale=format_locale())


# Kind labels are interface text; the section is the article's own data.
KIND_LABELS = {
    "commentary": lazy_gettext("Commentary"),
    "analysis": lazy_gettext("Analysis"),
    "editorial": lazy_gettext("Editorial"),
}


def interface_lang() -> str:
    """The interface language as a lang attribute ("da", "en"): interface text inside an
    article written in another language carries it, so screen readers pronounce it right."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


@lru_cache(maxsize=64)
def _kind_names(kind: str, languages: tuple[str, ...]) -> frozenset[str]:
    """The kind's label in every interface language: the same for the whole process, so it
    is worked out once rather than for every card."""
    names = set()
    for language in languages:
        with force_locale(language):
            names.add(str(KIND_LABELS[kind]).casefold())
    return frozenset(names)


def kind_label(kind: str | None, section: str | None) -> str | None:
    """The article kind's label in the interface language, or None for a kind without one
    (news) and when the section already names that kind in any interface language (a section
    "Analyse" on an analysis is not followed by "Analysis")."""
    label = KIND_LABELS.get(kind or "")
    if label is None:
        return None
    if (section or "").strip().casefold() in _kind_names(
        kind, tuple(current_app.config["LANGUAGES"])
    ):
        return None
    return str(label)


def language_name(code: str) -> str:
    """A language as its own speakers write it at the start of a line ("Dansk", "English"),
    for the switcher: a reader looks for the language they can read."""
    name = Locale.parse(code).get_display_name(code)
    return name[:1].upper() + name[1:]


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
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.globals["interface_lang"] = interface_lang
    app.jinja_env.globals["kind_label"] = kind_label
    app.jinja_env.globals["language_name"] = language_name
    # Flask-Babel's date filter, in the same British/American-aware locale.
    app.jinja_env.filters["dateformat"] = local_date
