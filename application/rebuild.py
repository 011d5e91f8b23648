"""A market rebuilt from the store: its status, its book from the stored open orders, its
order, trade and prevented match ids, and its average price and rolling 24-hour ticker from the
last day's trades."""

from application.ports import UnitOfWork, UnitOfWorkFactory
from application.records import OrderRecord
from domain.candles import DAY
from domain.exchange import Exchange
from domain.market_status import MarketStatus
from domain.markets import Market
from domain.orders import Order, Side
from domain.ticker import RollingTicker

TICKER_TRADES = 100_000  # the most trades of the last day reloaded into the ticker


async def rebuild_market(
    exchange: Exchange, symbol: str, unit_of_work: UnitOfWorkFactory, now: int
) -> RollingTicker:
    """Restores the market in `exchange` (whose ledger must already hold the balances) and
    returns its ticker."""
    async with unit_of_work() as uow:
        records = await uow.orders.open(symbol)
        last_order_id = await uow.orders.last_id(symbol)
        last_trade_id = await uow.trades.last_id(symbol)
        last_match_id = await uow.prevented_matches.last_id(symbol)
        day = await uow.trades.history(symbol, start=now - DAY, limit=TICKER_TRADES)
        last = await uow.trades.recent(symbol, 1)
        status = await committed_status(uow, symbol)
    state = exchange.state(symbol)
    state.status = status
    market = state.market
    orders = [resting_order(market, record) for record in records]
    last_price = last[-1].price if last else 0
    exchange.restore(symbol, orders, last_order_id, last_trade_id, last_match_id, day, last_price)
    ticker = RollingTicker()
    for trade in day:
        ticker.add(trade)
    return ticker


async def committed_status(uow: UnitOfWork, symbol: str) -> MarketStatus:
    """The market's status as committed: its last change's, TRADING before any."""
    changed = (await uow.market_statuses.current()).get(symbol)
    return MarketStatus.TRADING if changed is None else changed.status


def resting_order(market: Market, record: OrderRecord) -> Order:
    """An open order as the book or the waiting stops hold it, with what it still has locked:
    a resting order works as a limit order, whose hold shrinks exactly with each fill,
    amendment and prevented match; a waiting stop holds its whole quantity at its price (its
    cap, for a market buy: `domain.stops`), which is the same rule."""
    remaining = record.quantity - record.executed - record.prevented_quantity
    held = market.notional(record.price, remaining) if record.side is Side.BUY else remaining
    return Order(
        record.order_id, record.account_id, record.symbol, record.side, record.type,
        record.time_in_force, record.price, record.quantity, record.quote_quantity,
        record.client_order_id, record.stp, record.created_at, record.executed,
        record.cumulative_quote, held, record.status, record.prevented_quantity,
        record.prevented_match_id, record.stop_price, record.trailing_delta,
        record.trail_price, record.working_time, record.iceberg_quantity, record.hidden,
        record.queued_at, record.order_list_id, record.list_client_order_id,
    )  # fmt: skip
