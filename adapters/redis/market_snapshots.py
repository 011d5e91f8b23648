"""The markets' books and tickers in Redis, as the market data role keeps them and every api
process reads them: one key per market, replaced whole after each batch of events."""

import asyncio

import msgspec
import redis.asyncio as redis

from adapters.redis.client import reachable
from application.errors import MarketUnavailable
from application.market_view import MarketView
from application.records import Depth
from domain.average_price import AverageWindow
from domain.ticker import TickerStats

SNAPSHOT = "bourse:market:"
LEVELS_KEPT = 5000  # per side: the deepest book Binance's depth endpoint answers
CATCH_UP_S = 0.25  # the longest a read waits for the snapshot to show this process's orders
CATCH_UP_POLL_S = 0.005


class Snapshot(msgspec.Struct, array_like=True, gc=False):
    depth: Depth
    ticker: TickerStats
    # Empty in a snapshot that a market data process of the version before wrote, during a
    # rolling deployment: avgPrice answers the last price until the new one writes.
    average: AverageWindow = msgspec.field(default_factory=lambda: AverageWindow(0, 0, 0))


_decoder = msgspec.msgpack.Decoder(Snapshot)
_encoder = msgspec.msgpack.Encoder()


class RedisMarketSnapshots:
    """`acknowledged` holds, per market, the latest sequence this process's own commands were
    answered with: a read waits a moment for the snapshot to show it, so that a client sees
    its own orders in the book it reads next."""

    def __init__(self, client: redis.Redis, acknowledged: dict[str, int]) -> None:
        self._client = client
        self._acknowledged = acknowledged
        self._reading: dict[str, asyncio.Future[Snapshot]] = {}
        self._decoded: dict[str, tuple[bytes, Snapshot]] = {}  # the latest read, by market

    async def put(self, views: list[MarketView], now: int) -> None:
        with reachable("market data store"):
            async with self._client.pipeline(transaction=False) as pipeline:
                for view in views:
                    snapshot = Snapshot(
                        view.depth(LEVELS_KEPT),
                        view.ticker.stats(now),
                        view.ticker.average.window_at(now),
                    )
                    pipeline.set(SNAPSHOT + view.symbol, _encoder.encode(snapshot))
                await pipeline.execute()

    async def depth(self, symbol: str, limit: int) -> Depth:
        depth = (await self._snapshot(symbol)).depth
        return Depth(depth.last_update_id, depth.bids[:limit], depth.asks[:limit])

    async def ticker(self, symbol: str, now: int) -> TickerStats:
        return (await self._snapshot(symbol)).ticker

    async def average(self, symbol: str, now: int) -> AverageWindow:
        return (await self._snapshot(symbol)).average

    async def _snapshot(self, symbol: str) -> Snapshot:
        deadline = asyncio.get_running_loop().time() + CATCH_UP_S
        while True:
            snapshot = await self._read(symbol)
            behind = snapshot.depth.last_update_id < self._acknowledged.get(symbol, 0)
            if not behind or asyncio.get_running_loop().time() > deadline:
                return snapshot
            await asyncio.sleep(CATCH_UP_POLL_S)

    def _read(self, symbol: str) -> "asyncio.Future[Snapshot]":
        """The market's snapshot as Redis has it: the reads of a market in flight together
        share one GET, and a snapshot read before is decoded only once."""
        reading = self._reading.get(symbol)
        if reading is None:
            reading = asyncio.ensure_future(self._get(symbol))
            self._reading[symbol] = reading
            reading.add_done_callback(lambda _: self._done(symbol))
        return asyncio.shield(reading)

    def _done(self, symbol: str) -> None:
        reading = self._reading.pop(symbol)
        if not reading.cancelled():
            reading.exception()  # told to each reader that waited; none may have

    async def _get(self, symbol: str) -> Snapshot:
        with reachable("market data store"):
            found = await self._client.get(SNAPSHOT + symbol)
        if found is None:
            raise MarketUnavailable(symbol)
        raw = found.encode() if isinstance(found, str) else found
        decoded = self._decoded.get(symbol)
        if decoded is None or decoded[0] != raw:
            decoded = self._decoded[symbol] = (raw, _decoder.decode(raw))
        return decoded[1]
