"""Binance's ORDERS rate limits: the unfilled order count of each account, in fixed windows
(ten seconds, and the UTC day), as Binance's "Spot Unfilled Order Count Rules" define it. Every
order placed adds one to each window and is refused (-1015) when a window is full. An order
that trades for the first time takes some off each current window, never below zero: one if
it trades as it arrives (taker), and `MAKER_FIRST_FILL` if it first trades resting in the book
(maker), as the rules' maker example takes off. Cancels and expiries change nothing. Shared by
every API key of the account and every api process."""

import functools
from collections.abc import Iterable

from attrs import define, frozen

from application.errors import TooManyOrders
from application.limit_ports import OrderCounter
from application.ports import Clock
from domain.candles import DAY, SECOND
from domain.events import Trade

MAKER_FIRST_FILL = 5
"""What an order's first fill in the maker phase takes off, as in Binance's example 2."""


@frozen
class FirstFill:
    """An order that traded for the first time: its account, and whether it was resting."""

    account_id: int
    as_maker: bool


@frozen
class OrderLimit:
    interval: str  # as Binance names it: SECOND, MINUTE or DAY
    interval_num: int
    limit: int

    # Worked out once: every order placed reads them.
    @functools.cached_property
    def window_ms(self) -> int:
        return (
            self.interval_num * {"SECOND": SECOND, "MINUTE": 60 * SECOND, "DAY": DAY}[self.interval]
        )

    @functools.cached_property
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

    async def traded(self, first_fills: Iterable[FirstFill]) -> None:
        """Takes off the counts of the accounts of orders that traded for the first time."""
        accounts = [
            fill.account_id
            for fill in first_fills
            for _ in range(MAKER_FIRST_FILL if fill.as_maker else 1)
        ]
        if accounts:
            await self.counter.remove(accounts, self.limits, self.clock.now())

    async def counts(self, account_id: int) -> list[int]:
        return await self.counter.counts(account_id, self.limits, self.clock.now())


def first_fills(trades: Iterable[Trade], executed: dict[int, int]) -> list[FirstFill]:
    """The orders that traded for the first time in `trades` (one command's, in which an
    order is either the taker or resting), given each order's executed quantity after them."""
    traded: dict[int, tuple[FirstFill, int]] = {}
    for trade in trades:
        for order_id, account_id, as_maker in (
            (trade.buyer_order_id, trade.buyer_account_id, trade.buyer_is_maker),
            (trade.seller_order_id, trade.seller_account_id, not trade.buyer_is_maker),
        ):
            quantity = traded.get(order_id, (None, 0))[1] + trade.quantity
            traded[order_id] = (FirstFill(account_id, as_maker), quantity)
    return [
        fill for order_id, (fill, quantity) in traded.items() if executed.get(order_id) == quantity
    ]
