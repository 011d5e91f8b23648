"""The ports of public market history: each market's trades and candles as the public reads
them, kept by the system of record (`memory`, `local`) or, in `aws`, in DynamoDB tables that
the trade stream's Lambda functions fill."""

from datetime import date
from typing import Protocol

from msgspec import Struct

from domain.candles import Candle, Interval
from domain.events import Trade


class PublicTrade(Struct, frozen=True, gc=False):
    """A trade as anyone may see it: no accounts, no fees. Its taker order is what folds
    consecutive trades into an aggregate trade."""

    trade_id: int
    price: int
    quantity: int
    quote_quantity: int
    timestamp: int
    buyer_is_maker: bool
    taker_order_id: int

    @classmethod
    def of(cls, trade: Trade) -> "PublicTrade":
        taker = trade.seller_order_id if trade.buyer_is_maker else trade.buyer_order_id
        return cls(
            trade.trade_id,
            trade.price,
            trade.quantity,
            trade.quote_quantity,
            trade.timestamp,
            trade.buyer_is_maker,
            taker,
        )


class TradeHistory(Protocol):
    async def recent(self, symbol: str, limit: int) -> list[PublicTrade]:
        """The newest `limit` trades, oldest first."""
        ...

    async def history(
        self,
        symbol: str,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[PublicTrade]:
        """Oldest first: the first `limit` trades from trade id `from_id` or time `start`,
        else the last `limit` up to time `end`; times are inclusive."""
        ...


class CandleHistory(Protocol):
    async def between(
        self, symbol: str, interval: Interval, start: int, end: int, limit: int
    ) -> list[Candle]:
        """The first `limit` candles opening in [start, end], the intervals nobody traded in
        (after the market's first trade) shown flat at the close before them."""
        ...


class TradeArchive(Protocol):
    """Each market's completed days of trades, a file a day as the design's historical data
    keeps them (S3, in `aws`): gzip-compressed CSV, a line per trade (see
    `application.trade_export`)."""

    async def get(self, symbol: str, day: date) -> bytes | None:
        """The day's file as stored, or None while the day is not archived."""
        ...

    async def put(self, symbol: str, day: date, data: bytes) -> None: ...
