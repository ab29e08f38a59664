from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ColumnElement, String
from sqlalchemy.orm import Mapped, mapped_column

from newsroom.core.orm import Base, UTCDateTime, utcnow


def first_name(name: str) -> str:
    """What a banner calls someone: the first word of their name."""
    return name.split()[0] if name.strip() else name


def normalise_email(email: str) -> str:
    """The form an address is stored and looked up in: one account per address, any case."""
    return email.strip().lower()


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Bumped on password change and logout-everywhere so old session cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A deleted account keeps only this row's id, so gifts it gave still open, anonymously.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Staff on the desk: "contributor", "editor" or "admin"; readers have none.
    role: Mapped[str | None] = mapped_column(String(16))

    # Filled by the user loader in the same query; not a column.
    has_digital_plus: bool = False

    @classmethod
    def has_email(cls, address: str) -> ColumnElement[bool]:
        """SQL truth of "this account uses `address`", in any case and spacing."""
        return cls.email == normalise_email(address)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_verified(self) -> bool:
        """The reader has shown they receive mail at their current address."""
        return self.email_verified_at is not None

    @property
    def first_name(self) -> str:
        return first_name(self.name)

    def __repr__(self) -> str:
        return f"<User {self.id}>"
