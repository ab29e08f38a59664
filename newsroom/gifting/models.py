import math
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from newsroom.articles.models import Article
from newsroom.core.orm import Base, UTCDateTime, utcnow

NOTE_MAX_LENGTH = 280
PEOPLE_LIMITS = range(1, 11)  # how many people a giver may let a link open for
LINK_DAYS = (1, 7, 30)  # the lives a giver may choose, none longer than GIFT_LINK_DAYS
SIGNUP = "signup"
DIGITAL_PLUS = "digital_plus"


class Gift(Base):
    """One locked article given by a subscriber in one calendar month (site time zone)."""

    __tablename__ = "gifts"
    __table_args__ = (
        # The same article twice in a month is the same gift: one row, one slot.
        UniqueConstraint("giver_id", "article_id", "month"),
        Index("ix_gifts_giver_month", "giver_id", "month"),
        Index("ix_gifts_giver_created", "giver_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))  # "YYYY-MM" in the site time zone
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The people (browsers that showed the page) counted against `people_limit` since the
    # link was last given; "opened by" on My gifts counts every one, from gift_opens.
    open_count: Mapped[int] = mapped_column(default=0)
    # At most this many people may open the link (None: no limit), chosen by the giver.
    people_limit: Mapped[int | None] = mapped_column()
    # The life the giver chose in days (None: the site's GIFT_LINK_DAYS, the longest).
    link_days: Mapped[int | None] = mapped_column()
    # Plain text from the giver for the recipient, at most NOTE_MAX_LENGTH characters.
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX_LENGTH))
    # The giver's interface language when giving: mails to the giver about it use it.
    locale: Mapped[str | None] = mapped_column(String(8))

    article: Mapped[Article] = relationship(lazy="joined", innerjoin=True)

    def works(self, now: datetime) -> bool:
        return works_at(self, now)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def days_left(self, now: datetime) -> int:
        """Whole days (begun) until the link stops opening; 0 once it no longer does."""
        if not self.works(now):
            return 0
        return math.ceil((self.expires_at - now) / timedelta(days=1))

    @property
    def is_full(self) -> bool:
        """As many people as the giver allowed have opened the link."""
        return not has_room(self)


def works_at(gift, now: datetime):
    """ "This gift link still opens at `now`": not revoked, and `expires_at` (the first
    moment it no longer opens) not reached.

    Like `visible_at`: given a Gift row (or a row of its columns) it is a bool; given the
    Gift class it is the SQL clause. `== None` (not `is`) is what makes the second work."""
    return (gift.revoked_at == None) & (gift.expires_at > now)  # noqa: E711


def has_room(gift):
    """ "One more person may open this link": it has no people limit, or fewer have opened it.
    Like `works_at`, a bool for a Gift row (or a row of its columns), the SQL clause for the
    Gift class."""
    if isinstance(gift, type):
        return or_(gift.people_limit.is_(None), gift.open_count < gift.people_limit)
    return gift.people_limit is None or gift.open_count < gift.people_limit


class GiftOpen(Base):
    """One person who opened a gift: a recipient browser (by its signed first-party cookie)
    that showed the page, as its script or its next click told the site (gifting/opens.py).
    Fetching the link alone never makes a row. `user_id` is filled once that browser logs
    in or registers; `read_at` once its script saw the end of the article."""

    __tablename__ = "gift_opens"
    __table_args__ = (
        UniqueConstraint("gift_id", "browser_id"),
        Index("ix_gift_opens_browser_opened", "browser_id", "opened_at"),
        Index("ix_gift_opens_user_opened", "user_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gift_id: Mapped[int] = mapped_column(ForeignKey("gifts.id", ondelete="CASCADE"))
    browser_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class GiftOutcome(Base):
    """What a gift led to: an account created, or Digital+ taken, credited to the most
    recent gift the reader opened within the attribution window. Once per reader and kind."""

    __tablename__ = "gift_outcomes"
    __table_args__ = (
        UniqueConstraint("user_id", "kind"),
        Index("ix_gift_outcomes_gift", "gift_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gift_id: Mapped[int] = mapped_column(ForeignKey("gifts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # SIGNUP or DIGITAL_PLUS
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GiftRequest(Base):
    """A recipient of an expired or revoked link asked the giver for a new one."""

    __tablename__ = "gift_requests"
    __table_args__ = (Index("ix_gift_requests_gift", "gift_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gift_id: Mapped[int] = mapped_column(ForeignKey("gifts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Where the new link should go, if the asker left an address: kept only until the
    # giver sends it (the outbox then forgets it once the mail is sent).
    email: Mapped[str | None] = mapped_column(String(254))
    # The asker's interface language, for that mail.
    locale: Mapped[str | None] = mapped_column(String(8))
    # The asker's account, when they asked logged in: the giver sees their first name.
    asker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
