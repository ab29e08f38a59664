"""The `newsroom` command group: every area's commands under one name."""

from flask.cli import AppGroup

from newsroom.accounts.cli import reset_link_command, users_cli
from newsroom.articles.cli import import_command
from newsroom.billing.cli import subscribe_command
from newsroom.delivery.cli import cache_worker_command
from newsroom.demo.cli import demo_command
from newsroom.desk.cli import audit_cli, staff_cli
from newsroom.gifting.cli import gifts_cli
from newsroom.jobs.cli import jobs_command
from newsroom.mail.cli import mail_worker_command
from newsroom.search.cli import reindex_command

newsroom_cli = AppGroup("newsroom", help="Load content and manage subscriptions.")
for command in (
    import_command,
    reindex_command,
    jobs_command,
    demo_command,
    subscribe_command,
    mail_worker_command,
    cache_worker_command,
    reset_link_command,
    users_cli,
    gifts_cli,
    staff_cli,
    audit_cli,
):
    newsroom_cli.add_command(command)
