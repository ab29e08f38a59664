"""`newsroom gifts`: revoking gift links at once and the monthly report, for editors."""

import re

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from newsroom.core import clock
from newsroom.extensions import db
from newsroom.gifting import report, revoking
from newsroom.models import Article

gifts_cli = AppGroup("gifts", help="Revoke gift links and report what gifts achieved.")


@gifts_cli.command("revoke")
@click.option("--article", "slug", help="Revoke the links to this article (its slug).")
@click.option("--all", "every", is_flag=True, help="Revoke every link that still opens.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def revoke_command(slug: str | None, every: bool, yes: bool) -> None:
    """Revoke gift links at once. The givers' slots stay used."""
    if bool(slug) == every:
        raise click.UsageError("Give either --article SLUG or --all.")
    now = clock.now()
    if slug and db.session.scalar(select(Article.id).where(Article.slug == slug)) is None:
        raise click.ClickException(f"No article with the slug {slug}.")
    count = revoking.count_live(db.session, now, slug)
    what = f"to {slug}" if slug else "to every article"
    if count == 0:
        click.echo(f"No gift links {what} still open.")
        return
    if not yes:
        click.confirm(f"Revoke {count} gift link(s) {what}?", abort=True)
    revoked = revoking.revoke_all(db.session, now, slug)
    db.session.commit()
    click.echo(f"Revoked {revoked} gift link(s) {what}.")


@gifts_cli.command("report")
@click.option("--month", help="Calendar month in the site time zone, YYYY-MM (default: this one).")
def report_command(month: str | None) -> None:
    """Gifts made in a month per article: opens, accounts and Digital+ they led to."""
    tz = current_app.config["TIMEZONE"]
    if month is None:
        month = clock.month_key(clock.now(), tz)
    elif not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise click.BadParameter("use YYYY-MM, e.g. 2026-12", param_hint="--month")
    rows = report.report(db.session, month)
    click.echo(f"Gifts made in {month} (site time zone {tz})")
    header = f"{'article':<44} {'gifts':>5} {'opens':>5} {'accounts':>8} {'digital+':>8}"
    click.echo(header)
    for row in rows:
        click.echo(
            f"{row.slug[:44]:<44} {row.gifts:>5} {row.opens:>5} {row.signups:>8}"
            f" {row.subscriptions:>8}"
        )
    totals = [sum(getattr(r, name) for r in rows) for name in ("gifts", "opens", "signups")]
    total_plus = sum(r.subscriptions for r in rows)
    click.echo(f"{'total':<44} {totals[0]:>5} {totals[1]:>5} {totals[2]:>8} {total_plus:>8}")
