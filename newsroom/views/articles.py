"""The front page, article pages, the feed and the sitemap."""

import logging

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from newsroom.extensions import db, limiter
from newsroom.models import Article
from newsroom.services import (
    articles,
    clock,
    gifting,
    jobs,
    paywall,
    reading,
    reading_list,
    recommendations,
)
from newsroom.services.articles import ArticleRecord
from newsroom.services.paywall import Access, GiftState, Grant
from newsroom.web import browsers, gift_dialog
from newsroom.web.cache import cached
from newsroom.web.helpers import request_now, setting, site_url, wants_json
from newsroom.web.i18n import format_locale
from newsroom.web.page_cache import render_in_frame, sync_content_version
from newsroom.web.policy import gift_policy
from newsroom.web.share import share_links

bp = Blueprint("articles", __name__)
log = logging.getLogger("newsroom.articles")

LOCKED_PART_CLASS = "paywalled-content"
MAX_PAGE = 10_000


def page_number() -> int:
    # Werkzeug's type=int falls back to the default on junk; "?page=abc" is a wrong address.
    raw = request.args.get("page", "1")
    if not raw.isdecimal() or not 1 <= int(raw) <= MAX_PAGE:
        abort(404)
    return int(raw)


def top_jobs() -> list[dict]:
    def load() -> list[dict]:
        return [
            {"title": j.title, "employer": j.employer, "location": j.location, "url": j.url}
            for j in jobs.newest(db.session, limit=5)
        ]

    return cached("top-jobs", load)


def most_read() -> recommendations.Recommendations:
    now, tz = request_now(), setting("TIMEZONE")
    key = f"most-read:{clock.local_date(now, tz).isoformat()}"
    return cached(key, lambda: recommendations.popular(db.session, now, tz))


def recommended(exclude_id: int | None = None) -> recommendations.Recommendations:
    reader = current_user.id if current_user.is_authenticated else None
    now = request_now()

    def picks() -> list[recommendations.Teaser]:
        # Public teasers of the reader's own picks: a just-read article may linger for
        # the sidebar's few seconds, as in any cached sidebar.
        return cached(
            f"picks:{reader}", lambda: recommendations.reader_picks(db.session, reader, now)
        )

    return recommendations.recommend(db.session, reader, now, most_read, exclude_id, picks=picks)


def saved_ids(items: list[Article]) -> set[int]:
    """The listed articles on the reader's list; only Digital+ readers see their list."""
    if not (current_user.is_authenticated and current_user.has_digital_plus):
        return set()
    return reading_list.saved_ids(db.session, current_user.id, [a.id for a in items])


def article_summary(article: Article | ArticleRecord) -> dict:
    """What any reader may see of an article, for listings and JSON."""
    return {
        "slug": article.slug,
        "url": site_url(url_for("articles.show", slug=article.slug)),
        "headline": article.headline,
        "lead": article.lead,
        "section": article.section,
        "kind": article.kind,
        "language": article.language,
        "locked": article.locked,
        "published_at": article.published_at.isoformat(),
        "author": {"name": article.author.name, "title": article.author.title},
    }


@bp.get("/")
def front():
    page = articles.front_page(
        db.session, request_now(), page_number(), setting("ARTICLES_PER_PAGE")
    )
    if not page.items and page.has_previous:
        abort(404)  # past the last page
    if wants_json():
        return jsonify(
            {
                "articles": [article_summary(a) for a in page.items],
                "page": page.number,
                "has_next": page.has_next,
            }
        )
    return render_template(
        "articles/index.html",
        page=page,
        jobs=top_jobs(),
        saved_ids=saved_ids(page.items),
        recommendations=recommended(),
    )


def article_record(slug: str) -> ArticleRecord | None:
    """The same for every reader (access is decided per request), so it is cached for
    ARTICLE_CACHE_SECONDS. Each copy is a whole row: a body is only ever shown under its own
    version's lock. An editor's lock, unpublish or re-import raises the content version,
    which empties the cache at once."""
    if setting("ARTICLE_CACHE_SECONDS") > 0:
        sync_content_version()
    return cached(
        f"article:{slug}",
        lambda: articles.record_by_slug(db.session, slug),
        setting="ARTICLE_CACHE_SECONDS",
    )


def _gift_rejected(_response) -> bool:
    return bool(g.get("gift_rejected"))


@bp.get("/articles/<slug>")
@limiter.limit(
    lambda: setting("GIFT_TOKEN_FAILURE_LIMIT"),
    exempt_when=lambda: "gift" not in request.args,
    deduct_when=_gift_rejected,
)
def show(slug: str):
    now = request_now()
    article = article_record(slug)
    if article is None or not article.is_visible(now):
        abort(404)
    state = None
    if current_user.is_authenticated:
        state = reading.state_of(db.session, current_user.id, article.id)
    token = request.args.get("gift")
    opened = None
    reader_id = current_user.id if current_user.is_authenticated else None
    if token is not None and article.locked:
        opened = gifting.open_gift(
            db.session,
            token,
            article.id,
            now,
            gift_policy(),
            browser_id=browsers.recipient_browser(),
            user_id=reader_id,
        )
        g.gift_rejected = opened.state is not GiftState.VALID
    elif reader_id is not None and article.locked and not current_user.has_digital_plus:
        # A recipient who made an account keeps the gift for the link's remaining days.
        kept = gifting.account_gift(db.session, reader_id, article.id, now)
        opened = kept if kept.state is GiftState.VALID else None
    access = paywall.access(
        article, current_user.has_digital_plus, opened.state if opened else None
    )
    if token is not None and opened.state is GiftState.VALID:
        db.session.commit()  # the open count, which also ends the write lock it took

    if wants_json():
        response = jsonify(article_json(article, access))
    else:
        saved = bool(state and state.saved and current_user.has_digital_plus)
        response = make_response(render_article(article, access, opened, saved))
    if state is not None and access.full:
        remember_read(article, state)
    if opened is not None and opened.state is GiftState.VALID:
        browsers.set_cookie(response)
    return with_article_headers(response, access, gift_link=token is not None)


