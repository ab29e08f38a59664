"""Who works on the desk, and what each role may do. Every operation asks here itself."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsroom.accounts import operations
from newsroom.desk import audit
from newsroom.desk.errors import (
    NoSuchAccount,
    NotOnDesk,
    OwnRole,
    PasswordNotConfirmed,
    VerificationRequired,
)
from newsroom.desk.models import ADMIN, EDITOR, ROLES
from newsroom.models import User

EDITING_ROLES = (EDITOR, ADMIN)


def on_desk(user) -> User:
    """The staff member behind a request, or 404 for anyone without a role (anonymous too);
    staff must have confirmed their address."""
    if not getattr(user, "is_authenticated", False) or user.role not in ROLES:
        raise NotOnDesk()
    if not user.is_verified:
        raise VerificationRequired()
    return user


def is_editor(user: User) -> bool:
    return user.role in EDITING_ROLES


def require_editor(user: User) -> None:
    """Contributors meet a 404 on what only editors do, as readers do on the whole desk."""
    on_desk(user)
    if not is_editor(user):
        raise NotOnDesk()


def require_admin(user: User) -> None:
    on_desk(user)
    if user.role != ADMIN:
        raise NotOnDesk()  # contributors and editors are not told the page exists


def _account(session: Session, email: str) -> User:
    user = operations.find_by_email(session, email)
    if user is None or user.deleted_at is not None:
        raise NoSuchAccount(email)
    return user


def set_role(
    session: Session, email: str, role: str | None, now: datetime, by: User | None = None
) -> User:
    """Give an account a role (None takes it away), audited. `by` None is the command line;
    anyone else must be an admin."""
    if by is not None:
        require_admin(by)
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = _account(session, email)
    if user.role != role:
        audit.record(
            session,
            "role",
            by=by,
            now=now,
            subject=user.email,
            before={"role": user.role},
            after={"role": role},
        )
        user.role = role
        session.flush()
    return user


def staff(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.role.is_not(None)).order_by(User.email)))


def change_role(
    session: Session,
    admin: User,
    password: str,
    email: str,
    role: str | None,
    now: datetime,
    *,
    hash_method: str,
) -> User:
    """An admin on the desk gives, changes or takes a role after entering their own password
    again; a wrong one changes nothing. Their own role is changed only on the command line,
    so the desk is never left without the admin who was using it."""
    require_admin(admin)
    if not operations.password_matches(admin, password, hash_method=hash_method):
        raise PasswordNotConfirmed()
    if _account(session, email).id == admin.id:
        raise OwnRole()
    return set_role(session, email, role, now, by=admin)
