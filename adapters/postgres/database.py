"""The connection pool, and what PostgreSQL's refusals mean to the application."""

import re
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import CursorResult, Row, exc
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.postgres.credentials import DatabaseCredentials, connector
from application import metrics
from application.errors import (
    AlreadyListed,
    ConcurrentChange,
    EmailTaken,
    ReferenceTaken,
    Unavailable,
)
from domain.errors import HoldingsLimit, InsufficientBalance, UnknownAsset

AnyRow = Row[*tuple[Any, ...]]
Rows = CursorResult[*tuple[Any, ...]]

CONNECT_TIMEOUT_S = 2.0
COMMAND_TIMEOUT_S = 10.0

# SQLSTATE classes after which nothing was kept and the same request may succeed later:
# connection exceptions, transaction rollbacks (serialization, deadlock), insufficient
# resources (too many connections), operator intervention (shutdown, starting up); and
# credentials refused even when read anew, as in the moments of a rotation.
_TRANSIENT_CLASSES = ("08", "28", "40", "53", "57")


def create_engine(
    url: str,
    pool_size: int = 10,
    idle_in_transaction_ms: int = 5000,
    credentials: DatabaseCredentials | None = None,
) -> AsyncEngine:
    """A pool that fails fast when PostgreSQL is down instead of letting requests queue; it
    signs in as `url` says, or with `credentials` from a secret store (`aws`).

    A transaction left idle longer than `idle_in_transaction_ms` is ended by the server: a
    process that stalls mid-commit (paused, starved) would otherwise keep its market's lease
    row locked, and no standby could take the market over (the engines pass their lease TTL)."""
    options: dict[str, Any] = {
        "timeout": CONNECT_TIMEOUT_S,
        "command_timeout": COMMAND_TIMEOUT_S,
        "server_settings": {"idle_in_transaction_session_timeout": str(idle_in_transaction_ms)},
    }
    pool: dict[str, Any] = {
        "pool_size": pool_size,
        "max_overflow": pool_size,
        "pool_timeout": CONNECT_TIMEOUT_S,
    }
    if credentials is None:
        return create_async_engine(url, connect_args=options, **pool)
    return create_async_engine(url, async_creator=connector(url, credentials, **options), **pool)


def translate(error: BaseException) -> Exception | None:
    """The application's error for a failure of the database, or None for a bug."""
    if isinstance(error, exc.DBAPIError):
        cause = error.orig.__cause__ if error.orig is not None else None
        constraint = getattr(cause, "constraint_name", None)
        if constraint == "ck_balances_never_negative":
            return InsufficientBalance("Account has insufficient balance for requested action.")
        if constraint == "ck_balances_holdings_limit":
            return HoldingsLimit()
        if constraint == "uq_users_email":
            return EmailTaken()
        if constraint == "pk_transfers":
            return ReferenceTaken()
        if constraint in ("pk_assets", "pk_markets"):
            return AlreadyListed(_key(cause))
        if constraint in ("fk_markets_base_asset", "fk_markets_quote_asset"):
            return UnknownAsset(f"Unknown asset {_key(cause)!r}.")
        if constraint == "pk_two_factors":
            return ConcurrentChange()
        if error.connection_invalidated or _is_transient(cause):
            return _unavailable(error)
        if isinstance(error, exc.OperationalError | exc.InterfaceError):
            return _unavailable(error)
        return None
    if isinstance(error, exc.TimeoutError | exc.DisconnectionError):
        return _unavailable(error)
    if isinstance(error, OSError | TimeoutError | asyncpg.InterfaceError):
        return _unavailable(error)
    if _is_transient(error):
        return _unavailable(error)
    return None


def _key(cause: BaseException | None) -> str:
    """The value a unique or foreign key refused, from PostgreSQL's detail."""
    found = re.search(r"\)=\((.*?)\)", getattr(cause, "detail", None) or "")
    return found.group(1) if found else "?"


def _is_transient(error: BaseException | None) -> bool:
    sqlstate = getattr(error, "sqlstate", None)
    return isinstance(sqlstate, str) and sqlstate.startswith(_TRANSIENT_CLASSES)


def _unavailable(error: BaseException) -> Unavailable:
    metrics.store_errors.labels("postgres").inc()
    return Unavailable(f"The database is unavailable ({type(error).__name__}); try again later.")