def remember_read(article: ArticleRecord, state: reading.ReaderState) -> None:
    """Record the read after the page is rendered; a failure here must not cost the reader
    the article they are already looking at."""
    article_id, reader_id = article.id, current_user.id
    try:
        written = reading.record_read(
            db.session, reader_id, article_id, request_now(), setting("TIMEZONE"), state
        )
        if written:
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("could not record a read of article %s", article_id)


def article_json(article: ArticleRecord, access: Access) -> dict:
    data = article_summary(article)
    data["access"] = access.grant.value
    data["teaser_html"] = article.teaser_html
    if access.full:
        data["body_html"] = article.teaser_html + article.rest_html
    return data


def render_article(article: ArticleRecord, access: Access, opened, saved: bool) -> str:
    url = site_url(url_for("articles.show", slug=article.slug))
    dialog = None
    # A gift recipient is offered Digital+ instead: giving would only lead to an upsell.
    if access.grant is not Grant.GIFT and (article.locked or current_user.has_digital_plus):
        dialog = gift_dialog.dialog_for(article)
    own = {
        "article": article,
        "access": access,
        "opened": opened,
        "dialog": dialog,
        "saved": saved,
        "recommendations": recommended(article.id),
    }

    def shared() -> dict:
        return {
            "canonical_url": url,
            "share": share_links(url, article.headline),
            "json_ld": json_ld(article, url),
            "locked_part_class": LOCKED_PART_CLASS,
            "jobs": top_jobs(),
        }

    if shares_the_subscriber_frame(opened):
        # Every Digital+ reader sees the same page but for the gift dialog, the reading-list
        # toggle, the recommendations and the verify banner: kept once, those filled in.
        locale = (str(get_locale()), format_locale())
        frame_context = {**own, "dialog": None, "saved": False, "recommendations": None}
        html = render_in_frame(
            (article.slug, *locale, "digital_plus"),
            "articles/_reader_frame.html",
            {**frame_context, **shared()},
            [
                (gift_part_key(article, dialog, locale), "articles/_part_gift.html", own),
                ((article.slug, *locale, saved), "articles/_part_reading_list.html", own),
                (sidebar_part_key(own["recommendations"], locale), SIDEBAR_PART, own),
                (banner_part_key(locale), "base.html#verify_banner", own),
            ],
        )
        if html is not None:
            return html
    return render_template("articles/show.html", **own, **shared())


SIDEBAR_PART = "articles/_part_sidebar.html"


def sidebar_part_key(picks: recommendations.Recommendations, locale: tuple) -> tuple:
    return ("sidebar", *locale, picks.source, tuple(picks.items))


def banner_part_key(locale: tuple) -> tuple | None:
    """Nothing for a verified reader; an unverified one's banner names their address."""
    return ("verify-banner", *locale) if current_user.is_verified else None


def gift_part_key(article, dialog, locale: tuple) -> tuple | None:
    """The gift button and dialog are the same for every reader in the same state with the
    same allowance, except a gift already given (its own link)."""
    if dialog is None or dialog.state == "given" or dialog.gift is not None:
        return None
    return ("gift", article.slug, *locale, dialog.state, dialog.allowance, dialog.message)


def shares_the_subscriber_frame(opened) -> bool:
    """A Digital+ reader without a gift token, any parameter or a message waiting."""
    return (
        current_user.is_authenticated
        and current_user.has_digital_plus
        and opened is None
        and not request.args
        and "_flashes" not in session
    )


def json_ld(article: ArticleRecord, url: str) -> dict:
    """schema.org NewsArticle; a locked article names its locked part, as paywall guidelines ask."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.lead,
        "inLanguage": article.language,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "author": {
            "@type": "Person",
            "name": article.author.name,
            "jobTitle": article.author.title,
        },
        "publisher": {"@type": "Organization", "name": current_app.config["SITE_NAME"]},
        "mainEntityOfPage": url,
        "isAccessibleForFree": not article.locked,
    }
    if article.image:
        data["image"] = article.image
    if article.locked:
        data["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": "." + LOCKED_PART_CLASS,
        }
    return data


def with_article_headers(response: Response, access: Access, gift_link: bool) -> Response:
    if access.personal or gift_link:
        response.headers["Cache-Control"] = "private, no-store"
    else:
        response.headers["Cache-Control"] = "private, no-cache"
    if gift_link:
        # The token must not travel to other sites, and gift views are not for search engines.
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/feed.xml")
def feed():
    items = articles.latest_for_feed(db.session, request_now())
    return atom_feed(
        items,
        title=setting("SITE_NAME"),
        self_url=site_url(url_for("articles.feed")),
        page_url=site_url(url_for("articles.front")),
    )


def atom_feed(items: list[Article], title: str, self_url: str, page_url: str) -> Response:
    """Public text only (headline, lead, byline), the same for everyone: shared caches may
    keep it, so it reads and sets no cookie."""
    xml = render_template(
        "articles/feed.xml",
        items=items,
        now=request_now(),
        title=title,
        self_url=self_url,
        page_url=page_url,
    )
    response = make_response(xml)
    response.mimetype = "application/atom+xml"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/sitemap.xml")
def sitemap():
    items = articles.latest_for_feed(db.session, request_now(), limit=5000)
    response = make_response(render_template("articles/sitemap.xml", items=items))
    response.mimetype = "application/xml"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
