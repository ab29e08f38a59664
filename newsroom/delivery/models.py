from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from newsroom.core.orm import Base


class ContentVersion(Base):
    """A counter per kind of published content, raised by every editorial change (import,
    re-import, a lock or publication change), so every app server sees the change at once
    and drops the pages it rendered before."""

    __tablename__ = "content_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
