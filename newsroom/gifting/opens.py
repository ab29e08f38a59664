"""Counting the people who opened a gift, and those who read it to the end.

An open is a person: a recipient browser (its signed id) whose page was shown, as the
page's script or the browser's next click told the site. Fetching a link counts nothing.
Each browser counts once per gift; a link its giver limited to N people counts N at most,
whatever the race between them (the count is raised in one conditional UPDATE)."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newsroom.database import begin_write
from newsroom.gifting.models import has_room, works_at
from newsroom.models import Gift, GiftOpen


def count_open(
    session: Session,
    public_id: str,
    browser_id: str,
    user_id: int | None,
    now: datetime,
    may_add: Callable[[], bool],
    read: bool = False,
) -> bool:
    """Count `browser_id` as a person who opened the gift (and read it to the end, with
    `read`). True when it adds a person; a browser counted before only has its times
    updated. `may_add` is asked before a new person is added (the per-client bound);
    the giver's own browser is nobody. A revoked, expired or full link counts nothing."""
    begin_write(session)
    gift = session.execute(
        select(Gift.id, Gift.giver_id).where(Gift.public_id == public_id, works_at(Gift, now))
    ).first()
    if gift is None or (user_id is not None and user_id == gift.giver_id):
        return False
    seen = session.scalar(
        select(GiftOpen).where(GiftOpen.gift_id == gift.id, GiftOpen.browser_id == browser_id)
    )
    if seen is not None:
        seen.opened_at = now  # the most recent open is the one a later account is credited to
        if user_id is not None and seen.user_id is None:
            seen.user_id = user_id
        if read and seen.read_at is None:
            seen.read_at = now
        session.flush()
        return False
    if not may_add():
        return False
    try:
        with session.begin_nested():  # the same browser twice at once: one row, one count
            room = session.execute(
                update(Gift)
                .where(
                    Gift.id == gift.id,
                    works_at(Gift, now),
                    has_room(Gift),
                )
                .values(open_count=Gift.open_count + 1)
            )
            if room.rowcount != 1:
                return False
            session.add(
                GiftOpen(
                    gift_id=gift.id,
                    browser_id=browser_id,
                    user_id=user_id,
                    opened_at=now,
                    read_at=now if read else None,
                )
            )
    except IntegrityError:
        return False
    session.flush()
    return True
