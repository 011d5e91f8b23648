"""The connection pool, and what PostgreSQL's refusals mean to the application."""

from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import CursorResult, Row, exc
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from application import metrics
from application.errors import EmailTaken, ReferenceTaken, Unavailable
from domain.errors import HoldingsLimit, InsufficientBalance

AnyRow = Row[*tuple[Any, ...]]
Rows = CursorResult[*tuple[Any, ...]]

CONNECT_TIMEOUT_S = 2.0
COMMAND_TIMEOUT_S = 10.0

# SQLSTATE classes after which nothing was kept and the same request may succeed later:
# connection exceptions, transaction rollbacks (serialization, deadlock), insufficient
# resources (too many connections), operator intervention (shutdown, starting up).
_TRANSIENT_CLASSES = ("08", "40", "53", "57")


def create_engine(url: str, pool_size: int = 10, idle_in_transaction_ms: int = 5000) -> AsyncEngine:
    """A pool that fails fast when PostgreSQL is down instead of letting requests queue.

    A transaction left idle longer than `idle_in_transaction_ms` is ended by the server: a
    process that stalls mid-commit (paused, starved) would otherwise keep its market's lease
    row locked, and no standby could take the market over (the engines pass their lease TTL)."""
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=CONNECT_TIMEOUT_S,
        connect_args={
            "timeout": CONNECT_TIMEOUT_S,
            "command_timeout": COMMAND_TIMEOUT_S,
            "server_settings": {"idle_in_transaction_session_timeout": str(idle_in_transaction_ms)},
        },
    )


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


def _is_transient(error: BaseException | None) -> bool:
    sqlstate = getattr(error, "sqlstate", None)
    return isinstance(sqlstate, str) and sqlstate.startswith(_TRANSIENT_CLASSES)


def _unavailable(error: BaseException) -> Unavailable:
    metrics.store_errors.labels("postgres").inc()
    return Unavailable(f"The database is unavailable ({type(error).__name__}); try again later.")
