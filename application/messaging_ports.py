"""The ports of what goes between processes: committed events to the streams and to the event
log, the outbox's signal, the notices of revoked credentials, freezes and listings, and the
heartbeats of live processes."""

from collections.abc import Sequence
from typing import Protocol

from application.records import (
    LogRecord,
    ProcessBeat,
    StoredRecord,
)
from domain.events import Event


class EventPublisher(Protocol):
    async def publish(self, symbol: str, sequence: int, events: Sequence[Event]) -> None:
        """Hands committed events on to subscribers (streams, downstream consumers)."""
        ...


class EventLog(Protocol):
    """The log of committed events that consumers downstream read (Kinesis, in `aws`): named
    streams, each of shards; a record goes to the shard its partition key falls in, after the
    records appended before it under that key."""

    async def append(self, records: Sequence[LogRecord]) -> None:
        """Appends the records, each key's in the order given; or raises `Unavailable` when
        some could not be appended, and the caller appends them all again: a record may then be
        in the log twice, the second time after the records that followed it the first time."""
        ...

    async def shards(self, stream: str) -> list[str]:
        """The ids of the stream's shards."""
        ...

    async def read(
        self, stream: str, shard: str, after: str | None, limit: int
    ) -> list[StoredRecord]:
        """Up to `limit` records of the shard, oldest first, after sequence number `after`
        (or from the oldest kept)."""
        ...

    async def read_since(self, stream: str, shard: str, at: int, limit: int) -> list[StoredRecord]:
        """Up to `limit` records of the shard, oldest first, from the first that arrived at or
        after epoch milliseconds `at` (Kinesis is asked in whole seconds: up to a second
        before); `read` goes on after the last."""
        ...


class OutboxSignal(Protocol):
    """Tells the outbox's relay, wherever it runs, that a commit wrote to the outbox."""

    def notify(self) -> None: ...

    async def wait(self, timeout_s: float) -> None:
        """Returns once notified since the last return, or after `timeout_s`."""
        ...


class Revocations(Protocol):
    """Tells every process that serves streams that a credential (a listen key, an API key) no
    longer holds: the streams and subscriptions opened with it end at once."""

    async def revoke(self, credentials: Sequence[str]) -> None: ...


class FreezeNotices(Protocol):
    """Tells every process that an account's freeze changed, so that none waits for its
    cached frozen accounts to expire."""

    async def tell(self, account_id: int) -> None: ...


class ListingNotices(Protocol):
    """Tells every process that the listings changed, so that each reads them again at once."""

    async def announce(self) -> None: ...


class Processes(Protocol):
    """The exchange's live processes, each telling of itself every few seconds."""

    async def beat(self, beat: ProcessBeat, ttl_ms: int) -> None:
        """Records the process's latest beat; without another within `ttl_ms` it is gone."""
        ...

    async def live(self, now: int) -> list[ProcessBeat]:
        """The processes whose last beat is not older than its `ttl_ms`, by role and id."""
        ...
