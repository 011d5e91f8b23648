"""The markets' books and tickers in Redis, as the market data role keeps them and every api
process reads them: one key per market, replaced whole after each batch of events."""

import msgspec
import redis.asyncio as redis

from adapters.redis.client import reachable
from application.errors import MarketUnavailable
from application.market_view import MarketView
from application.records import Depth
from domain.ticker import TickerStats

SNAPSHOT = "bourse:market:"
LEVELS_KEPT = 5000  # per side: the deepest book Binance's depth endpoint answers


class Snapshot(msgspec.Struct, array_like=True, gc=False):
    depth: Depth
    ticker: TickerStats


_decoder = msgspec.msgpack.Decoder(Snapshot)
_encoder = msgspec.msgpack.Encoder()


class RedisMarketSnapshots:
    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    async def put(self, views: list[MarketView], now: int) -> None:
        with reachable("market data store"):
            async with self._client.pipeline(transaction=False) as pipeline:
                for view in views:
                    snapshot = Snapshot(view.depth(LEVELS_KEPT), view.ticker.stats(now))
                    pipeline.set(SNAPSHOT + view.symbol, _encoder.encode(snapshot))
                await pipeline.execute()

    async def depth(self, symbol: str, limit: int) -> Depth:
        depth = (await self._snapshot(symbol)).depth
        return Depth(depth.last_update_id, depth.bids[:limit], depth.asks[:limit])

    async def ticker(self, symbol: str, now: int) -> TickerStats:
        return (await self._snapshot(symbol)).ticker

    async def _snapshot(self, symbol: str) -> Snapshot:
        with reachable("market data store"):
            found = await self._client.get(SNAPSHOT + symbol)
        if found is None:
            raise MarketUnavailable(symbol)
        return _decoder.decode(found.encode() if isinstance(found, str) else found)
