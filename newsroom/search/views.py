"""Search: a page of results, or the same as JSON when asked."""

from flask import Blueprint, abort, jsonify, render_template, request
from flask_login import current_user

from newsroom.articles.api import article_summary
from newsroom.extensions import db
from newsroom.reading.sidebars import saved_ids
from newsroom.search import finding
from newsroom.web.helpers import page_number, request_now, setting, wants_json

bp = Blueprint("search", __name__)


@bp.get("/search")
def index():
    query = request.args.get("q", "")
    full_access = current_user.has_digital_plus
    results = finding.search(
        db.session,
        query,
        request_now(),
        full_access,
        request.args.get("order", finding.BEST),
        page_number(),
        setting("SEARCH_PER_PAGE"),
    )
    if results.past_the_last and wants_json():
        abort(404)
    shown = [(hit, finding.highlighted(hit.article, results.terms)) for hit in results.page.items]
    if wants_json():
        return jsonify(results_json(query, results, shown, full_access))
    html = render_template(
        "search/index.html",
        query=query,
        results=results,
        shown=shown,
        full_access=full_access,
        saved_ids=saved_ids([hit.article for hit in results.page.items]),
    )
    # Past the last page the search stays, with the way back; nothing for a cache to keep.
    return html, 404 if results.past_the_last else 200


def results_json(query: str, results: finding.Results, shown: list, full_access: bool) -> dict:
    items = []
    for hit, marked in shown:
        item = article_summary(hit.article)
        item.update(
            headline_html=str(marked.headline),
            lead_html=str(marked.lead),
            excerpt_html=str(marked.excerpt),
        )
        if full_access:
            item["matched_locked_part"] = hit.matched_locked_part
        items.append(item)
    return {
        "query": query,
        "terms": results.terms,
        "order": results.order,
        "count": results.count,
        "page": results.page.number,
        "has_next": results.page.has_next,
        "pages": results.pages,
        "results": items,
    }
