"""Request weight per key and minute, counted in this process (Binance's REQUEST_WEIGHT)."""

from application.errors import RateLimited

MINUTE = 60_000


class MemoryRateLimiter:
    def __init__(self, weight_per_minute: int = 6000) -> None:
        self.limit = weight_per_minute
        self._used: dict[str, tuple[int, int]] = {}

    async def spend(self, key: str, weight: int, now: int) -> int:
        minute = now // MINUTE
        window, used = self._used.get(key, (minute, 0))
        if window != minute:
            used = 0
        if used + weight > self.limit:
            raise RateLimited(self.limit, retry_after=(minute + 1) * MINUTE - now)
        self._used[key] = (minute, used + weight)
        if len(self._used) > 100_000:
            self._used = {k: v for k, v in self._used.items() if v[0] == minute}
        return used + weight
