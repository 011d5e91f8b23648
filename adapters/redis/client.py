"""The Redis client, and the one place where a Redis out of reach becomes `Unavailable`."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from application.errors import Unavailable

TIMEOUT_S = 0.5
HEALTH_CHECK_INTERVAL_S = 15
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def connect(url: str) -> redis.Redis:
    """A pooled client for `url`; it connects on first use, not here."""
    return redis.from_url(
        url,
        socket_connect_timeout=TIMEOUT_S,
        socket_timeout=TIMEOUT_S,
        health_check_interval=HEALTH_CHECK_INTERVAL_S,
        # One immediate retry covers a pooled connection the server has closed; more would
        # only keep callers waiting while Redis is down.
        retry=Retry(NoBackoff(), 1),
    )


@contextmanager
def reachable(what: str) -> Iterator[None]:
    """Turns Redis being out of reach, inside the block, into `Unavailable`."""
    try:
        yield
    except UNREACHABLE as error:
        raise Unavailable(f"The {what} is unavailable; please try again.") from error


def texts(replies: Sequence[bytes | str | None]) -> list[str] | None:
    """Redis's replies as text, or None if any of them is missing."""
    found = [reply.decode() if isinstance(reply, bytes) else reply for reply in replies]
    return None if None in found else [reply for reply in found if reply is not None]
