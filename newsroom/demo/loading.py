"""Demo content: original articles, jobs and two accounts. Loading twice changes nothing."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from newsroom.articles import importing
from newsroom.billing import subscriptions
from newsroom.jobs import listings
from newsroom.models import Subscription, User

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"


@dataclass(frozen=True)
class DemoAccount:
    label: str
    email: str
    password: str


@dataclass(frozen=True)
class DemoResult:
    articles: int
    jobs: int
    accounts: list[DemoAccount]


DEMO_USERS = (
    ("Digital+ subscriber", "subscriber@example.com", "Karen Holm", True),
    ("Registered, no Digital+", "reader@example.com", "Jonas Berg", False),
)


def _account(
    session: Session, email: str, name: str, hash_method: str, now: datetime
) -> tuple[User, str]:
    """Create or reset a demo account with a fresh random password and a confirmed address
    (example.com receives no mail, so the demo cannot confirm it by link)."""
    password = secrets.token_urlsafe(12)
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, password_hash="")
        session.add(user)
    user.email_verified_at = user.email_verified_at or now
    user.password_hash = generate_password_hash(password, method=hash_method)
    session.flush()
    return user, password


def load(session: Session, now: datetime, tz: str, hash_method: str) -> DemoResult:
    report = importing.import_paths(session, [DEMO_DIR / "articles"], tz)
    if report.problems:
        raise RuntimeError("demo content is broken: " + "; ".join(map(str, report.problems)))
    loaded_jobs, problems = listings.import_jobs(session, DEMO_DIR / "jobs.yaml", tz)
    if problems:
        raise RuntimeError("demo jobs are broken: " + "; ".join(map(str, problems)))
    accounts = []
    for label, email, name, digital_plus in DEMO_USERS:
        user, password = _account(session, email, name, hash_method, now)
        if digital_plus and not subscriptions.has_digital_plus(session, user.id, now):
            session.add(
                Subscription(user_id=user.id, starts_at=now, ends_at=now + timedelta(days=365))
            )
        accounts.append(DemoAccount(label, email, password))
    session.flush()
    return DemoResult(len(report.created) + len(report.updated), loaded_jobs, accounts)
