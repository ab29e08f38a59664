"""`/g/<token>`: a gift link with its token in the path, where URL cleaners that strip known
query parameters find nothing to strip. It opens the article it was given for exactly as
`/articles/<slug>?gift=<token>` (still honoured for links given that way) does."""

from flask import Blueprint, abort, g
from flask_babel import gettext as _

from newsroom.extensions import db, limiter
from newsroom.gifting import links
from newsroom.gifting.policy import gift_policy
from newsroom.pages.article_page import article_answer, article_record
from newsroom.web.errors import error_page
from newsroom.web.helpers import request_now, setting

bp = Blueprint("gift_links", __name__)


@bp.get("/g/<token>")
@limiter.limit(
    lambda: setting("GIFT_TOKEN_FAILURE_LIMIT"),
    deduct_when=lambda _response: bool(g.get("gift_rejected")),
)
def open(token: str):  # noqa: A001 - the endpoint's name, gift_links.open
    now = request_now()
    slug = links.article_of(db.session, token, now, gift_policy())
    article = article_record(slug) if slug is not None else None
    if article is None:
        g.gift_rejected = True
        message = _("This gift link is not valid.")
        return error_page("invalid_link", _("Page not found"), message, 404)
    if not article.is_visible(now):
        abort(404)
    return article_answer(article, token, now)
