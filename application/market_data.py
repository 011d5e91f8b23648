"""Queries of public market data: books, trades, candles and tickers."""

from attrs import define

from application.engine import MarketEngine
from application.errors import MarketUnavailable
from application.history_ports import CandleHistory, PublicTrade, TradeHistory
from application.ports import Clock, UnitOfWorkFactory
from application.records import Depth
from application.snapshot_ports import MarketSnapshots
from application.ticker_ports import MarketTicker, Tickers
from domain.average_price import AverageWindow
from domain.candles import Candle, Interval
from domain.errors import UnknownMarket
from domain.exchange import Exchange
from domain.market_status import MarketStatus
from domain.markets import Market
from domain.ticker import TickerStats

AGGREGATE_PAGE = 500  # trades read at a time while folding aggregate trades


@define
class AggregateTrade:
    """Consecutive fills of one taker order at one price; its id is its first trade's."""

    aggregate_id: int
    price: int
    quantity: int
    first_trade_id: int
    last_trade_id: int
    timestamp: int
    buyer_is_maker: bool


@define
class BookTicker:
    symbol: str
    bid_price: int
    bid_quantity: int
    ask_price: int
    ask_quantity: int


@define
class EngineBooks:
    """The live books and tickers of the engines that run in this process."""

    engines: dict[str, MarketEngine]

    async def depth(self, symbol: str, limit: int) -> Depth:
        return self._engine(symbol).depth(limit)

    async def ticker(self, symbol: str, now: int) -> TickerStats:
        return self._engine(symbol).ticker.stats(now)

    async def average(self, symbol: str, now: int) -> AverageWindow:
        return self._engine(symbol).ticker.average.window_at(now)

    def _engine(self, symbol: str) -> MarketEngine:
        engine = self.engines.get(symbol)
        if engine is None:
            raise MarketUnavailable(symbol)
        return engine


@define
class StoredTickers:
    """Books as another process keeps them (`books`), tickers from the tickers it keeps."""

    books: MarketSnapshots
    tickers: Tickers

    async def depth(self, symbol: str, limit: int) -> Depth:
        return await self.books.depth(symbol, limit)

    async def ticker(self, symbol: str, now: int) -> TickerStats:
        return (await self._ticker(symbol)).stats

    async def average(self, symbol: str, now: int) -> AverageWindow:
        return (await self._ticker(symbol)).average

    async def _ticker(self, symbol: str) -> MarketTicker:
        found = await self.tickers.get(symbol)
        if found is None:
            raise MarketUnavailable(symbol)
        return found


@define
class MarketData:
    exchange: Exchange
    books: MarketSnapshots
    trade_history: TradeHistory
    candle_history: CandleHistory
    unit_of_work: UnitOfWorkFactory  # the markets' statuses
    clock: Clock

    def markets(self) -> list[Market]:
        return [state.market for state in self.exchange.markets.values()]

    def market(self, symbol: str) -> Market:
        state = self.exchange.markets.get(symbol)
        if state is None:
            raise UnknownMarket("Invalid symbol.")
        return state.market

    async def statuses(self) -> dict[str, MarketStatus]:
        """Every market's status, as committed: read from the store, which every process
        reaches, whichever runs the market's engine."""
        async with self.unit_of_work() as uow:
            changes = await uow.market_statuses.current()
        return {
            symbol: changes[symbol].status if symbol in changes else MarketStatus.TRADING
            for symbol in self.exchange.markets
        }

    async def depth(self, symbol: str, limit: int) -> Depth:
        self.market(symbol)
        return await self.books.depth(symbol, limit)

    async def trades(
        self,
        symbol: str,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[PublicTrade]:
        self.market(symbol)
        if from_id is None and start is None and end is None:
            return await self.trade_history.recent(symbol, limit)
        return await self.trade_history.history(symbol, from_id, start, end, limit)

    async def aggregate_trades(
        self,
        symbol: str,
        from_id: int | None,
        start: int | None,
        end: int | None,
        limit: int,
    ) -> list[AggregateTrade]:
        """The first `limit` aggregates from `from_id` or `start`, else the last up to `end`;
        the trades are read a page at a time until the aggregates asked for are complete."""
        self.market(symbol)
        if from_id is None and start is None:
            return fold_aggregates(await self._trades_back(symbol, end, limit))[-limit:]
        found = await self.trades(symbol, from_id, start, end, AGGREGATE_PAGE)
        page = found
        while len(page) == AGGREGATE_PAGE and len(fold_aggregates(found)) <= limit:
            after = found[-1].trade_id + 1
            page = await self.trade_history.history(symbol, after, start, end, AGGREGATE_PAGE)
            found += page
        return fold_aggregates(found)[:limit]

    async def _trades_back(self, symbol: str, end: int | None, limit: int) -> list[PublicTrade]:
        """The last trades up to `end`, enough of them for `limit` complete aggregates."""
        found = await self.trades(symbol, end=end, limit=AGGREGATE_PAGE)
        if len(found) < AGGREGATE_PAGE:
            return found
        while len(fold_aggregates(found)) <= limit:
            first = found[0].trade_id
            older_from = max(first - AGGREGATE_PAGE, 0)
            older = await self.trade_history.history(
                symbol, older_from, None, end, first - older_from
            )
            older = [trade for trade in older if trade.trade_id < first]
            if not older:
                break
            found = older + found
        return found

    async def candles(
        self, symbol: str, interval: Interval, start: int | None, end: int | None, limit: int
    ) -> list[Candle]:
        self.market(symbol)
        now = self.clock.now()
        end = now if end is None else min(end, now)
        if start is None:
            start = interval.open_time(end)
            for _ in range(limit - 1):
                start = interval.previous_open_time(start)
        return await self.candle_history.between(symbol, interval, start, end, limit)

    async def ticker(self, symbol: str) -> TickerStats:
        self.market(symbol)
        return await self.books.ticker(symbol, self.clock.now())

    async def book_ticker(self, symbol: str) -> BookTicker:
        depth = await self.depth(symbol, 1)
        bid = depth.bids[0] if depth.bids else (0, 0)
        ask = depth.asks[0] if depth.asks else (0, 0)
        return BookTicker(symbol, bid[0], bid[1], ask[0], ask[1])

    async def average_price(self, symbol: str) -> tuple[int, int]:
        """(price, close time) averaged over the last five minutes of trades, from the window
        the books keep (no trade is read)."""
        market = self.market(symbol)
        now = self.clock.now()
        window = await self.books.average(symbol, now)
        if window.quantity:
            return window.price(market.base.scale), window.last_trade_time
        return (await self.ticker(symbol)).last_price, now


def fold_aggregates(trades: list[PublicTrade]) -> list[AggregateTrade]:
    """Consecutive trades of one taker order at one price, folded."""
    aggregates: list[AggregateTrade] = []
    taker_of_last = None
    for trade in trades:
        last = aggregates[-1] if aggregates else None
        if last is not None and trade.taker_order_id == taker_of_last and trade.price == last.price:
            last.quantity += trade.quantity
            last.last_trade_id = trade.trade_id
            continue
        aggregates.append(
            AggregateTrade(
                trade.trade_id,
                trade.price,
                trade.quantity,
                trade.trade_id,
                trade.trade_id,
                trade.timestamp,
                trade.buyer_is_maker,
            )
        )
        taker_of_last = trade.taker_order_id
    return aggregates
