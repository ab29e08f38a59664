"""Editor and operator commands: thin wrappers over the services."""

import re
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from newsroom.accounts.cli import reset_link_command, users_cli
from newsroom.articles import importing
from newsroom.billing.cli import subscribe_command
from newsroom.core import clock
from newsroom.demo import loading
from newsroom.extensions import db
from newsroom.gifting import giving
from newsroom.jobs import listings
from newsroom.mail.cli import mail_worker_command
from newsroom.models import Article
from newsroom.search import indexing

newsroom_cli = AppGroup("newsroom", help="Load content and manage subscriptions.")
newsroom_cli.add_command(subscribe_command)
newsroom_cli.add_command(mail_worker_command)
newsroom_cli.add_command(reset_link_command)
newsroom_cli.add_command(users_cli)


def _tz() -> str:
    return current_app.config["TIMEZONE"]


@newsroom_cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_command(paths: tuple[Path, ...]) -> None:
    """Import Markdown articles (files or folders). Re-importing a slug updates it."""
    report = importing.import_paths(db.session, list(paths), _tz())
    db.session.commit()
    for slug in report.created:
        click.echo(f"created {slug}")
    for slug in report.updated:
        click.echo(f"updated {slug}")
    for problem in report.problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(
        f"{len(report.created)} created, {len(report.updated)} updated, "
        f"{len({p.path for p in report.problems})} file(s) with errors"
    )
    if report.problems:
        sys.exit(1)


@newsroom_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from the articles (importing keeps it current)."""
    written = indexing.reindex_all(db.session)
    db.session.commit()
    click.echo(f"{written} article(s) indexed")


@newsroom_cli.command("jobs")
@click.argument("path", type=click.Path(path_type=Path))
def jobs_command(path: Path) -> None:
    """Load job listings from a YAML list (title, employer, location, url, posted_at)."""
    loaded, problems = listings.import_jobs(db.session, path, _tz())
    db.session.commit()
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"{loaded} job(s) loaded")
    if problems:
        sys.exit(1)


@newsroom_cli.command("demo")
def demo_command() -> None:
    """Load the demo articles, authors, jobs and two demo accounts (safe to run again)."""
    result = loading.load(
        db.session,
        now=clock.now(),
        tz=_tz(),
        hash_method=current_app.config["PASSWORD_HASH_METHOD"],
    )
    db.session.commit()
    click.echo(f"{result.articles} demo articles, {result.jobs} jobs")
    click.echo("Demo accounts (development only; passwords are new on every run):")
    for account in result.accounts:
        click.echo(f"  {account.label:<28} {account.email}  password: {account.password}")


gifts_cli = AppGroup("gifts", help="Withdraw gift links and report what gifts achieved.")
newsroom_cli.add_command(gifts_cli)


@gifts_cli.command("revoke")
@click.option("--article", "slug", help="Withdraw the links to this article (its slug).")
@click.option("--all", "every", is_flag=True, help="Withdraw every link that still opens.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def gifts_revoke_command(slug: str | None, every: bool, yes: bool) -> None:
    """Withdraw gift links at once. The givers' slots stay used."""
    if bool(slug) == every:
        raise click.UsageError("Give either --article SLUG or --all.")
    now = clock.now()
    if slug and db.session.scalar(select(Article.id).where(Article.slug == slug)) is None:
        raise click.ClickException(f"No article with the slug {slug}.")
    count = giving.count_live(db.session, now, slug)
    what = f"to {slug}" if slug else "to every article"
    if count == 0:
        click.echo(f"No gift links {what} still open.")
        return
    if not yes:
        click.confirm(f"Withdraw {count} gift link(s) {what}?", abort=True)
    revoked = giving.revoke_all(db.session, now, slug)
    db.session.commit()
    click.echo(f"Withdrew {revoked} gift link(s) {what}.")


@gifts_cli.command("report")
@click.option("--month", help="Calendar month in the site time zone, YYYY-MM (default: this one).")
def gifts_report_command(month: str | None) -> None:
    """Gifts made in a month per article: opens, accounts and Digital+ they led to."""
    if month is None:
        month = clock.month_key(clock.now(), _tz())
    elif not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise click.BadParameter("use YYYY-MM, e.g. 2026-12", param_hint="--month")
    rows = giving.report(db.session, month)
    click.echo(f"Gifts made in {month} (site time zone {_tz()})")
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
