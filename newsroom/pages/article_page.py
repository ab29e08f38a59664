"""The article page: rendered whole, or from the frame every Digital+ reader shares with
their own parts filled in; the record behind it, cached; the headers it goes out with."""

import logging

from flask import Response, g, jsonify, make_response, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from newsroom.articles import queries
from newsroom.articles.api import LOCKED_PART_CLASS, article_json, json_ld
from newsroom.articles.paywall import Access, Grant
from newsroom.articles.queries import ArticleRecord
from newsroom.articles.share import share_links
from newsroom.delivery.frames import render_in_frame
from newsroom.delivery.keeper import sync_content_version
from newsroom.delivery.keys import keys_for
from newsroom.delivery.public import add_keys
from newsroom.extensions import db
from newsroom.gifting import browsers, showing
from newsroom.gifting.allowance import Allowance
from newsroom.gifting.dialog import dialog_for
from newsroom.gifting.policy import gift_policy
from newsroom.pages.opening import Opening, open_article
from newsroom.reading import history, recommendations
from newsroom.reading.sidebars import recommended, top_jobs
from newsroom.web.cache import cached
from newsroom.web.helpers import request_now, setting, site_url, wants_json
from newsroom.web.i18n import format_locale

log = logging.getLogger("newsroom.articles")


def article_record(slug: str) -> ArticleRecord | None:
    """The same for every reader (access is decided per request), so it is cached for
    ARTICLE_CACHE_SECONDS. Each copy is a whole row: a body is only ever shown under its own
    version's lock. An editor's lock, unpublish or re-import raises the content version,
    which empties the cache at once."""
    if setting("ARTICLE_CACHE_SECONDS") > 0:
        sync_content_version()
    return cached(
        f"article:{slug}",
        lambda: queries.record_by_slug(db.session, slug),
        setting="ARTICLE_CACHE_SECONDS",
    )


def render_article(article: ArticleRecord, opening: Opening) -> str:
    access, opened = opening.access, opening.gift
    state = opening.state
    saved = bool(state and state.saved and opening.digital_plus)
    url = site_url(url_for("articles.show", slug=article.slug))
    dialog = None
    # A gift recipient is offered Digital+ instead: giving would only lead to an upsell.
    if access.grant is not Grant.GIFT and (article.locked or opening.digital_plus):
        dialog = dialog_for(article)
    own = {
        "article": article,
        "access": access,
        "opened": opened,
        "dialog": dialog,
        "saved": saved,
        "recommendations": recommended(article.id),
    }
    jobs = top_jobs()

    def shared() -> dict:
        return {
            "canonical_url": url,
            "share": share_links(url, article.headline),
            "json_ld": json_ld(article, url),
            "locked_part_class": LOCKED_PART_CLASS,
            "jobs": jobs,
        }

    if shares_the_subscriber_frame(opening):
        # Every Digital+ reader sees the same page but for the gift dialog, the reading-list
        # toggle, the recommendations and the verify banner: kept once, those filled in.
        locale = (str(get_locale()), format_locale())
        frame_context = {**own, "dialog": None, "saved": False, "recommendations": None}
        verified = current_user.is_verified
        state, allowance = (dialog.state, dialog.allowance) if dialog else (None, None)
        gift_key = gift_part_key(article.slug, locale, state, allowance, verified)
        html = render_in_frame(
            frame_key(article.slug, locale),
            "articles/_reader_frame.html",
            {**frame_context, **shared()},
            [
                (gift_key, "articles/_part_gift.html", own),
                (reading_list_part_key(article.slug, locale, saved), READING_LIST_PART, own),
                (sidebar_part_key(own["recommendations"], locale), SIDEBAR_PART, own),
                (
                    banner_part_key(locale, verified, current_user.id, current_user.email),
                    "base.html#verify_banner",
                    own,
                ),
                (jobs_part_key(jobs, locale), JOBS_PART, {"jobs": jobs}),
            ],
        )
        if html is not None:
            made = (frame_key(article.slug, locale), article, sync_content_version())
            request.environ[FRAME_PAGE] = made
            return html
    return render_template("articles/show.html", **own, **shared())


# The article pages every Digital+ reader shares, and the parts filled into them, are kept
# under these keys (delivery/frames.py adds the content version); pages/subscriber_page.py
# finds them under the same keys before the app is reached.
# environ: (the frame's key, the article, the content version) of a page made from a frame
FRAME_PAGE = "newsroom.frame"
SIDEBAR_PART = "articles/_part_sidebar.html"
READING_LIST_PART = "articles/_part_reading_list.html"
JOBS_PART = "articles/_part_jobs.html"


def frame_key(slug: str, locale: tuple) -> tuple:
    return (slug, *locale, "digital_plus")


def reading_list_part_key(slug: str, locale: tuple, saved: bool) -> tuple:
    return (slug, *locale, saved)


def sidebar_part_key(picks: recommendations.Recommendations, locale: tuple) -> tuple:
    return ("sidebar", *locale, picks.source, tuple(picks.items))


def jobs_part_key(jobs: list[dict], locale: tuple) -> tuple:
    return ("jobs", *locale, tuple(tuple(job.items()) for job in jobs))


def banner_part_key(locale: tuple, verified: bool, reader: int, address: str) -> tuple:
    """Nothing for a verified reader; an unverified one's banner names their address, so
    it is kept for them alone (and made again when the address changes)."""
    return ("verify-banner", *locale) if verified else ("verify-banner", *locale, reader, address)


def gift_part_key(
    slug: str, locale: tuple, state: str | None, allowance: Allowance | None, verified: bool
) -> tuple | None:
    """The gift button and dialog are the same for every reader in the same state with the
    same allowance, except a gift already given (its own link)."""
    if state is None or state == "given":
        return None
    return ("gift", slug, *locale, state, allowance, verified)


def shares_the_subscriber_frame(opening: Opening) -> bool:
    """A Digital+ reader without a gift token, any parameter or a message waiting."""
    return (
        opening.digital_plus
        and opening.gift is None
        and not request.args
        and "_flashes" not in session
    )


def with_article_headers(response: Response, access: Access, gift_link: bool) -> Response:
    """A page with the reader's own access is theirs alone; any other is public or not by
    the rules every public page follows (delivery/public.py)."""
    if access.varies_by_reader or gift_link:
        response.headers["Cache-Control"] = "private, no-store"
    if gift_link:
        # The token must not travel to other sites, and gift views are not for search engines.
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def remember_read(article: ArticleRecord, state: history.ReaderState) -> None:
    """Record the read after the page is rendered; a failure here must not cost the reader
    the article they are already looking at."""
    article_id, reader_id = article.id, current_user.id
    try:
        written = history.record_read(
            db.session, reader_id, article_id, request_now(), setting("TIMEZONE"), state
        )
        if written:
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("could not record a read of article %s", article_id)


def article_answer(article: ArticleRecord, token: str | None, now) -> Response:
    """The article page (or its JSON) for the reader at hand, opened with the gift token the
    request came with, if any; `g.gift_rejected` tells the token-failure limit."""
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
    add_keys(*keys_for(article))  # its section and author too: the byline and section link
    if wants_json():
        response = jsonify(article_json(article, opening.access))
    else:
        response = make_response(render_article(article, opening))
    if opening.state is not None and opening.access.full:
        remember_read(article, opening.state)  # after rendering, and never at the page's cost
    if opening.gift_opened:
        showing.set_cookies(response)  # the browser's id and the mark that counts the open
    return with_article_headers(response, opening.access, gift_link=opening.link_given)
