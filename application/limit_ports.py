"""The ports of the limits a caller meets: request weight and the order counts."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from application.order_count import OrderLimit


class RateLimiter(Protocol):
    """Request weight (Binance's REQUEST_WEIGHT) as a token bucket per key: it holds a
    minute's weight when full and refills continuously at that weight per minute."""

    async def spend(self, keys: Sequence[str], weight: int, now: int) -> int:
        """Takes `weight` from the bucket of every key and returns the most weight in use: what
        a bucket lacks of full, rounded up. Raises `RateLimited`, taking nothing from any, if
        one holds less."""
        ...


class OrderCounter(Protocol):
    """Counts per account in fixed windows of the epoch, one per limit (see
    `application.order_count`)."""

    async def add(
        self, account_id: int, limits: Sequence["OrderLimit"], now: int
    ) -> list[int] | int:
        """Adds one to the account's count in the current window of every limit and returns
        the counts; or, if one is at its limit, adds nothing and returns that limit's index."""
        ...

    async def remove(
        self, account_ids: Sequence[int], limits: Sequence["OrderLimit"], now: int
    ) -> None:
        """Takes one off the current counts of each account, once per time it is given,
        never below zero."""
        ...

    async def counts(
        self, account_id: int, limits: Sequence["OrderLimit"], now: int
    ) -> list[int]: ...
