"""The JSON shapes of gifts: one on "My gifts" (GET /gifts), and the answer to giving one."""

from dataclasses import asdict
from datetime import datetime

from newsroom.articles.share import share_links
from newsroom.gifting import messages
from newsroom.gifting.dialog import allowance_json
from newsroom.gifting.giving import GiftResult
from newsroom.gifting.report import Figures
from newsroom.gifting.requests import Asker
from newsroom.models import Gift


def gift_json(gift: Gift, url: str, figures: Figures, askers: list[Asker], now: datetime) -> dict:
    """`url` is kept for revoked and expired gifts; `revoked` is false or the time. `opens`
    counts people (browsers that showed the page), `read_to_end` those whose page reached
    the end of the article; `asked_by` lists who is waiting for a new link (a first name, an
    address, or neither)."""
    return {
        "id": gift.id,
        "slug": gift.article.slug,
        "url": url,
        "created_at": gift.created_at.isoformat(),
        "expires_at": gift.expires_at.isoformat(),
        "revoked": gift.revoked_at.isoformat() if gift.revoked_at else False,
        "opens": figures.opens,
        "read_to_end": figures.read,
        "people_limit": gift.people_limit,
        "link_days": gift.link_days,
        "days_left": gift.days_left(now),
        "signups": figures.signups,
        "subscriptions": figures.subscriptions,
        "requests": figures.requests,
        "asked_by": [{"name": a.name, "email": a.email} for a in askers],
    }


def given_json(article, result: GiftResult, url: str, mailed_text: str | None) -> dict:
    """The answer to giving: the link, its share channels and the allowance after it; for a
    free article (`free`) the plain link, with nothing counted."""
    share = [asdict(link) for link in share_links(url, article.headline)]
    body = {"url": url, **allowance_json(result.allowance), "created": result.created}
    body.update(free=result.gift is None, share=share)
    if mailed_text:
        body["mailed_text"] = mailed_text
    if result.gift is not None:
        body["expires_at"] = result.gift.expires_at.isoformat()
        body["expires_text"] = messages.link_works_until(result.gift)
        body["note"] = result.gift.note
        body["people_limit"] = result.gift.people_limit
        body["link_days"] = result.gift.link_days
    return body
