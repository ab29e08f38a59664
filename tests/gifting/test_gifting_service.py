"""The gifting rules, called directly with a given "now" (no clock patching)."""

import base64
import json
import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select, update

from newsroom.articles.paywall import GiftState
from newsroom.core import clock, signing
from newsroom.core.errors import DigitalPlusRequired, NotFound
from newsroom.extensions import db
from newsroom.gifting import allowance, giving, links, revoking
from newsroom.gifting.allowance import Policy
from newsroom.gifting.errors import AllowanceUsed
from newsroom.models import Gift, GiftOpen

TZ = "Europe/Copenhagen"
K1 = "first-signing-key-for-gift-links-000000"
K2 = "second-signing-key-for-gift-links-11111"


def policy(keys: list[str] | None = None, link_days: int = 30) -> Policy:
    return Policy(per_month=5, link_days=link_days, tz=TZ, keys=keys or [K1])


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def give(app, subscriber, article, now, rules=None) -> giving.GiftResult:
    with app.app_context():
        result = giving.give(db.session, subscriber, article, now, rules or policy())
        db.session.commit()
        return result


def open_link(app, token, article, now, rules=None) -> links.LinkCheck:
    with app.app_context():
        opened = links.open_gift(db.session, token, article.id, now, rules or policy())
        db.session.commit()
        return opened


def gift_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Gift.id)))


def used(app, subscriber, now) -> int:
    with app.app_context():
        return allowance.allowance(db.session, subscriber.id, now, policy()).used


@pytest.fixture
def locked(make_article):
    return [make_article() for _ in range(6)]


# ---- the allowance -------------------------------------------------------------------------


def test_give_allows_five_a_month_then_refuses_with_renewal_date(app, subscriber, locked):
    now = utc("2025-05-10T12:00")
    results = [give(app, subscriber, article, now) for article in locked[:5]]
    assert [r.allowance.used for r in results] == [1, 2, 3, 4, 5]
    with pytest.raises(AllowanceUsed) as refused:
        give(app, subscriber, locked[5], now)
    assert (refused.value.allowance.used, refused.value.allowance.limit) == (5, 5)
    assert refused.value.allowance.renews_on == date(2025, 6, 1)
    assert gift_rows(app) == 5


def test_give_counts_the_month_in_site_time(app, subscriber, locked):
    result = give(app, subscriber, locked[0], utc("2025-03-31T22:30"))  # 00:30 on 1 April locally
    assert result.gift.month == "2025-04"
    assert used(app, subscriber, utc("2025-03-31T21:00")) == 0
    assert used(app, subscriber, utc("2025-04-15T12:00")) == 1


def test_give_sixth_allowed_when_the_local_month_turns(app, subscriber, locked):
    for article in locked[:5]:
        give(app, subscriber, article, utc("2025-03-31T21:59"))
    result = give(app, subscriber, locked[5], utc("2025-03-31T22:00"))
    assert result.created
    assert result.allowance.used == 1


def test_give_sixth_refused_one_second_before_the_local_month_turns(app, subscriber, locked):
    for article in locked[:5]:
        give(app, subscriber, article, utc("2025-03-31T21:59"))
    with pytest.raises(AllowanceUsed) as refused:
        give(app, subscriber, locked[5], utc("2025-03-31T21:59:59"))
    assert refused.value.allowance.renews_on == date(2025, 4, 1)


def test_give_winter_boundary_splits_december_from_january(app, subscriber, locked):
    december = give(app, subscriber, locked[0], utc("2025-12-31T22:59"))
    january = give(app, subscriber, locked[1], utc("2025-12-31T23:00"))
    assert (december.gift.month, december.allowance.renews_on) == ("2025-12", date(2026, 1, 1))
    assert (january.gift.month, january.allowance.renews_on) == ("2026-01", date(2026, 2, 1))


def test_give_renewal_date_shown_is_the_boundary_enforced(app, subscriber, locked):
    for article in locked[:5]:
        give(app, subscriber, article, utc("2025-10-31T12:00"))
    with pytest.raises(AllowanceUsed) as refused:
        give(app, subscriber, locked[5], utc("2025-10-31T22:59:59"))
    renewal = clock.start_of_local_day(refused.value.allowance.renews_on, TZ)
    with pytest.raises(AllowanceUsed):
        give(app, subscriber, locked[5], renewal - timedelta(microseconds=1))
    assert give(app, subscriber, locked[5], renewal).created


