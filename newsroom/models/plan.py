from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from newsroom.models.base import Base


class Plan(Base):
    """What a subscription includes. A subscription names its plan by code."""

    __tablename__ = "plans"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    # Locked articles a subscriber may give per calendar month; None follows the site's
    # GIFTS_PER_MONTH, which is how the default plan (Digital+, 5) is set.
    gifts_per_month: Mapped[int | None] = mapped_column()
