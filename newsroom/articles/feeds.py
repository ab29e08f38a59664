"""Feeds: public text only, the same for every reader."""

from flask import Response, make_response, render_template

from newsroom.models import Article
from newsroom.web.helpers import request_now


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
    return response
