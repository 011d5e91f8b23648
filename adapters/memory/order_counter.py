"""Unfilled order counts held in this process: per account and limit, the current window's
index and count; a window that is over counts nothing."""

from collections.abc import Sequence

from application.order_count import OrderLimit


class MemoryOrderCounter:
    def __init__(self) -> None:
        self._windows: dict[tuple[int, str], tuple[int, int]] = {}

    def _count(self, account_id: int, limit: OrderLimit, now: int) -> int:
        window, count = self._windows.get((account_id, limit.name), (-1, 0))
        return count if window == now // limit.window_ms else 0

    async def add(self, account_id: int, limits: Sequence[OrderLimit], now: int) -> list[int] | int:
        counts = [self._count(account_id, limit, now) for limit in limits]
        for index, (limit, count) in enumerate(zip(limits, counts, strict=True)):
            if count >= limit.limit:
                return index
        for limit, count in zip(limits, counts, strict=True):
            self._windows[account_id, limit.name] = (now // limit.window_ms, count + 1)
        return [count + 1 for count in counts]

    async def remove(
        self, account_ids: Sequence[int], limits: Sequence[OrderLimit], now: int
    ) -> None:
        for account_id in account_ids:
            for limit in limits:
                count = self._count(account_id, limit, now)
                if count:
                    self._windows[account_id, limit.name] = (now // limit.window_ms, count - 1)

    async def counts(self, account_id: int, limits: Sequence[OrderLimit], now: int) -> list[int]:
        return [self._count(account_id, limit, now) for limit in limits]
