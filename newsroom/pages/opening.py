"""Opening an article: who may read it all (Digital+, a gift link, a gift this account opened
before) and where the reader stands with it, in one call the article page makes."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from newsroom.articles import paywall
from newsroom.articles.paywall import Access, GiftState
from newsroom.articles.queries import ArticleRecord
from newsroom.billing.subscriptions import active_clause
from newsroom.gifting import links
from newsroom.gifting.allowance import Policy
from newsroom.reading import history


@dataclass(frozen=True)
class Opening:
    access: Access
    gift: links.LinkCheck | None  # the gift the reader came with or kept, when there is one
    state: history.ReaderState | None  # None for an anonymous reader
    link_given: bool  # a gift token came with the request, good or not
    digital_plus: bool  # the reader has Digital+ now

    @property
    def gift_opened(self) -> bool:
        """A good gift link was opened (nothing is counted until the page is shown)."""
        return self.link_given and self.gift is not None and self.gift.state is GiftState.VALID

    @property
    def link_refused(self) -> bool:
        """A gift link was checked and did not open the article (expired, revoked, forged)."""
        return self.link_given and self.gift is not None and self.gift.state is not GiftState.VALID


def open_article(
    session: Session,
    article: ArticleRecord,
    reader_id: int | None,
    token: str | None,
    now: datetime,
    policy: Policy,
    browser_id: Callable[[], str | None],
) -> Opening:
    """`browser_id` is asked only when a gift link is opened (it may mint a new id)."""
    state, has_digital_plus = reader_standing(session, reader_id, article.id, now)
    gift = None
    if token is not None and article.locked:
        gift = links.open_gift(
            session, token, article.id, now, policy, browser_id=browser_id(), user_id=reader_id
        )
    elif reader_id is not None and article.locked and not has_digital_plus:
        # A recipient who made an account keeps the gift for the link's remaining days.
        kept = links.account_gift(session, reader_id, article.id, now)
        gift = kept if kept.state is GiftState.VALID else None
    access = paywall.access(article, has_digital_plus, gift.state if gift else None)
    return Opening(access, gift, state, token is not None, has_digital_plus)


def reader_standing(
    session: Session, reader_id: int | None, article_id: int, now: datetime
) -> tuple[history.ReaderState | None, bool]:
    """The reader's history with the article and whether they have Digital+ now, in the one
    query the page makes for a logged-in reader anyway."""
    if reader_id is None:
        return None, False
    query = history.state_query(reader_id, article_id).add_columns(active_clause(reader_id, now))
    row = session.execute(query).first()
    if row is None:  # the article went between loading its record and now
        return history.ReaderState(), False
    *state, has_digital_plus = row
    return history.ReaderState(*state), bool(has_digital_plus)
