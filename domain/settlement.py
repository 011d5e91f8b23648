"""Settles one fill (the trade, its journal entry with both fees, and both orders' reports),
and the ends of orders: what they release, and the reports that close them."""

from typing import TYPE_CHECKING

from domain.book import OrderBook
from domain.events import Event, IcebergShown, OrderAccepted, OrderUpdated, Trade
from domain.ledger import FEE_ACCOUNT, Bucket, EntryKind, JournalEntry, Ledger, Posting, hold_entry
from domain.markets import Market
from domain.matching import Fill
from domain.orders import ExecutionType, ExpiryReason, Order, OrderStatus, Side

if TYPE_CHECKING:
    from domain.market_state import MarketState


def settle(
    ledger: Ledger, state: "MarketState", taker: Order, fill: Fill, events: list[Event]
) -> None:
    """Books `fill` between `taker` and its maker; the caller has advanced the trade id."""
    market = state.market
    maker = fill.maker
    quantity, quote = fill.quantity, fill.quote_quantity
    buyer, seller = (taker, maker) if taker.side is Side.BUY else (maker, taker)
    # A buyer with a price (a limit, or a market buy's cap) locked it; paying a better one
    # releases the difference.
    spent = market.notional(buyer.price, quantity) if buyer.price else quote
    if buyer is taker:
        buyer_fee, seller_fee = market.taker_fee(quantity), market.maker_fee(quote)
    else:
        buyer_fee, seller_fee = market.maker_fee(quantity), market.taker_fee(quote)
    base, quote_asset = market.base.code, market.quote.code
    postings = [
        Posting(buyer.account_id, quote_asset, Bucket.LOCKED, -spent),
        Posting(seller.account_id, quote_asset, Bucket.AVAILABLE, quote - seller_fee),
        Posting(seller.account_id, base, Bucket.LOCKED, -quantity),
        Posting(buyer.account_id, base, Bucket.AVAILABLE, quantity - buyer_fee),
    ]
    if spent != quote:
        postings.append(Posting(buyer.account_id, quote_asset, Bucket.AVAILABLE, spent - quote))
    if seller_fee:
        postings.append(Posting(FEE_ACCOUNT, quote_asset, Bucket.AVAILABLE, seller_fee))
    if buyer_fee:
        postings.append(Posting(FEE_ACCOUNT, base, Bucket.AVAILABLE, buyer_fee))
    trade_id = state.last_trade_id
    entry = ledger.post(
        JournalEntry(EntryKind.TRADE, tuple(postings), f"{market.symbol}:trade:{trade_id}")
    )
    buyer.held -= spent
    seller.held -= quantity
    for order in (maker, taker):
        order.executed += quantity
        order.cumulative_quote += quote
        order.status = OrderStatus.FILLED if order.remaining == 0 else OrderStatus.PARTIALLY_FILLED
    state.book.reduce(maker, quantity)
    refilled = None
    if maker.remaining == 0:
        state.book.remove(maker)
    elif not maker.visible:
        state.book.refill(maker, min(maker.iceberg_quantity, maker.hidden), trade_id)
        refilled = shown(maker)
    trade = Trade(
        market.symbol,
        trade_id,
        maker.price,
        quantity,
        quote,
        buyer.order_id,
        seller.order_id,
        buyer.account_id,
        seller.account_id,
        buyer is maker,
        buyer_fee,
        seller_fee,
        taker.working_time,
    )
    state.average_price.add(trade)
    events.append(trade)
    events.append(entry)
    events.append(report(maker, ExecutionType.TRADE, taker.working_time))
    events.append(report(taker, ExecutionType.TRADE, taker.working_time))
    if refilled is not None:
        events.append(refilled)


def shown(order: Order) -> IcebergShown:
    return IcebergShown(
        order.symbol, order.order_id, order.account_id, order.hidden, order.queued_at
    )


def report(
    order: Order,
    execution: ExecutionType,
    timestamp: int,
    expiry_reason: ExpiryReason | None = None,
) -> OrderUpdated:
    """The order's state as it is now, for a change of kind `execution`."""
    return OrderUpdated(
        order.symbol,
        order.order_id,
        order.account_id,
        execution,
        order.status,
        order.quantity,
        order.executed,
        order.cumulative_quote,
        timestamp,
        order.prevented_quantity,
        order.prevented_match_id,
        order.working_time,
        order.queued_at,
        expiry_reason,
    )


def crosses(book: OrderBook, order: Order) -> bool:
    """Whether the order meets the opposite side's best price: a market order any price, a
    capped market buy and a limit order one within their price."""
    opposite = book.best(Side.SELL if order.side is Side.BUY else Side.BUY)
    if opposite is None:
        return False
    if not order.price:
        return True
    if order.side is Side.BUY:
        return opposite.price <= order.price
    return opposite.price >= order.price


def accepted(order: Order) -> OrderAccepted:
    return OrderAccepted(
        order.symbol, order.order_id, order.account_id, order.client_order_id, order.side,
        order.type, order.time_in_force, order.price, order.quantity, order.quote_quantity,
        order.stp, order.created_at, order.stop_price, order.trailing_delta,
        order.iceberg_quantity, order.queued_at, order.order_list_id, order.list_client_order_id,
        order.status,
    )  # fmt: skip


def hold_for_rest(market: Market, order: Order) -> int:
    """What a resting limit order must hold for what it has left."""
    return (
        market.notional(order.price, order.remaining) if order.side is Side.BUY else order.remaining
    )


def ref(order: Order) -> str:
    return f"{order.symbol}:{order.order_id}"


def release(ledger: Ledger, market: Market, order: Order, amount: int) -> list[Event]:
    """Gives back `amount` of what the order holds: nothing to post for nothing."""
    if not amount:
        return []
    order.held -= amount
    asset = market.quote.code if order.side is Side.BUY else market.base.code
    entry = hold_entry(EntryKind.RELEASE, order.account_id, asset, amount, ref(order))
    return [ledger.post(entry)]


def expire(order: Order, reason: ExpiryReason, timestamp: int | None = None) -> OrderUpdated:
    order.status = OrderStatus.EXPIRED
    when = order.working_time if timestamp is None else timestamp
    return report(order, ExecutionType.EXPIRED, when, reason)


def finish(
    order: Order, status: OrderStatus, execution: ExecutionType, timestamp: int | None = None
) -> OrderUpdated:
    order.status = status
    return report(order, execution, order.working_time if timestamp is None else timestamp)
