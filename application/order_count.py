"""Binance's ORDERS rate limits: the unfilled order count of each account, in fixed windows
(ten seconds, and the UTC day). Every order placed adds one to each window and is refused
(-1015) when a window is full; an order that trades for the first time, as taker or as maker,
takes one off each current window, never below zero. Cancels and expiries change nothing.
Shared by every API key of the account and every api process."""

from collections.abc import Iterable

from attrs import define, frozen

from application.errors import TooManyOrders
from application.ports import Clock, OrderCounter
from domain.candles import DAY, SECOND
from domain.events import Trade


@frozen
class OrderLimit:
    interval: str  # as Binance names it: SECOND, MINUTE or DAY
    interval_num: int
    limit: int

    @property
    def window_ms(self) -> int:
        return (
            self.interval_num * {"SECOND": SECOND, "MINUTE": 60 * SECOND, "DAY": DAY}[self.interval]
        )

    @property
    def name(self) -> str:
        """As Binance's X-MBX-ORDER-COUNT-<name> header gives it: 10S, 1D."""
        return f"{self.interval_num}{self.interval[0]}"


def binance_limits(per_10_seconds: int, per_day: int) -> tuple[OrderLimit, ...]:
    return (OrderLimit("SECOND", 10, per_10_seconds), OrderLimit("DAY", 1, per_day))


@define
class UnfilledOrders:
    counter: OrderCounter
    limits: tuple[OrderLimit, ...]
    clock: Clock

    async def place(self, account_id: int) -> list[int]:
        """Counts a new order of the account, window by window, or raises `TooManyOrders`
        (counting nothing) if a window is full. Returns the counts with it."""
        counts = await self.counter.add(account_id, self.limits, self.clock.now())
        if isinstance(counts, int):
            limit = self.limits[counts]
            raise TooManyOrders(limit.limit, limit.interval_num, limit.interval)
        return counts

    async def refused(self, account_id: int) -> None:
        """Takes back the count of an order that `place` counted and the exchange refused."""
        await self.counter.remove([account_id], self.limits, self.clock.now())

    async def traded(self, first_fills: Iterable[int]) -> None:
        """Takes one off the count of each account given, once per order of it that traded
        for the first time."""
        accounts = list(first_fills)
        if accounts:
            await self.counter.remove(accounts, self.limits, self.clock.now())

    async def counts(self, account_id: int) -> list[int]:
        return await self.counter.counts(account_id, self.limits, self.clock.now())


def first_fills(trades: Iterable[Trade], executed: dict[int, int]) -> list[int]:
    """The accounts of the orders that traded for the first time in `trades` (one command's),
    given each order's executed quantity after them: one entry per such order."""
    traded: dict[int, tuple[int, int]] = {}
    for trade in trades:
        for order_id, account_id in (
            (trade.buyer_order_id, trade.buyer_account_id),
            (trade.seller_order_id, trade.seller_account_id),
        ):
            quantity = traded.get(order_id, (account_id, 0))[1] + trade.quantity
            traded[order_id] = (account_id, quantity)
    return [
        account_id
        for order_id, (account_id, quantity) in traded.items()
        if executed.get(order_id) == quantity
    ]
