"""What editors and operators control: articles kept from being given (`giftable: false`),
revoking links at once, the monthly report, and allowances that belong to plans."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from newsroom.articles import importing
from newsroom.core import clock
from newsroom.extensions import db
from newsroom.gifting import allowance, giving, revoking
from newsroom.gifting.errors import AllowanceUsed, NotGiftable
from newsroom.gifting.models import DIGITAL_PLUS, SIGNUP
from newsroom.gifting.policy import gift_policy
from newsroom.models import Article, Gift, GiftOpen, GiftOutcome, Plan, Subscription
from tests.articles.test_importing import article_text, write
from tests.helpers import JSON, SENTINEL, gift_path, give, local_path, open_as


def set_giftable(app, article, value: bool) -> None:
    with app.app_context():
        db.session.get(Article, article.id).giftable = value
        db.session.commit()


# ---- giftable: false -------------------------------------------------------------------------


def test_import_reads_giftable_false_and_defaults_to_true(app, tmp_path):
    write(tmp_path, "a.md", article_text(giftable="false"))
    write(tmp_path, "b.md", article_text(slug="another-one"))
    with app.app_context():
        report = importing.import_paths(db.session, [tmp_path], "Europe/Copenhagen")
        db.session.commit()
        assert not report.problems
        flags = dict(db.session.execute(select(Article.slug, Article.giftable)).all())
    assert flags == {"havnen-er-sjaeldent-flaskehalsen": False, "another-one": True}


def test_import_refuses_a_giftable_that_is_not_a_boolean(app, tmp_path):
    write(tmp_path, "a.md", article_text(giftable='"maybe"'))
    with app.app_context():
        report = importing.import_paths(db.session, [tmp_path], "Europe/Copenhagen")
    assert [p.field for p in report.problems] == ["giftable"]


def test_not_giftable_answers_409_not_giftable_and_charges_nothing(
    app, subscriber, subscriber_client, auth, make_article
):
    article = make_article(giftable=False)
    response = give(auth, article)
    assert response.status_code == 409
    assert response.get_json()["error"] == "not_giftable"
    with app.app_context():
        assert db.session.scalar(select(func.count(Gift.id))) == 0
        used = allowance.allowance(db.session, subscriber.id, clock.now(), gift_policy()).used
    assert used == 0


def test_not_giftable_dialog_and_page_explain(
    app, subscriber, subscriber_client, client, make_article
):
    article = make_article(giftable=False)
    for path in (f"/articles/{article.slug}", gift_path(article)):
        html = client.get(path).get_data(as_text=True)
        assert "This article cannot be given" in html
        assert "Create gift link" not in html


def test_not_giftable_keeps_links_given_earlier_working(
    app, subscriber, subscriber_client, auth, make_article
):
    article = make_article()
    link = local_path(give(auth, article).get_json()["url"])
    set_giftable(app, article, False)
    assert SENTINEL in open_as(app.test_client(), link).get_data(as_text=True)


def test_give_not_giftable_raises_in_the_service(app, make_user, make_article):
    user = make_user(digital_plus=True)
    article = make_article(giftable=False)
    with app.app_context(), pytest.raises(NotGiftable):
        giving.give(db.session, user, article, clock.now(), gift_policy())


# ---- newsroom gifts revoke -------------------------------------------------------------------


@pytest.fixture
def three_gifts(app, make_user, make_article):
    karen, ole = make_user(digital_plus=True), make_user(digital_plus=True)
    first, second = make_article(slug="first-piece"), make_article(slug="second-piece")
    now = datetime.now(UTC)
    with app.app_context():
        for user, article in ((karen, first), (ole, first), (karen, second)):
            giving.give(db.session, user, article, now, gift_policy())
            db.session.commit()
    return first, second


def live(app) -> int:
    with app.app_context():
        return revoking.count_live(db.session, clock.now())


def test_gifts_revoke_article_asks_with_the_count_then_revokes(app, runner, three_gifts):
    result = runner.invoke(
        args=["newsroom", "gifts", "revoke", "--article", "first-piece"], input="y\n"
    )
    assert "Revoke 2 gift link(s) to first-piece?" in result.output
    assert "Revoked 2 gift link(s)" in result.output
    assert result.exit_code == 0
    assert live(app) == 1


def test_gifts_revoke_declined_changes_nothing(app, runner, three_gifts):
    result = runner.invoke(args=["newsroom", "gifts", "revoke", "--all"], input="n\n")
    assert result.exit_code == 1
    assert "Revoke 3 gift link(s) to every article?" in result.output
    assert live(app) == 3


def test_gifts_revoke_all_with_yes_skips_the_prompt(app, runner, three_gifts):
    result = runner.invoke(args=["newsroom", "gifts", "revoke", "--all", "--yes"])
    assert result.exit_code == 0
    assert "Revoked 3 gift link(s) to every article." in result.output
    assert live(app) == 0
    with app.app_context():  # the slots stay used
        assert db.session.scalar(select(func.count(Gift.id))) == 3


def test_gifts_revoke_needs_exactly_one_of_article_and_all(runner, three_gifts):
    assert runner.invoke(args=["newsroom", "gifts", "revoke"]).exit_code == 2
    both = ["newsroom", "gifts", "revoke", "--all", "--article", "first-piece"]
    assert runner.invoke(args=both).exit_code == 2


def test_gifts_revoke_unknown_article_is_an_error(runner, three_gifts):
    result = runner.invoke(args=["newsroom", "gifts", "revoke", "--article", "nope", "--yes"])
    assert result.exit_code == 1
    assert "No article with the slug nope." in result.output


def test_revoked_by_the_editor_the_link_shows_the_paywall(
    app, subscriber, subscriber_client, auth, runner, make_article
):
    article = make_article()
    link = local_path(give(auth, article).get_json()["url"])
    runner.invoke(args=["newsroom", "gifts", "revoke", "--article", article.slug, "--yes"])
    html = open_as(app.test_client(), link).get_data(as_text=True)
    assert SENTINEL not in html
    assert "has been revoked by the person who shared it" in html


# ---- newsroom gifts report -------------------------------------------------------------------


def test_gifts_report_counts_gifts_opens_accounts_and_digital_plus_per_article(
    app, runner, three_gifts, make_user
):
    ida, bo = make_user(), make_user()
    with app.app_context():
        gifts = list(db.session.scalars(select(Gift).order_by(Gift.id)))
        now = clock.now()
        db.session.add_all(
            [
                GiftOpen(gift_id=gifts[0].id, browser_id="a" * 32, opened_at=now),
                GiftOpen(gift_id=gifts[0].id, browser_id="b" * 32, opened_at=now),
                GiftOpen(gift_id=gifts[1].id, browser_id="c" * 32, opened_at=now),
                GiftOutcome(gift_id=gifts[0].id, user_id=ida.id, kind=SIGNUP),
                GiftOutcome(gift_id=gifts[0].id, user_id=ida.id, kind=DIGITAL_PLUS),
                GiftOutcome(gift_id=gifts[1].id, user_id=bo.id, kind=SIGNUP),
            ]
        )
        db.session.commit()
        month = clock.month_key(now, app.config["TIMEZONE"])
    result = runner.invoke(args=["newsroom", "gifts", "report", "--month", month])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[2:]}
    assert lines["first-piece"] == ["2", "3", "2", "1"]
    assert lines["second-piece"] == ["1", "0", "0", "0"]
    assert lines["total"] == ["3", "3", "2", "1"]


def test_gifts_report_of_another_month_is_empty(runner, three_gifts):
    result = runner.invoke(args=["newsroom", "gifts", "report", "--month", "2020-01"])
    assert result.exit_code == 0
    assert "first-piece" not in result.output
    assert result.output.splitlines()[-1].split() == ["total", "0", "0", "0", "0"]


def test_gifts_report_refuses_a_bad_month(runner):
    assert runner.invoke(args=["newsroom", "gifts", "report", "--month", "2026-13"]).exit_code == 2


# ---- plans ----------------------------------------------------------------------------------


def test_allowance_follows_gifts_per_month_for_the_default_plan(app, make_user):
    user = make_user(digital_plus=True)
    app.config["GIFTS_PER_MONTH"] = 3
    with app.app_context():
        db.session.add(Plan(code="digital_plus", name="Digital+", gifts_per_month=None))
        db.session.commit()
        assert allowance.allowance(db.session, user.id, clock.now(), gift_policy()).limit == 3


def on_plan(app, user, code: str, name: str, gifts_per_month: int) -> None:
    """`user` has Digital+ now, on a plan row with its own allowance."""
    now = datetime.now(UTC)
    with app.app_context():
        db.session.add(Plan(code=code, name=name, gifts_per_month=gifts_per_month))
        starts, ends = now - timedelta(1), now + timedelta(30)
        db.session.add(Subscription(user_id=user.id, plan=code, starts_at=starts, ends_at=ends))
        db.session.commit()


def test_allowance_belongs_to_the_plan_row(app, make_user, make_article):
    user = make_user()
    now = datetime.now(UTC)
    articles = [make_article() for _ in range(3)]
    on_plan(app, user, "digital_plus_duo", "Digital+ Duo", 2)
    with app.app_context():
        for article in articles[:2]:
            giving.give(db.session, user, article, now, gift_policy())
            db.session.commit()
        with pytest.raises(AllowanceUsed) as refused:
            giving.give(db.session, user, articles[2], now, gift_policy())
        assert (refused.value.allowance.used, refused.value.allowance.limit) == (2, 2)


def test_gifts_page_and_json_show_the_plans_number(app, make_user, auth, client):
    user = make_user()
    on_plan(app, user, "digital_plus_family", "Family", 10)
    auth.login(user.email)
    assert client.get("/gifts", headers=JSON).get_json()["limit"] == 10
    assert "You have given 0 of 10." in client.get("/gifts").get_data(as_text=True)
