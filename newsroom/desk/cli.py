"""The operator's desk commands: staff roles and the audit log export."""

import json

import click
from flask.cli import AppGroup

from newsroom.core import clock
from newsroom.desk import audit, staff
from newsroom.desk.errors import NoSuchAccount
from newsroom.desk.models import ROLES
from newsroom.extensions import db

staff_cli = AppGroup("staff", help="Give and take desk roles.")
audit_cli = AppGroup("audit", help="Read the desk's audit log.")


def _set(email: str, role: str | None) -> None:
    try:
        user = staff.set_role(db.session, email, role, clock.now())
    except NoSuchAccount:
        raise click.ClickException(f"No account with the e-mail address {email}.") from None
    db.session.commit()
    if role is None:
        click.echo(f"{user.email} is no longer on the desk.")
    else:
        click.echo(f"{user.email} is now {role}.")
        if not user.is_verified:
            click.echo("They must confirm their e-mail address before using the desk.")


@staff_cli.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
def staff_add_command(email: str, role: str) -> None:
    """Give an account a desk role (or change it)."""
    _set(email, role)


@staff_cli.command("remove")
@click.argument("email")
def staff_remove_command(email: str) -> None:
    """Take an account's desk role away."""
    _set(email, None)


@staff_cli.command("list")
def staff_list_command() -> None:
    """Every staff member: role, address, whether the address is confirmed."""
    for user in staff.staff(db.session):
        note = "" if user.is_verified else "  (address not confirmed)"
        click.echo(f"{user.role:<12} {user.email}{note}")


@audit_cli.command("export")
def audit_export_command() -> None:
    """Every audit entry, oldest first, as JSON lines on standard output."""
    for entry in audit.every_entry(db.session):
        click.echo(json.dumps(audit.as_json(entry), ensure_ascii=False))