@pytest.mark.parametrize(
    "local, fold, month",
    [
        ("2025-03-30T02:30", 0, "2025-03"),  # inside the spring-forward gap
        ("2025-10-26T02:30", 0, "2025-10"),  # the repeated hour, first pass
        ("2025-10-26T02:30", 1, "2025-10"),  # the repeated hour, second pass
    ],
)
def test_month_key_is_unaffected_by_daylight_saving_changes(local, fold, month):
    instant = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(TZ), fold=fold)
    assert clock.month_key(instant, TZ) == month
    assert clock.next_month_start(instant, TZ) == date(int(month[:4]), int(month[5:]) + 1, 1)


instants = st.datetimes(
    min_value=datetime(1971, 1, 1),
    max_value=datetime(2200, 12, 31),
    timezones=st.sampled_from([UTC, ZoneInfo(TZ)]),
    allow_imaginary=True,
)


@settings(deadline=None)  # a busy shared machine must not fail a rule about values
@given(instants)
def test_month_key_and_renewal_never_fail_and_renewal_is_after_today(now):
    key = clock.month_key(now, TZ)
    renews_on = clock.next_month_start(now, TZ)
    assert len(key) == 7
    assert renews_on > clock.local_date(now, TZ)


@settings(deadline=None)  # a busy shared machine must not fail a rule about values
@given(instants)
def test_next_month_start_is_where_month_key_changes(now):
    boundary = clock.start_of_local_day(clock.next_month_start(now, TZ), TZ)
    assert clock.month_key(boundary - timedelta(microseconds=1), TZ) == clock.month_key(now, TZ)
    assert clock.month_key(boundary, TZ) != clock.month_key(now, TZ)


# ---- what a gift is ------------------------------------------------------------------------


def test_give_same_article_same_month_returns_same_gift_and_link_for_free(app, subscriber, locked):
    first = give(app, subscriber, locked[0], utc("2025-05-02T09:00"))
    again = give(app, subscriber, locked[0], utc("2025-05-20T18:00"))
    assert (again.created, again.gift.id, again.token) == (False, first.gift.id, first.token)
    assert again.allowance.used == 1
    assert gift_rows(app) == 1


def test_give_same_article_next_month_is_a_new_gift(app, subscriber, locked):
    give(app, subscriber, locked[0], utc("2025-05-02T09:00"))
    later = give(app, subscriber, locked[0], utc("2025-06-02T09:00"))
    assert later.created
    assert gift_rows(app) == 2


def test_give_free_article_returns_no_gift_and_charges_nothing(app, subscriber, make_article):
    free = make_article(locked=False)
    result = give(app, subscriber, free, utc("2025-05-02T09:00"))
    assert (result.gift, result.token, result.created) == (None, None, False)
    assert result.allowance.used == 0
    assert gift_rows(app) == 0


def test_give_requires_digital_plus(app, make_user, locked):
    reader = make_user()
    with pytest.raises(DigitalPlusRequired):
        give(app, reader, locked[0], utc("2025-05-02T09:00"))
    assert gift_rows(app) == 0


def test_give_link_carries_only_a_random_128_bit_id(app, subscriber, locked):
    result = give(app, subscriber, locked[0], utc("2025-05-02T09:00"))
    payload = URLSafeTimedSerializer(K1, salt=signing.GIFT_SALT).loads(result.token)
    assert payload == result.gift.public_id
    assert len(bytes.fromhex(payload)) == 16


# ---- revoking ------------------------------------------------------------------------------


def test_revoke_stops_the_link(app, subscriber, locked):
    now = utc("2025-05-02T09:00")
    result = give(app, subscriber, locked[0], now)
    with app.app_context():
        revoking.revoke(db.session, subscriber.id, result.gift.id, now)
        db.session.commit()
    assert open_link(app, result.token, locked[0], now).state is GiftState.REVOKED


def test_revoke_refuses_someone_elses_gift(app, subscriber, make_user, locked):
    result = give(app, subscriber, locked[0], utc("2025-05-02T09:00"))
    other = make_user(digital_plus=True)
    with app.app_context(), pytest.raises(NotFound):
        revoking.revoke(db.session, other.id, result.gift.id, utc("2025-05-02T10:00"))


