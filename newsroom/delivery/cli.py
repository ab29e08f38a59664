"""The cache worker's command: it sends the kept purges when they are due: again, those a
shared cache did not take; at its publication time, those of a scheduled article."""

import logging
import threading

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from newsroom.core import clock
from newsroom.core.stopping import run_until_stopped
from newsroom.delivery import purge
from newsroom.extensions import db

log = logging.getLogger("newsroom.delivery")

POLL_SECONDS = 5


def retry_once() -> purge.RetryReport:
    report = purge.retry_due(db.session, clock.now())
    db.session.commit()
    return report


def run_worker(stop: threading.Event) -> None:
    """Retry until `stop` is set: what is due now, then wait a poll interval."""
    while not stop.is_set():
        try:
            retry_once()
        except SQLAlchemyError:
            db.session.rollback()
            log.warning("cache worker could not reach the database; trying again")
        stop.wait(POLL_SECONDS)


@click.command("cache-worker")
@click.option("--once", is_flag=True, help="Send the purges due now, then exit.")
@with_appcontext
def cache_worker_command(once: bool) -> None:
    """Send the kept purges when due (retries, scheduled articles); runs until stopped."""
    if once:
        report = retry_once()
        click.echo(f"{report.sent} sent, {report.failed} to retry")
        return
    click.echo("cache worker: sending kept and scheduled purges (SIGTERM or Ctrl-C stops it)")
    run_until_stopped(run_worker)
