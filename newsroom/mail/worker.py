"""The mail worker, the edge of mail: it takes due mail from the outbox, sends it through
the mailer and commits around every mail, so none is sent twice and none is lost. It runs
as a loop (`newsroom mail-worker`) and, for the mail of one request, after the response."""

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from flask import Flask, Response, current_app, g
from sqlalchemy.exc import SQLAlchemyError

from newsroom.core import clock
from newsroom.extensions import db
from newsroom.mail import delivery, outbox

log = logging.getLogger("newsroom.mail")

# How long a sender may hold a mail before another may take it (it died while sending).
CLAIM_LEASE = timedelta(minutes=15)
BATCH_SIZE = 100


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0


def deliver_due(ids: list[int] | None = None, limit: int = BATCH_SIZE) -> DeliveryReport:
    """Send what is due (only `ids` when given): claim, commit, send, mark sent, commit.

    A server that is down leaves each mail queued for a later attempt; the rest of the batch
    waits for the next round instead of hammering it.
    """
    session = db.session
    report = DeliveryReport()
    pending = outbox.due_ids(session, clock.now(), limit, ids)
    session.commit()
    with delivery.Batch() as batch:
        for mail_id in pending:
            claimed = outbox.claim(session, mail_id, clock.now(), CLAIM_LEASE)
            session.commit()
            if claimed is None:
                continue  # another sender has it, or it went out meanwhile
            outcome = batch.send(session, claimed)
            session.commit()
            if outcome is delivery.Outcome.SENT:
                report.sent += 1
                continue
            report.failed += 1
            if outcome is delivery.Outcome.FAILED:
                break
    return report


def deliver_all_due() -> DeliveryReport:
    """Batches until nothing is due or the server stops answering."""
    total = DeliveryReport()
    while True:
        report = deliver_due()
        total.sent += report.sent
        total.failed += report.failed
        if report.failed or report.sent < BATCH_SIZE:
            return total


def _deliver_after_response(app: Flask, ids: list[int]) -> None:
    """Runs once the response has gone out: a failure here only leaves the mail queued."""
    with app.app_context():
        try:
            deliver_due(ids)
        except Exception:
            db.session.rollback()
            log.exception("mail delivery after the request failed; the worker will retry")


def run_worker(stop: threading.Event) -> None:
    """Deliver until `stop` is set: what is due now, then wait a poll interval."""
    config = current_app.config
    while not stop.is_set():
        try:
            deliver_all_due()
            outbox.prune_sent(
                db.session, clock.now() - timedelta(days=config["MAIL_KEEP_SENT_DAYS"])
            )
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            log.warning("mail worker could not reach the database; trying again")
        except Exception:  # a fault the mailer did not foresee: the worker goes on
            db.session.rollback()
            log.exception("mail worker round failed; trying again")
        stop.wait(config["MAIL_WORKER_POLL_SECONDS"])


def init_app(app: Flask) -> None:
    @app.after_request
    def deliver_after_commit(response: Response) -> Response:
        ids = g.pop("queued_mail_ids", None)
        if ids and app.config["MAIL_DELIVER_AFTER_REQUEST"]:
            response.call_on_close(partial(_deliver_after_response, app, ids))
        return response
