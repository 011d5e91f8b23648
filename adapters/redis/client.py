"""The Redis client, and the one place where a Redis out of reach becomes `Unavailable`."""

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

from application import metrics
from application.errors import Unavailable

TIMEOUT_S = 0.5
MAX_CONNECTIONS = 100  # per process
POOL_WAIT_S = 2.0  # the longest a command waits for a pooled connection to be free
HEALTH_CHECK_INTERVAL_S = 15
# A replica refuses writes for the moments of a failover: out of reach too, for a while.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ReadOnlyError, OSError)

logger = logging.getLogger(__name__)


def connect(url: str, password: str | None = None) -> redis.Redis:
    """A pooled client for `url` (`rediss://` for TLS), signing in with `password` (an AUTH
    token) if given; it connects on first use, not here. A burst of commands beyond the pool's
    connections waits for one to be free (an engine answers a batch of hundreds of commands at
    once) instead of failing as if Redis were out of reach. Closing the client closes every
    connection of its pool."""
    pool = redis.BlockingConnectionPool.from_url(
        url,
        password=password,
        max_connections=MAX_CONNECTIONS,
        timeout=POOL_WAIT_S,
        socket_connect_timeout=TIMEOUT_S,
        socket_timeout=TIMEOUT_S,
        health_check_interval=HEALTH_CHECK_INTERVAL_S,
        # One immediate retry covers a pooled connection the server has closed; more would
        # only keep callers waiting while Redis is down.
        retry=Retry(NoBackoff(), 1),
    )
    return redis.Redis.from_pool(pool)  # the client owns its pool: closing it closes them all


def channel_name(client: redis.Redis, name: str) -> str:
    """A pub/sub channel of the client's database: channels are shared by every database of a
    server, so that deployments on two databases of one Redis would hear each other."""
    return f"{name}:{client.connection_pool.connection_kwargs.get('db', 0)}"


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


class Outage:
    """For a user of Redis that can do without it: after a failure, Redis is left alone for
    `pause_s` rather than making every caller wait for it. The start and the end of an outage
    are logged once each."""

    def __init__(
        self, what: str, pause_s: float = 1.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._what = what
        self._pause_s = pause_s
        self._monotonic = monotonic
        self._down = False
        self._retry_at = 0.0

    def allows(self) -> bool:
        """Whether to try Redis now."""
        return not self._down or self._monotonic() >= self._retry_at

    def failed(self, error: Exception) -> None:
        metrics.store_errors.labels("redis").inc()
        if not self._down:
            logger.warning("Redis is out of reach (%s): the %s does without it", error, self._what)
        self._down = True
        self._retry_at = self._monotonic() + self._pause_s

    def succeeded(self) -> None:
        if self._down:
            logger.warning("Redis is back: the %s uses it again", self._what)
        self._down = False
