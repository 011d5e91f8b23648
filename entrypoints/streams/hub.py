"""The stream hub: turns what the engines publish into Binance stream messages and hands
each to its channel (litestar.channels: in-process in memory mode, Redis pub/sub otherwise).

Each message is `name\\n{json}`: the stream's name, so a combined-stream connection can wrap
it, then the payload."""

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from attrs import define, field

from adapters.memory.publisher import MemoryEventPublisher, Published
from application.errors import MarketUnavailable
from application.market_data import BookTicker, MarketData
from application.tracing import span
from domain.candles import Candle, Interval
from domain.events import BookChanged, MarketStatusChanged, Trade
from entrypoints.streams import payloads
from entrypoints.streams.names import ALL_MINI_TICKERS, user_channel

TICK = 0.1  # seconds: the fast (100 ms) streams' pace; the others go every tenth tick
Publish = Callable[[bytes, list[str]], None]
encode = msgspec.json.Encoder().encode


@define
class DepthWindow:
    """Level changes gathered between two diff-depth messages. Update ids run on without
    gaps: each message starts right after where the previous one ended."""

    last_sent: int = 0
    latest: int = 0
    bids: dict[int, int] = field(factory=dict)
    asks: dict[int, int] = field(factory=dict)


@define
class StreamedCandle:
    """A kline stream's candle: traded since it was last streamed, and whether its final
    message (closed) has gone."""

    candle: Candle
    traded: bool = True
    closed: bool = False


@define
class MarketStreams:
    symbol: str
    sequence: int = 0
    candles: dict[Interval, StreamedCandle] = field(factory=dict)
    windows: dict[bool, DepthWindow] = field(
        factory=lambda: {True: DepthWindow(), False: DepthWindow()}
    )
    top: BookTicker | None = None
    traded: bool = False


