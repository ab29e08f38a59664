"""Rate limits on credential checks: every place that checks a password or a token is limited
per account and per client, and only failed checks count, so nobody locks themselves out by
succeeding.

    @bp.post("/account/delete")
    @login_required
    @credential_check("account-delete", account=lambda: str(current_user.id))
    def delete():
        ...
        except accounts.WrongPassword:
            count_failure()

The counts live in the limiter's storage (Redis in production), so every worker shares them.
"""

from collections.abc import Callable, Sequence

from flask import g, request

from newsroom.extensions import limiter
from newsroom.web.helpers import setting

PER_ACCOUNT = "CREDENTIAL_LIMIT_PER_ACCOUNT"
PER_CLIENT = "CREDENTIAL_LIMIT_PER_CLIENT"


def client_address() -> str:
    """The client: the socket's peer, or with NEWSROOM_PROXY_COUNT set, the address the
    trusted proxies forwarded (ProxyFix has rewritten remote_addr by then)."""
    return request.remote_addr or "unknown"


def count_failure() -> None:
    """Count this request against the limits of the credential check it passed through."""
    g.credential_check_failed = True


def served(response) -> bool:
    """A try counts only when it was answered: a 503 (the database busy, a provider down)
    costs the reader nothing, so they may simply try again."""
    return response.status_code < 500


def _failed(_response) -> bool:
    return bool(g.get("credential_check_failed"))


def credential_check(
    name: str,
    account: Callable[[], str],
    *,
    per_account: str = PER_ACCOUNT,
    per_client: str = PER_CLIENT,
    methods: Sequence[str] = ("POST",),
):
    """Limit a view that checks a credential: `account()` names the account being tried
    (an e-mail address, a user id) and the client is its address. A request over either
    limit is answered 429 before the check runs. `per_account`/`per_client` name the
    settings that hold the limits."""

    def account_key() -> str:
        return f"{name}-account:{(account() or '-')[:254]}"

    def client_key() -> str:
        return f"{name}-client:{client_address()}"

    by_account = limiter.limit(
        lambda: setting(per_account),
        key_func=account_key,
        methods=list(methods),
        deduct_when=_failed,
    )
    by_client = limiter.limit(
        lambda: setting(per_client),
        key_func=client_key,
        methods=list(methods),
        deduct_when=_failed,
    )

    def decorate(view):
        return by_client(by_account(view))

    return decorate
