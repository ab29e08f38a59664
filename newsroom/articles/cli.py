"""The editors' command: import articles from Markdown."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from newsroom.articles import importing
from newsroom.extensions import db


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@with_appcontext
def import_command(paths: tuple[Path, ...]) -> None:
    """Import Markdown articles (files or folders). Re-importing a slug updates it."""
    report = importing.import_paths(db.session, list(paths), current_app.config["TIMEZONE"])
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
