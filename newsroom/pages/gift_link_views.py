"""`/g/<token>`: a gift link with its token in the path, where URL cleaners that strip known
query parameters find nothing to strip. It opens the article it was given for exactly as
`/articles/<slug>?gift=<token>` (still honoured for links given that way) does."""

from flask import Blueprint, abort, g, jsonify, make_response
from flask_babel import gettext as _
from flask_login import current_user

from newsroom.articles.api import article_json
from newsroom.delivery.keys import keys_for
from newsroom.delivery.public import add_keys
from newsroom.extensions import db, limiter
from newsroom.gifting import browsers, links, showing
from newsroom.gifting.policy import gift_policy
from newsroom.pages.article_page import (
    article_record,
    remember_read,
    render_article,
    with_article_headers,
)
from newsroom.pages.opening import open_article
from newsroom.web.errors import error_page
from newsroom.web.helpers import request_now, setting, wants_json

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
    opening = open_article(
        db.session,
        article,
        current_user.id,
        token,
        now,
        gift_policy(),
        browser_id=browsers.recipient_browser,
    )
    g.gift_rejected = opening.link_refused
    add_keys(*keys_for(article))
    if wants_json():
        response = jsonify(article_json(article, opening.access))
    else:
        response = make_response(render_article(article, opening))
    if opening.state is not None and opening.access.full:
        remember_read(article, opening.state)
    if opening.gift_opened:
        showing.set_cookies(response)
    return with_article_headers(response, opening.access, gift_link=True)
