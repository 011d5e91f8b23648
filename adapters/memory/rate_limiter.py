"""Request weight per key as token buckets held in this process (Binance's REQUEST_WEIGHT).

A bucket holds up to `weight_per_minute` and refills at that weight per minute. Its level is
counted in sixty-thousandths of a unit of weight, so that every millisecond refills a whole
number of them and the arithmetic stays exact."""

from collections import OrderedDict
from collections.abc import Sequence

from application.errors import RateLimited

MINUTE = 60_000


class MemoryRateLimiter:
    def __init__(self, weight_per_minute: int = 6000) -> None:
        self.limit = weight_per_minute
        # Key -> (level, updated at), the least recently updated first. A bucket untouched for
        # a minute is full, and a full bucket is the same as none: only the buckets used in
        # the last minute are kept.
        self._buckets: OrderedDict[str, tuple[int, int]] = OrderedDict()

    async def spend(self, keys: Sequence[str], weight: int, now: int) -> int:
        self._forget_full(now)
        full, needed = self.limit * MINUTE, weight * MINUTE
        buckets = []
        for key in keys:
            level, updated_at = self._buckets.get(key, (full, now))
            if now > updated_at:
                level, updated_at = min(full, level + (now - updated_at) * self.limit), now
            buckets.append((key, level, updated_at))
        lacking = max((needed - level for _, level, _ in buckets), default=0)
        if lacking > 0:
            raise RateLimited(self.limit, retry_after=-(-lacking // self.limit))
        used = 0
        for key, level, updated_at in buckets:
            left = level - needed
            if left == full:
                self._buckets.pop(key, None)
            else:
                self._buckets[key] = (left, updated_at)
                self._buckets.move_to_end(key)
            used = max(used, -(-(full - left) // MINUTE))
        return used

    def _forget_full(self, now: int) -> None:
        while self._buckets:
            key, (_, updated_at) = next(iter(self._buckets.items()))
            if now - updated_at < MINUTE:
                return
            del self._buckets[key]
