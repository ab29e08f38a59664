"""The operators' command: rebuild the search index."""

import click
from flask.cli import with_appcontext

from newsroom.extensions import db
from newsroom.search import indexing


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the articles (importing keeps it current)."""
    written = indexing.reindex_all(db.session)
    db.session.commit()
    click.echo(f"{written} article(s) indexed")