def test_revoke_twice_keeps_the_first_time(app, subscriber, locked):
    result = give(app, subscriber, locked[0], utc("2025-05-02T09:00"))
    for moment in ("2025-05-03T09:00", "2025-05-04T09:00"):
        with app.app_context():
            gift = revoking.revoke(db.session, subscriber.id, result.gift.id, utc(moment))
            db.session.commit()
    assert gift.revoked_at == utc("2025-05-03T09:00")


def test_revoke_leaves_the_months_slot_used(app, subscriber, locked):
    now = utc("2025-05-02T09:00")
    results = [give(app, subscriber, article, now) for article in locked[:5]]
    with app.app_context():
        revoking.revoke(db.session, subscriber.id, results[0].gift.id, now)
        db.session.commit()
    assert used(app, subscriber, now) == 5
    with pytest.raises(AllowanceUsed):
        give(app, subscriber, locked[5], now)


# ---- opening -------------------------------------------------------------------------------


def test_open_gift_names_the_giver_and_counts_nothing(app, subscriber, locked):
    now = utc("2025-05-02T09:00")
    result = give(app, subscriber, locked[0], now)
    first = open_link(app, result.token, locked[0], now + timedelta(hours=1))
    open_link(app, result.token, locked[0], now + timedelta(hours=2))
    assert (first.state, first.giver_first_name) == (GiftState.VALID, "Karen")
    with app.app_context():
        assert (
            db.session.get(Gift, result.gift.id).open_count == 0
        )  # a person is counted when shown
        assert db.session.scalar(select(func.count(GiftOpen.id))) == 0
    assert used(app, subscriber, now) == 1


def test_open_gift_refuses_another_articles_link(app, subscriber, locked):
    now = utc("2025-05-02T09:00")
    result = give(app, subscriber, locked[0], now)
    assert open_link(app, result.token, locked[1], now).state is GiftState.WRONG_ARTICLE


def test_open_gift_expired_when_expires_at_has_passed(app, subscriber, locked):
    now = utc("2025-05-02T09:00")
    result = give(app, subscriber, locked[0], now)
    with app.app_context():
        db.session.execute(
            update(Gift).where(Gift.id == result.gift.id).values(expires_at=now + timedelta(days=1))
        )
        db.session.commit()
    later = now + timedelta(days=2)  # the token itself is still young enough
    assert open_link(app, result.token, locked[0], later).state is GiftState.EXPIRED


def test_open_gift_expired_when_the_token_is_older_than_the_link_days(app, subscriber, locked):
    now = utc("2025-05-02T09:00")
    result = give(app, subscriber, locked[0], now)
    later = now + timedelta(days=31)
    assert open_link(app, result.token, locked[0], later).state is GiftState.EXPIRED


def test_open_gift_valid_until_the_last_second_of_its_days(app, subscriber, locked):
    now = utc("2025-05-02T09:00")
    result = give(app, subscriber, locked[0], now)
    last = now + timedelta(days=30, seconds=-1)
    assert open_link(app, result.token, locked[0], last).state is GiftState.VALID


def test_open_gift_expired_when_the_token_is_dated_in_the_future(app, subscriber, locked):
    now = utc("2025-05-02T09:00")
    result = give(app, subscriber, locked[0], now)
    earlier = now - timedelta(hours=1)
    assert open_link(app, result.token, locked[0], earlier).state is GiftState.EXPIRED


def test_open_gift_still_opens_after_the_giver_lapses(app, make_user, locked):
    now = utc("2025-05-02T09:00")
    lapsed = make_user(
        digital_plus=True, period=(now - timedelta(days=60), now + timedelta(days=1))
    )
    result = give(app, lapsed, locked[0], now)
    later = now + timedelta(days=10)  # the subscription ended nine days ago
    assert open_link(app, result.token, locked[0], later).state is GiftState.VALID


def test_open_gift_survives_a_write_committed_after_the_request_began(app, subscriber, locked):
    """Under SQLite's WAL a read snapshot cannot turn into a write once someone else has
    written; opening a link must not fail because another request gave a gift meanwhile."""
    now = utc("2025-05-02T09:00")
    result = give(app, subscriber, locked[0], now)
    with app.app_context():
        db.session.execute(select(Gift.id)).all()  # this request's reads so far
        with db.engine.connect() as other:
            other.execute(update(Gift).values(open_count=Gift.open_count + 10))
            other.commit()
        opened = links.open_gift(db.session, result.token, locked[0].id, now, policy())
        db.session.commit()
    assert opened.state is GiftState.VALID


