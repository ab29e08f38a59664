"""The developers' command: load the demo site."""

import click
from flask import current_app
from flask.cli import with_appcontext

from newsroom.core import clock
from newsroom.demo import loading
from newsroom.extensions import db


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo articles, authors, jobs and two demo accounts (safe to run again)."""
    result = loading.load(
        db.session,
        now=clock.now(),
        tz=current_app.config["TIMEZONE"],
        hash_method=current_app.config["PASSWORD_HASH_METHOD"],
    )
    db.session.commit()
    click.echo(f"{result.articles} demo articles, {result.jobs} jobs")
    click.echo("Demo accounts (development only; passwords are new on every run):")
    for account in result.accounts:
        click.echo(f"  {account.label:<28} {account.email}  password: {account.password}")
