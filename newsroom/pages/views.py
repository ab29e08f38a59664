"""Site-wide pages: language choice, the footer's pages (contact, privacy, terms), and what
the header of every page shows."""

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext

from newsroom.gifting import browsers, showing
from newsroom.pages import header
from newsroom.reading.sidebars import site_sections
from newsroom.web.helpers import safe_next

bp = Blueprint("site", __name__)


@bp.record_once
def _header_for_templates(state) -> None:
    # Globals (not context variables), so that imported macros and error pages see them too.
    state.app.jinja_env.globals.update(
        site_sections=site_sections,
        reader_pages=header.reader_pages,
        digital_plus_offer=header.digital_plus_offer,
    )


ONE_YEAR = 60 * 60 * 24 * 365


@bp.get("/language/<code>")
def choose_language(code: str):
    """A link, not a form: the switcher sits on pages every reader shares, which carry no
    reader's CSRF token. Choosing a language changes nothing but this browser's cookie."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(safe_next(request.args.get("next")) or url_for("articles.front"))
    response.set_cookie(
        "lang",
        code,
        max_age=ONE_YEAR,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
    )
    return response


def _lasting(seconds: int | float) -> str:
    days = round(seconds / 86400)
    return ngettext("%(num)d day", "%(num)d days", days)


def site_cookies() -> list[dict]:
    """Every cookie the site sets, with why it is needed: the privacy page shows this list,
    and tests/test_privacy.py fails when the site sets a cookie missing from it."""
    config = current_app.config
    remember = config.get("REMEMBER_COOKIE_DURATION", timedelta(days=365))
    return [
        {
            "name": config["SESSION_COOKIE_NAME"],
            "purpose": _(
                "Keeps you logged in while you browse, holds the security token of the site's "
                "forms, carries one-off messages such as “saved”, and remembers that you asked "
                "a giver for a new link."
            ),
            "lifetime": _("Until you close the browser"),
        },
        {
            "name": config.get("REMEMBER_COOKIE_NAME", "remember_token"),
            "purpose": _(
                "Set when you log in, so you stay logged in on this device. Logging out "
                "removes it and makes every copy of it worthless."
            ),
            "lifetime": _lasting(remember.total_seconds()),
        },
        {
            "name": browsers.COOKIE,
            "purpose": _(
                "Set when you open a gift link, so the giver sees how many people opened it. "
                "It holds a random number, not who you are."
            ),
            "lifetime": _lasting(browsers.MAX_AGE),
        },
        {
            "name": showing.COOKIE,
            "purpose": _(
                "Set by a gift page when your browser runs no script: your next click on the "
                "site tells the giver that a person opened the link. Removed once it has."
            ),
            "lifetime": _lasting(showing.MAX_AGE),
        },
        {
            "name": "lang",
            "purpose": _("Remembers the language you chose with the language switcher."),
            "lifetime": _lasting(ONE_YEAR),
        },
    ]


@bp.get("/contact")
def contact():
    return render_template("pages/contact.html")


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html", cookies=site_cookies())


@bp.get("/terms")
def terms():
    return render_template("pages/terms.html")
