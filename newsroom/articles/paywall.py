"""Who may read the whole of an article. Pure: no database, no request."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Lockable(Protocol):
    """All the paywall needs to know of an article (a model row or a cached record)."""

    locked: bool


class Grant(StrEnum):
    FREE = "free"
    SUBSCRIBER = "subscriber"
    GIFT = "gift"
    DENIED = "denied"


class GiftState(StrEnum):
    """What a gift token turned out to be, as far as the reader is concerned."""

    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"
    WRONG_ARTICLE = "wrong_article"
    REVOKED = "revoked"
    FULL = "full"  # opened by as many people as its giver allowed


@dataclass(frozen=True)
class Access:
    grant: Grant
    gift_state: GiftState | None = None  # set when a gift token came with the request

    @property
    def full(self) -> bool:
        return self.grant is not Grant.DENIED

    @property
    def varies_by_reader(self) -> bool:
        """The page differs by who asks, so no shared cache may keep it."""
        return self.grant in (Grant.SUBSCRIBER, Grant.GIFT)


def access(article: Lockable, has_digital_plus: bool, gift_state: GiftState | None) -> Access:
    """Free articles are open to all; locked ones to Digital+ or a valid gift for this article."""
    if not article.locked:
        return Access(Grant.FREE, gift_state)
    if has_digital_plus:
        return Access(Grant.SUBSCRIBER, gift_state)
    if gift_state is GiftState.VALID:
        return Access(Grant.GIFT, gift_state)
    return Access(Grant.DENIED, gift_state)
