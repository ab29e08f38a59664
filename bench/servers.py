"""Processes the benchmark starts besides gunicorn (loopback.gunicorn): a throw-away
PostgreSQL, and the production settings the site runs with."""

import os
import secrets
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.dataset import PASSWORD_HASH_METHOD, TIMEZONE
from scripts.loopback import ROOT

HIGH_LIMIT = "1000000 per minute"
SITE_URL = "https://bench.newsroom.example"  # production requires a public address


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so the finally blocks stop what was started."""

    def handler(_signum, _frame):
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, handler)


def workers_default() -> int:
    return os.cpu_count() or 2


def site_environment(database_url: str, secret_key: str) -> dict[str, str]:
    """Production settings; rate limits far above what the load reaches."""
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "NEWSROOM_ENV": "production",
        "NEWSROOM_SITE_URL": SITE_URL,
        "NEWSROOM_MAIL_SERVER": "127.0.0.1",  # required in production; a run sends no mail
        "NEWSROOM_CUSTOMER_SERVICE_EMAIL": "service@newsroom.test",  # so is a way to buy
        "NEWSROOM_TIMEZONE": TIMEZONE,
        "NEWSROOM_PASSWORD_HASH_METHOD": PASSWORD_HASH_METHOD,
        "NEWSROOM_LOGIN_LIMIT_PER_ADDRESS": HIGH_LIMIT,
        "NEWSROOM_LOGIN_LIMIT_PER_ACCOUNT": HIGH_LIMIT,
        "NEWSROOM_GIFT_CREATE_LIMIT": HIGH_LIMIT,
        "NEWSROOM_GIFT_TOKEN_FAILURE_LIMIT": HIGH_LIMIT,
        # Production refuses per-process limit counts; the bench runs no Redis, so no limits.
        "NEWSROOM_RATELIMIT_ENABLED": "false",
    }


def new_secret_key() -> str:
    return secrets.token_hex(32)


@contextmanager
def postgres(directory: Path) -> Iterator[str]:
    """A private PostgreSQL server (scripts/postgres) in `directory`; yields its URL."""
    directory.mkdir(parents=True, exist_ok=True)
    script = ROOT / "scripts" / "postgres"
    try:
        result = subprocess.run(
            ["bash", str(script), "start", str(directory)],
            check=True,
            capture_output=True,
            text=True,
            timeout=180,
        )
        yield result.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(
            ["bash", str(script), "stop", str(directory)],
            check=False,
            capture_output=True,
            timeout=60,
        )
