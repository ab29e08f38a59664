"""Customer service's account commands: a password-reset link, deleting an account."""

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from newsroom.accounts import account_links, account_mail, operations, personal_data
from newsroom.billing import provider
from newsroom.billing.gateway import ProviderUnavailable
from newsroom.core import clock
from newsroom.extensions import db
from newsroom.models import User


def _account(email: str) -> User:
    user = operations.find_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No account with the e-mail address {email}.")
    return user


@click.command("reset-link")
@click.argument("email")
@with_appcontext
def reset_link_command(email: str) -> None:
    """Print a password-reset link for an account (for customer service to pass on)."""
    user = _account(email)
    with current_app.test_request_context():
        link = account_mail.reset_link(user)
    minutes = account_links.RESET_LINK_SECONDS // 60
    click.echo(f"Reset link for {user.email} (works once, for {minutes} minutes):")
    click.echo(link)


users_cli = AppGroup("users", help="Manage readers' accounts.")


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
        with provider.gateway_if_sold() as stripe:
            personal_data.delete_account(db.session, user, clock.now(), stripe)
    except ProviderUnavailable as failed:
        db.session.rollback()
        raise click.ClickException(
            f"Stripe could not cancel the subscription, so nothing was deleted: {failed}"
        ) from failed
    db.session.commit()
    click.echo(f"Deleted the account {address}.")
