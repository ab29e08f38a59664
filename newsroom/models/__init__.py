"""All models, imported here so Alembic and the app see one metadata."""

from newsroom.models.article import Article
from newsroom.models.author import Author
from newsroom.models.billing import StripeCustomer, StripeEvent
from newsroom.models.content_version import ContentVersion
from newsroom.models.gift import Gift, GiftOpen, GiftOutcome, GiftRequest
from newsroom.models.job import Job
from newsroom.models.outbox import OutboxMail
from newsroom.models.plan import Plan
from newsroom.models.reading_history import ArticleRead, DailyArticleViews
from newsroom.models.reading_list import ReadingListItem
from newsroom.models.search import is_search_table
from newsroom.models.subscription import Subscription
from newsroom.models.user import User

__all__ = [
    "Article",
    "ArticleRead",
    "Author",
    "ContentVersion",
    "DailyArticleViews",
    "Gift",
    "GiftOpen",
    "GiftOutcome",
    "GiftRequest",
    "Job",
    "OutboxMail",
    "Plan",
    "StripeCustomer",
    "StripeEvent",
    "ReadingListItem",
    "Subscription",
    "User",
    "is_search_table",
]
