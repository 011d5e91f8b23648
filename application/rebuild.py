"""A market rebuilt from the store: its filters and fees, its status, its book (below), its
order, trade and prevented match ids, and its average price and rolling 24-hour ticker from the
last day's trades.

The book comes from the market's latest snapshot of its open orders, which its engine keeps
now and then (`snapshot_of`), and the orders that commands after the snapshot's sequence
changed, as the store has them now; or, without a snapshot or with one that does not agree
with the store, from every stored open order. A snapshot agrees when its sequence is one the
market committed and the orders it gives number as many as the store's open orders: every open
order is then in it (an order open now either changed after the snapshot, and is read again,
or was open in it unchanged), and so it holds no order closed since."""

import logging

import msgspec

from application.ports import UnitOfWork, UnitOfWorkFactory
from application.records import OpenOrdersSnapshot, OrderRecord
from domain.candles import DAY
from domain.exchange import Exchange
from domain.market_status import MarketStatus
from domain.markets import Market
from domain.orders import Order, Side
from domain.ticker import RollingTicker

TICKER_TRADES = 100_000  # the most trades of the last day reloaded into the ticker

logger = logging.getLogger(__name__)
_orders_decoder = msgspec.msgpack.Decoder(list[Order])


async def rebuild_market(
    exchange: Exchange, symbol: str, unit_of_work: UnitOfWorkFactory, now: int
) -> RollingTicker:
    """Restores the market in `exchange` (whose ledger must already hold the balances) and
    returns its ticker."""
    async with unit_of_work() as uow:
        listed = (await uow.listings.markets()).get(symbol)
        if listed is not None:
            exchange.change_market(listed)
        market = exchange.state(symbol).market
        orders = await open_orders(uow, market)
        worked = await worked_orders(uow, market, orders)
        last_order_id = await uow.orders.last_id(symbol)
        last_trade_id = await uow.trades.last_id(symbol)
        last_match_id = await uow.prevented_matches.last_id(symbol)
        day = await uow.trades.history(symbol, start=now - DAY, limit=TICKER_TRADES)
        last = await uow.trades.recent(symbol, 1)
        status = await committed_status(uow, symbol)
    exchange.state(symbol).status = status
    last_price = last[-1].price if last else 0
    exchange.restore(
        symbol, orders, last_order_id, last_trade_id, last_match_id, day, last_price, worked
    )
    ticker = RollingTicker()
    for trade in day:
        ticker.add(trade)
    return ticker


async def open_orders(uow: UnitOfWork, market: Market) -> list[Order]:
    """The market's open orders, from its snapshot where it agrees with the store."""
    symbol = market.symbol
    snapshot = await uow.orders.snapshot(symbol)
    if snapshot is not None:
        committed = await uow.leases.sequence(symbol)
        orders = {order.order_id: order for order in _orders_decoder.decode(snapshot.orders)}
        changed = await uow.orders.changed_since(symbol, snapshot.sequence)
        for record in changed:
            if record.status.is_open:
                orders[record.order_id] = resting_order(market, record)
            else:
                orders.pop(record.order_id, None)
        if snapshot.sequence <= committed and len(orders) == await uow.orders.open_count(symbol):
            logger.info(
                "%s rebuilt from its open orders at sequence %d: %d commands after it, "
                "%d orders changed by them, replayed",
                symbol, snapshot.sequence, committed - snapshot.sequence, len(changed),
            )  # fmt: skip
            return list(orders.values())
        logger.warning(
            "%s: the snapshot of its open orders at sequence %d disagrees with the store; "
            "rebuilt from every open order", symbol, snapshot.sequence,
        )  # fmt: skip
    return [resting_order(market, record) for record in await uow.orders.open(symbol)]


async def worked_orders(uow: UnitOfWork, market: Market, orders: list[Order]) -> list[Order]:
    """The orders that ended while their lists go on: an OTOCO's working order, filled, whose
    pair works. The rebuilt list names it among its orders, as the list that never stopped
    does in its statuses."""
    named = {order.order_id for order in orders}
    ended = {o.order_list_id for o in orders if o.order_list_id >= 0} - named
    if not ended:
        return []
    records = await uow.orders.get_many(market.symbol, ended)
    return [resting_order(market, record) for record in records.values()]


def snapshot_of(exchange: Exchange, symbol: str, sequence: int, now: int) -> OpenOrdersSnapshot:
    """The market's open orders as the engine holds them (on the book, waiting stops, pending
    orders of OTO lists), as of `sequence`, committed."""
    state = exchange.state(symbol)
    orders = [
        *state.book.orders.values(),
        *state.stops.orders.values(),
        *state.pending.orders.values(),
    ]
    return OpenOrdersSnapshot(symbol, sequence, msgspec.msgpack.encode(orders), now)


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
