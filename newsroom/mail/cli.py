"""The mail worker's command."""

import click
from flask.cli import with_appcontext

from newsroom.core.stopping import run_until_stopped
from newsroom.mail import worker


@click.command("mail-worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@with_appcontext
def mail_worker_command(once: bool) -> None:
    """Deliver queued mail, retrying with backoff; runs until stopped (SIGTERM or Ctrl-C)."""
    if once:
        report = worker.deliver_all_due()
        click.echo(f"{report.sent} sent, {report.failed} to retry")
        return
    click.echo("mail worker: delivering queued mail (SIGTERM or Ctrl-C stops it)")
    run_until_stopped(worker.run_worker)
