"""Answers kept in this process for a while: a cache for one API task."""

import time
from collections.abc import Callable

MAX_ENTRIES = 10_000


class MemoryCache:
    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_entries = max_entries
        self._monotonic = monotonic
        self._entries: dict[str, tuple[float, bytes]] = {}  # key -> (expires at, value)
        self._sweep_at = min(1024, max_entries)

    async def get(self, key: str) -> bytes | None:
        found = self._entries.get(key)
        if found is None:
            return None
        expires_at, value = found
        if self._monotonic() >= expires_at:
            del self._entries[key]
            return None
        return value

    async def put(self, key: str, value: bytes, ttl_ms: int) -> None:
        self._entries.pop(key, None)
        if len(self._entries) >= self._sweep_at:
            self._sweep()
        self._entries[key] = (self._monotonic() + ttl_ms / 1000, value)

    def _sweep(self) -> None:
        """Forgets what has expired and, past the limit, the oldest entries; sweeping again
        only once the entries have doubled keeps the cost a constant per entry put."""
        now = self._monotonic()
        for key in [key for key, (expires_at, _) in self._entries.items() if expires_at <= now]:
            del self._entries[key]
        excess = len(self._entries) + 1 - self._max_entries
        for key in list(self._entries)[: max(0, excess)]:
            del self._entries[key]
        self._sweep_at = min(max(1024, 2 * len(self._entries)), self._max_entries)
