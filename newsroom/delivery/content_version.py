"""The version of the published content: one number that changes with every editorial
change, so pages rendered from older content are known to be stale wherever they are kept.

It is raised in the editor's own transaction, so it becomes visible together with the
change it announces: a reader who sees the new number also sees the new content.
"""

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from newsroom.core.signals import article_changed, author_changed
from newsroom.models import ContentVersion

ARTICLES = "articles"
READ_SQL = "SELECT value FROM content_versions WHERE name = 'articles'"


@article_changed.connect
@author_changed.connect
def _content_changed(_sender, session: Session) -> None:
    # Readers see the change at once: every page rendered from the old content is stale.
    bump(session)


def bump(session: Session, name: str = ARTICLES) -> None:
    """One statement, safe against a concurrent bump: insert the counter or raise it."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ContentVersion).values(name=name, value=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[ContentVersion.name],
            set_={"value": ContentVersion.value + 1},
        )
    )


def current(session: Session, name: str = ARTICLES) -> int:
    return session.scalar(select(ContentVersion.value).where(ContentVersion.name == name)) or 0