@define
class StreamHub:
    market_data: MarketData
    publisher: MemoryEventPublisher
    publish: Publish
    user_messages: (
        Callable[[list[Published], int], Awaitable[list[tuple[int, dict[str, Any]]]]] | None
    ) = None
    markets: dict[str, MarketStreams] = field(factory=dict)

    async def run(self) -> None:
        queue = self.publisher.subscribe(bounded=False)
        for market in self.market_data.markets():
            try:
                sequence = (await self.market_data.depth(market.symbol, 0)).last_update_id
            except MarketUnavailable:  # not running yet: its first diff starts from 1
                sequence = 0
            streams = self.markets[market.symbol] = MarketStreams(market.symbol, sequence)
            for window in streams.windows.values():
                window.last_sent = window.latest = sequence
        ticker = asyncio.create_task(self._tick())
        try:
            while (published := await queue.get()) is not None:
                # What was published meanwhile goes out together (the user data's balances
                # are read once for it all).
                batch = [published]
                while not queue.empty() and (published := queue.get_nowait()) is not None:
                    batch.append(published)
                await self.on_published(batch)
                if published is None:
                    break
        finally:
            ticker.cancel()
            self.publisher.unsubscribe(queue)

    def _send(self, name: str, payload: Any) -> None:
        self.publish(name.encode() + b"\n" + encode(payload), [name])

    async def on_published(self, batch: list[Published]) -> None:
        with span("streams.fan_out", {"bourse.commands": len(batch)}):
            now = self.market_data.clock.now()
            if self.user_messages is not None:
                for account_id, payload in await self.user_messages(batch, now):
                    self._send(user_channel(account_id), payload)
            for published in batch:
                await self._fan_out(published, now)

    async def _fan_out(self, published: Published, now: int) -> None:
        if not published.symbol:  # a deposit or a withdrawal
            return
        streams = self.markets.get(published.symbol)
        if streams is None:  # listed since the hub started: relayed from its first command on
            streams = self.markets[published.symbol] = MarketStreams(published.symbol)
        market = self.market_data.market(published.symbol)
        prefix = published.symbol.lower()
        streams.sequence = published.sequence
        for event in published.events:
            if isinstance(event, MarketStatusChanged):
                self._send(f"{prefix}@marketStatus", payloads.market_status(event, now))
        trades = [e for e in published.events if isinstance(e, Trade)]
        for trade in trades:
            self._send(f"{prefix}@trade", payloads.trade(market, trade, now))
            self._update_candles(streams, trade, now)
        for _, group in itertools.groupby(trades, key=lambda t: t.price):
            self._send(f"{prefix}@aggTrade", payloads.aggregate_trade(market, list(group), now))
        streams.traded = streams.traded or bool(trades)
        changed = False
        for window in streams.windows.values():
            window.latest = published.sequence
        for event in published.events:
            if isinstance(event, BookChanged):
                changed = True
                for window in streams.windows.values():
                    window.bids.update(event.bids)
                    window.asks.update(event.asks)
        if changed:
            top = await self.market_data.book_ticker(published.symbol)
            if top != streams.top:
                streams.top = top
                self._send(
                    f"{prefix}@bookTicker", payloads.book_ticker(market, published.sequence, top)
                )

    def _update_candles(self, streams: MarketStreams, trade: Trade, now: int) -> None:
        """Adds the trade to each interval's candle, streamed on the next second's tick; a
        candle the trade ends, not streamed closed yet, goes at once, before the next one's."""
        for interval in Interval:
            opens = interval.open_time(trade.timestamp)
            current = streams.candles.get(interval)
            if current is not None and current.candle.open_time != opens:
                if not current.closed:
                    self._send_candle(streams.symbol, interval, current.candle, True, now)
                current = None
            if current is None:
                current = StreamedCandle(Candle.flat(interval, opens, trade.price))
                streams.candles[interval] = current
            current.candle.add(trade)
            current.traded = True

    def _send_candle(
        self, symbol: str, interval: Interval, candle: Candle, closed: bool, now: int
    ) -> None:
        market = self.market_data.market(symbol)
        self._send(
            f"{symbol.lower()}@kline_{interval.value}",
            payloads.kline(market, interval, candle, closed, now),
        )

    async def _tick(self) -> None:
        for count in itertools.count(1):
            await asyncio.sleep(TICK)
            now = self.market_data.clock.now()
            every_second = count % 10 == 0
            for streams in self.markets.values():
                await self._flush_depth(streams, True, now)
                if every_second:
                    await self._flush_depth(streams, False, now)
                    self._stream_candles(streams, now)
            if every_second:
                await self._send_tickers(now)

    async def _flush_depth(self, streams: MarketStreams, fast: bool, now: int) -> None:
        market = self.market_data.market(streams.symbol)
        prefix = streams.symbol.lower()
        suffix = "@100ms" if fast else ""
        window = streams.windows[fast]
        if window.bids or window.asks:
            self._send(
                f"{prefix}@depth{suffix}",
                payloads.depth_update(
                    market, window.last_sent + 1, window.latest, window.bids, window.asks, now
                ),
            )
            window.last_sent = window.latest
            window.bids, window.asks = {}, {}
        try:
            depth = await self.market_data.depth(streams.symbol, 20)
        except MarketUnavailable:
            return
        for levels in (5, 10, 20):
            self._send(
                f"{prefix}@depth{levels}{suffix}",
                payloads.partial_depth(
                    market, depth.last_update_id, depth.bids[:levels], depth.asks[:levels]
                ),
            )

    def _stream_candles(self, streams: MarketStreams, now: int) -> None:
        """Once a second, as Binance paces its kline streams: each candle traded since it was
        last streamed, and each that has ended, once, closed."""
        for interval, streamed in streams.candles.items():
            ended = streamed.candle.close_time < now
            if streamed.closed or not (streamed.traded or ended):
                continue
            self._send_candle(streams.symbol, interval, streamed.candle, ended, now)
            streamed.traded, streamed.closed = False, ended

    async def _send_tickers(self, now: int) -> None:
        minis = []
        for streams in self.markets.values():
            if not streams.traded:
                continue
            streams.traded = False
            market = self.market_data.market(streams.symbol)
            stats = await self.market_data.ticker(streams.symbol)
            mini = payloads.mini_ticker(market, stats, now)
            minis.append(mini)
            prefix = streams.symbol.lower()
            self._send(f"{prefix}@miniTicker", mini)
            book = await self.market_data.book_ticker(streams.symbol)
            self._send(f"{prefix}@ticker", payloads.ticker(market, stats, book, now))
        if minis:
            self._send(ALL_MINI_TICKERS, minis)
