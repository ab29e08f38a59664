"""The editors' command: load job listings."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from newsroom.extensions import db
from newsroom.jobs import listings


@click.command("jobs")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def jobs_command(path: Path) -> None:
    """Load job listings from a YAML list (title, employer, location, url, posted_at)."""
    loaded, problems = listings.import_jobs(db.session, path, current_app.config["TIMEZONE"])
    db.session.commit()
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"{loaded} job(s) loaded")
    if problems:
        sys.exit(1)
