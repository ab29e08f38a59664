"""All models, imported here so Alembic and the app see one metadata."""

from newsroom.accounts.models import User
from newsroom.articles.models import (
    Article,
    ArticleRevision,
    Author,
    OldSectionSlug,
    OldSlug,
    Section,
)
from newsroom.billing.models import Plan, StripeCustomer, StripeEvent, Subscription
from newsroom.delivery.models import ContentVersion, PendingPurge
from newsroom.desk.models import AuditEntry, PreviewLink
from newsroom.gifting.models import Gift, GiftOpen, GiftOutcome, GiftRequest
from newsroom.jobs.models import Job
from newsroom.mail.models import OutboxMail
from newsroom.reading.models import ArticleRead, DailyArticleViews, ReadingListItem
from newsroom.search.models import is_search_table

__all__ = [
    "Article",
    "ArticleRead",
    "ArticleRevision",
    "AuditEntry",
    "Author",
    "ContentVersion",
    "DailyArticleViews",
    "Gift",
    "GiftOpen",
    "GiftOutcome",
    "GiftRequest",
    "Job",
    "OldSectionSlug",
    "OldSlug",
    "OutboxMail",
    "PendingPurge",
    "Plan",
    "PreviewLink",
    "StripeCustomer",
    "StripeEvent",
    "ReadingListItem",
    "Section",
    "Subscription",
    "User",
    "is_search_table",
]