# ---- keys and forgeries --------------------------------------------------------------------


def test_open_gift_link_made_before_a_key_rotation_still_opens(app, subscriber, locked):
    now = utc("2025-05-02T09:00")
    result = give(app, subscriber, locked[0], now, policy([K1]))
    rotated = policy([K1, K2])  # [*SECRET_KEY_FALLBACKS, SECRET_KEY]
    assert open_link(app, result.token, locked[0], now, rotated).state is GiftState.VALID


def test_give_signs_new_links_with_the_current_key(app, subscriber, locked):
    now = utc("2025-05-02T09:00")
    result = give(app, subscriber, locked[0], now, policy([K1, K2]))
    assert open_link(app, result.token, locked[0], now, policy([K2])).state is GiftState.VALID
    assert open_link(app, result.token, locked[0], now, policy([K1])).state is GiftState.INVALID


def test_open_gift_old_link_invalid_once_its_key_is_dropped(app, subscriber, locked):
    now = utc("2025-05-02T09:00")
    result = give(app, subscriber, locked[0], now, policy([K1]))
    assert open_link(app, result.token, locked[0], now, policy([K2])).state is GiftState.INVALID


@pytest.mark.parametrize("salt", ["csrf-token", "password-reset", "itsdangerous"])
def test_open_gift_refuses_a_token_signed_for_another_purpose(
    app, subscriber, locked, caplog, salt
):
    now = utc("2025-05-02T09:00")
    result = give(app, subscriber, locked[0], now)
    foreign = URLSafeTimedSerializer(K1, salt=salt).dumps(result.gift.public_id)
    with caplog.at_level(logging.DEBUG):
        opened = open_link(app, foreign, locked[0], now)
    assert opened.state is GiftState.INVALID
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def _reencoded(token: str, payload: object) -> str:
    """The token with its payload swapped and re-encoded, the signature left as it was."""
    _, timestamp, signature = token.split(".")
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"{body}.{timestamp}.{signature}"


def _flipped(token: str) -> str:
    """Change the signature's first character: all six of its bits count (the last one's
    padding bits may not)."""
    head, _, signature = token.rpartition(".")
    return f"{head}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


@pytest.mark.parametrize("forge", ["reencoded", "flipped"])
def test_open_gift_refuses_a_tampered_token(app, subscriber, locked, caplog, forge):
    now = utc("2025-05-02T09:00")
    mine = give(app, subscriber, locked[0], now)
    theirs = give(app, subscriber, locked[1], now)
    if forge == "reencoded":
        forged = _reencoded(mine.token, theirs.gift.public_id)
    else:
        forged = _flipped(mine.token)
    with caplog.at_level(logging.DEBUG):
        opened = open_link(app, forged, locked[1 if forge == "reencoded" else 0], now)
    assert opened.state is GiftState.INVALID
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


GARBAGE = [
    "",
    "x" * 10_000,
    "ægæ.øå.ü",
    "%00",
    "\x00",
    "a.b.c.d",
    "a.b.c",
    _b64(b"not json at all") + ".AAAA.AAAA",
    _b64(b'["a", "list"]') + ".AAAA.AAAA",
    _b64(b"{}"),
]


@pytest.mark.parametrize("token", GARBAGE)
def test_open_gift_garbage_is_invalid(app, token):
    with app.app_context():
        opened = links.open_gift(db.session, token, 1, utc("2025-05-02T09:00"), policy())
    assert opened.state is GiftState.INVALID


garbage = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.%"),
    st.binary(max_size=200).map(_b64),
    st.lists(st.binary(max_size=40).map(_b64), min_size=2, max_size=5).map(".".join),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=40),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner),
        max_leaves=6,
    ).map(lambda value: _b64(json.dumps(value).encode()) + ".AAAAAA.AAAAAAAAAA"),
    st.sampled_from(GARBAGE),
)


@settings(deadline=None)
@given(garbage)
def test_read_gift_never_raises_and_never_accepts_garbage(token):
    check = signing.read_gift(token, [K1], utc("2025-05-02T09:00"), 30 * 24 * 3600)
    assert check.public_id is None
    assert not check.expired
