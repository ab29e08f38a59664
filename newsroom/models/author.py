from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from newsroom.models.base import Base
from newsroom.slugs import slugify


def _author_slug(context) -> str:
    """For authors created without one; the importer picks a free slug itself."""
    return slugify(context.get_current_parameters()["name"])


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # Made once, when the author is first imported, and kept: addresses stay stable.
    slug: Mapped[str] = mapped_column(String(80), unique=True, default=_author_slug)
    title: Mapped[str] = mapped_column(String(200), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
