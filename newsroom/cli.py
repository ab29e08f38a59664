"""Editor and operator commands: thin wrappers over the services."""

import signal
import sys
import threading
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from newsroom.accounts import account_links, account_mail, operations
from newsroom.articles import importing
from newsroom.billing import provider, subscriptions
from newsroom.billing.gateway import ProviderUnavailable
from newsroom.core import clock
from newsroom.core.errors import NotFound
from newsroom.demo import loading
from newsroom.extensions import db
from newsroom.gifting.cli import gifts_cli
from newsroom.jobs import listings
from newsroom.mail import delivery
from newsroom.search import indexing

newsroom_cli = AppGroup("newsroom", help="Load content and manage subscriptions.")


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


@newsroom_cli.command("subscribe")
@click.argument("email")
@click.option(
    "--until",
    "until",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Last day of Digital+ (site time zone), YYYY-MM-DD. A past date ends it.",
)
def subscribe_command(email: str, until) -> None:
    """Set the end of a user's Digital+ period."""
    now = clock.now()
    try:
        result = subscriptions.set_digital_plus_until(db.session, email, until.date(), now, _tz())
    except NotFound:
        raise click.ClickException(f"No user with the e-mail address {email}.") from None
    db.session.commit()
    if result.ends_at is None:
        click.echo(f"{email}: no Digital+ period to end")
        return
    ends_local = result.ends_at.astimezone(clock.zone(_tz()))
    if result.active:
        click.echo(f"{email}: Digital+ until {ends_local:%Y-%m-%d %H:%M %Z}")
    else:
        click.echo(f"{email}: Digital+ ended {ends_local:%Y-%m-%d %H:%M %Z}")


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


@newsroom_cli.command("mail-worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def mail_worker_command(once: bool) -> None:
    """Deliver queued mail, retrying with backoff; runs until stopped (SIGTERM or Ctrl-C)."""
    if once:
        report = delivery.deliver_all_due()
        click.echo(f"{report.sent} sent, {report.failed} to retry")
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo("mail worker: delivering queued mail (SIGTERM or Ctrl-C stops it)")
    delivery.run_worker(stop)


def _account(email: str):
    user = operations.find_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No account with the e-mail address {email}.")
    return user


@newsroom_cli.command("reset-link")
@click.argument("email")
def reset_link_command(email: str) -> None:
    """Print a password-reset link for an account (for customer service to pass on)."""
    user = _account(email)
    with current_app.test_request_context():
        link = account_mail.reset_link(user)
    minutes = account_links.RESET_LINK_SECONDS // 60
    click.echo(f"Reset link for {user.email} (works once, for {minutes} minutes):")
    click.echo(link)


users_cli = AppGroup("users", help="Manage readers' accounts.")
newsroom_cli.add_command(users_cli)


@users_cli.command("delete")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def users_delete_command(email: str, yes: bool) -> None:
    """Delete an account: personal data, reading list and history removed, sessions ended."""
    user = _account(email)
    if not yes:
        click.confirm(f"Delete the account {user.email} for good?", abort=True)
    address = user.email
    try:
        provider.delete_account(user, clock.now())
    except ProviderUnavailable as failed:
        db.session.rollback()
        raise click.ClickException(
            f"Stripe could not cancel the subscription, so nothing was deleted: {failed}"
        ) from failed
    db.session.commit()
    click.echo(f"Deleted the account {address}.")


newsroom_cli.add_command(gifts_cli)
