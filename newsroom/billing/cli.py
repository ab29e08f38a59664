"""The operator's Digital+ command: set when a reader's Digital+ ends."""

import click
from flask import current_app
from flask.cli import with_appcontext

from newsroom.billing import subscriptions
from newsroom.core import clock
from newsroom.core.errors import NotFound
from newsroom.extensions import db


@click.command("subscribe")
@click.argument("email")
@click.option(
    "--until",
    "until",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Last day of Digital+ (site time zone), YYYY-MM-DD. A past date ends it.",
)
@with_appcontext
def subscribe_command(email: str, until) -> None:
    """Set the end of a user's Digital+ period."""
    tz = current_app.config["TIMEZONE"]
    try:
        result = subscriptions.set_digital_plus_until(
            db.session, email, until.date(), clock.now(), tz
        )
    except NotFound:
        raise click.ClickException(f"No user with the e-mail address {email}.") from None
    db.session.commit()
    if result.ends_at is None:
        click.echo(f"{email}: no Digital+ period to end")
        return
    ends_local = result.ends_at.astimezone(clock.zone(tz))
    if result.active:
        click.echo(f"{email}: Digital+ until {ends_local:%Y-%m-%d %H:%M %Z}")
    else:
        click.echo(f"{email}: Digital+ ended {ends_local:%Y-%m-%d %H:%M %Z}")
