"""The JSON shape of a gift on "My gifts" (GET /gifts)."""

from newsroom.models import Gift
from newsroom.services.gifting import Figures


def gift_json(gift: Gift, url: str, figures: Figures) -> dict:
    """`url` is kept for withdrawn and expired gifts; `revoked` is false or the time."""
    return {
        "id": gift.id,
        "slug": gift.article.slug,
        "url": url,
        "created_at": gift.created_at.isoformat(),
        "expires_at": gift.expires_at.isoformat(),
        "revoked": gift.revoked_at.isoformat() if gift.revoked_at else False,
        "opens": figures.opens,
        "signups": figures.signups,
        "subscriptions": figures.subscriptions,
        "requests": figures.requests,
    }
