"""One clock for the whole site, and calendar arithmetic in the site time zone."""

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo


def now() -> datetime:
    """The current instant, timezone-aware UTC. Tests pass instants in instead of patching."""
    return datetime.now(UTC)


@lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date(instant: datetime, tz: str) -> date:
    return instant.astimezone(zone(tz)).date()


def month_key(instant: datetime, tz: str) -> str:
    """The calendar month an instant falls in, in the site time zone: "YYYY-MM"."""
    local = instant.astimezone(zone(tz))
    return f"{local.year:04d}-{local.month:02d}"


def next_month_start(instant: datetime, tz: str) -> date:
    """The local date on which the month after the instant's month begins."""
    local = instant.astimezone(zone(tz)).date()
    return date(local.year + local.month // 12, local.month % 12 + 1, 1)


def start_of_local_day(day: date, tz: str) -> datetime:
    """The UTC instant at which a local calendar day begins (DST-safe)."""
    return datetime.combine(day, time.min, tzinfo=zone(tz)).astimezone(UTC)


def end_of_local_day(day: date, tz: str) -> datetime:
    """The UTC instant at which the local day after `day` begins: the end of `day`."""
    return start_of_local_day(day + timedelta(days=1), tz)


EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def parse_instant(value: object, tz: str) -> datetime | None:
    """A date or date-time from YAML or ISO 8601 text, as UTC; a bare local time is read in
    the site time zone. None when it is neither, or outside the years 1900 to 2999 (the
    ends of the calendar overflow when moved between zones)."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone(tz))
    return parsed.astimezone(UTC)
