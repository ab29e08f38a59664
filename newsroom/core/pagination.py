"""A listing one page at a time."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def paginate(
    session: Session, query: Select, number: int, per_page: int, item: Callable | None = None
) -> Page:
    """One query: fetch a row beyond the page to learn whether another page follows. A query
    of several columns passes `item`, which makes each result row into a listed item."""
    number = max(1, number)
    query = query.offset((number - 1) * per_page).limit(per_page + 1)
    if item is None:
        items = list(session.scalars(query))
    else:
        items = [item(row) for row in session.execute(query)]
    return Page(items[:per_page], number, len(items) > per_page)
