"""What the reading-list tests share: the offer's sentence and the list's rows."""

from datetime import datetime

from sqlalchemy import select

from newsroom.extensions import db
from newsroom.models import ReadingListItem

UPSELL = (
    "This feature requires Digital+: with a Digital+ subscription you can make your own "
    "reading list and read the articles when it suits you"
)


def rows(app, user_id: int) -> list[int]:
    with app.app_context():
        query = (
            select(ReadingListItem.article_id)
            .where(ReadingListItem.user_id == user_id)
            .order_by(ReadingListItem.article_id)
        )
        return list(db.session.scalars(query))


def save(app, user_id: int, article_id: int, saved_at: datetime) -> None:
    with app.app_context():
        db.session.add(ReadingListItem(user_id=user_id, article_id=article_id, saved_at=saved_at))
        db.session.commit()
