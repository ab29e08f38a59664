"""The front page, article pages, the feed and the sitemap."""

from flask import (
    Blueprint,
    abort,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from newsroom.articles import old_slugs, queries
from newsroom.articles.api import article_summary
from newsroom.articles.feeds import atom_feed
from newsroom.extensions import db, limiter
from newsroom.pages.article_page import article_answer, article_record
from newsroom.reading.sidebars import recommended, saved_ids, top_jobs
from newsroom.web.helpers import page_number, request_now, setting, site_url, wants_json

bp = Blueprint("articles", __name__)


@bp.get("/")
def front():
    page = queries.front_page(
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
    if article is None and (moved := old_slugs.moved_to(db.session, slug, now)):
        return redirect(url_for("articles.show", slug=moved, **request.args), 301)
    if article is None or not article.is_visible(now):
        abort(404)
    return article_answer(article, request.args.get("gift"), now)


@bp.get("/feed.xml")
def feed():
    items = queries.latest_for_feed(db.session, request_now())
    return atom_feed(
        items,
        title=setting("SITE_NAME"),
        self_url=site_url(url_for("articles.feed")),
        page_url=site_url(url_for("articles.front")),
    )


@bp.get("/sitemap.xml")
def sitemap():
    items = queries.latest_for_feed(db.session, request_now(), limit=5000)
    response = make_response(render_template("articles/sitemap.xml", items=items))
    response.mimetype = "application/xml"
    return response
