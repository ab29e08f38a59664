"""What the site keeps about a reader: the export of all of it, and deleting the account."""

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from newsroom.billing import stripe_events, subscriptions
from newsroom.billing.gateway import StripeGateway
from newsroom.database import begin_write
from newsroom.mail import outbox
from newsroom.models import (
    Article,
    ArticleRead,
    Gift,
    GiftOpen,
    ReadingListItem,
    Subscription,
    User,
)

EXPORT_FORMAT = 1

# A deleted account keeps its row (gifts it gave point at it) with no personal data in it.
DELETED_EMAIL_DOMAIN = "deleted.invalid"
NO_PASSWORD = "!"  # matches no password: Werkzeug refuses a hash without a method


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export(session: Session, user: User, now: datetime) -> dict:
    """Everything kept about one reader, as plain JSON-ready data."""
    periods = session.scalars(
        select(Subscription).where(Subscription.user_id == user.id).order_by(Subscription.starts_at)
    )
    gifts = session.scalars(
        select(Gift).where(Gift.giver_id == user.id).order_by(Gift.created_at, Gift.id)
    )
    saved = session.scalars(
        select(ReadingListItem)
        .where(ReadingListItem.user_id == user.id)
        .order_by(ReadingListItem.saved_at, ReadingListItem.id)
    )
    history = session.execute(
        select(ArticleRead, Article.slug, Article.headline)
        .join(Article, Article.id == ArticleRead.article_id)
        .where(ArticleRead.user_id == user.id)
        .order_by(ArticleRead.first_read_at, Article.slug)
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _iso(now),
        "profile": {
            "email": user.email,
            "name": user.name,
            "created_at": _iso(user.created_at),
            "email_verified_at": _iso(user.email_verified_at),
        },
        "digital_plus_periods": [
            {
                "plan": period.plan,
                "starts_at": _iso(period.starts_at),
                "ends_at": _iso(period.ends_at),
                "cancelled_at": _iso(period.cancelled_at),
            }
            for period in periods
        ],
        "gifts": [
            {
                "article": gift.article.slug,
                "headline": gift.article.headline,
                "month": gift.month,
                "note": gift.note,
                "created_at": _iso(gift.created_at),
                "expires_at": _iso(gift.expires_at),
                "revoked_at": _iso(gift.revoked_at),
                "opens": gift.open_count,
            }
            for gift in gifts
        ],
        "reading_list": [
            {
                "article": item.article.slug,
                "headline": item.article.headline,
                "saved_at": _iso(item.saved_at),
            }
            for item in saved
        ],
        "reading_history": [
            {
                "article": slug,
                "headline": headline,
                "first_read_at": _iso(read.first_read_at),
                "last_read_at": _iso(read.last_read_at),
            }
            for read, slug, headline in history
        ],
    }


def delete_account(
    session: Session, user: User, now: datetime, stripe: StripeGateway | None
) -> None:
    """J6: delete a reader: personal data gone, every session ended, Digital+ stopped.

    With `stripe` (Digital+ is sold on the site) their Stripe subscriptions are cancelled
    first; if Stripe cannot be reached (ProviderUnavailable), nothing is changed. The row
    stays as an empty shell (no name, no address, no password), so the gifts the reader gave
    keep opening without naming anyone, and the counts of what gifts achieved stay whole but
    anonymous.
    """
    # The lock comes first so the cancellation at Stripe and the deletion commit as one.
    begin_write(session)
    if stripe is not None:
        stripe_events.cancel_at_stripe(session, stripe, user.id)
    subscriptions.end_periods(session, user.id, now)
    address = user.email
    for table in (ReadingListItem, ArticleRead):
        session.execute(
            delete(table)
            .where(table.user_id == user.id)
            .execution_options(synchronize_session=False)
        )
    # The gifts they gave keep working; the notes they wrote may name them, so they go.
    session.execute(
        update(Gift)
        .where(Gift.giver_id == user.id)
        .values(note=None)
        .execution_options(synchronize_session=False)
    )
    # Gifts they opened stay counted, no longer tied to them.
    session.execute(
        update(GiftOpen)
        .where(GiftOpen.user_id == user.id)
        .values(user_id=None)
        .execution_options(synchronize_session=False)
    )
    outbox.forget_recipient(session, address)
    user.email = f"deleted-{user.id}@{DELETED_EMAIL_DOMAIN}"
    user.name = ""
    user.password_hash = NO_PASSWORD
    user.email_verified_at = None
    user.deleted_at = now
    user.session_version += 1
    session.flush()
