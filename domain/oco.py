"""Placing an OCO: its two orders checked as orders and as a pair, then placed together under
one hold (`domain.order_lists`)."""

from typing import TYPE_CHECKING, Final

from domain.book import joined_after
from domain.commands import OcoLeg, PlaceOco, PlaceOrder
from domain.errors import (
    DuplicateOrder,
    FilterFailure,
    InsufficientBalance,
    MarketFilter,
    OcoLegMisplaced,
    OcoPrices,
    WouldTake,
)
from domain.events import Event
from domain.ledger import EntryKind, hold_entry
from domain.open_orders import algo_orders_of, is_taken, open_orders_of
from domain.order_lists import OCO, OrderList, list_hold
from domain.orders import ListStatusType, Order, OrderType, Side
from domain.placement import placed_order
from domain.settlement import accepted, crosses, ref, shown

if TYPE_CHECKING:
    from domain.exchange import Exchange
    from domain.market_state import MarketState

STOP_LOSSES: Final = (OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT)
TAKE_PROFITS: Final = (OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT)


def place_oco(exchange: "Exchange", command: PlaceOco) -> list[Event]:
    state = exchange.state(command.symbol)
    check_oco(command, state.last_price)
    commands = leg_orders(command)
    for placed in commands:
        exchange.check(placed)
    check_counts(state, command.account_id, commands)
    list_id = state.last_order_id + 1
    legs = [_order(exchange, state, c, list_id + i, list_id) for i, c in enumerate(commands)]
    order_list = OrderList(
        list_id,
        command.account_id,
        command.list_client_order_id or f"bourse-list-{command.symbol}-{list_id}",
        OCO,
        legs,
    )
    check_unique(state, order_list)
    market = state.market
    hold = list_hold(market, legs)
    held_asset = market.quote.code if command.side is Side.BUY else market.base.code
    if exchange.ledger.available(command.account_id, held_asset) < hold:
        raise InsufficientBalance("Account has insufficient balance for requested action.")
    for leg in legs:
        leg.list_client_order_id = order_list.list_client_order_id
    carrier = order_list.carrier
    events: list[Event] = [accepted(leg) for leg in legs]
    events.append(
        exchange.ledger.post(
            hold_entry(EntryKind.HOLD, command.account_id, held_asset, hold, ref(carrier))
        )
    )
    carrier.held = hold
    state.last_order_id = legs[-1].order_id
    for leg in legs:
        if leg.type.is_stop:
            state.stops.add(leg)
            continue
        if leg.iceberg_quantity:
            leg.hidden = leg.remaining - leg.iceberg_quantity
            events.append(shown(leg))
        state.book.add(leg)
    state.lists.add(order_list)
    events.append(order_list.status(ListStatusType.EXEC_STARTED, command.timestamp))
    return exchange._book_changes(state, events)


def _order(
    exchange: "Exchange", state: "MarketState", leg: PlaceOrder, order_id: int, list_id: int
) -> Order:
    order = placed_order(state.market, leg, order_id, list_id)
    if order.type.is_stop:
        exchange.arm(state, order)
        return order
    if crosses(state.book, order):
        raise WouldTake("Order would immediately match and take.")
    order.working_time = order.created_at
    order.queued_at = joined_after(state.last_trade_id)
    return order


def check_counts(state: "MarketState", account_id: int, legs: list[PlaceOrder]) -> None:
    market = state.market
    if open_orders_of(state, account_id) + len(legs) > market.max_num_orders:
        raise FilterFailure(MarketFilter.MAX_NUM_ORDERS)
    stops = sum(leg.type.is_stop for leg in legs)
    if algo_orders_of(state, account_id) + stops > market.max_num_algo_orders:
        raise FilterFailure(MarketFilter.MAX_NUM_ALGO_ORDERS)
    if state.lists.open_lists_of(account_id) >= market.max_num_order_lists:
        raise FilterFailure(MarketFilter.MAX_NUM_ORDER_LISTS)


def check_unique(state: "MarketState", order_list: OrderList) -> None:
    client_ids = {leg.client_order_id for leg in order_list.legs}
    if (
        len(client_ids) < len(order_list.legs)
        or any(is_taken(state, order_list.account_id, client_id) for client_id in client_ids)
        or (order_list.account_id, order_list.list_client_order_id) in state.lists.client_ids
    ):
        raise DuplicateOrder("Duplicate order sent.")


def check_oco(command: PlaceOco, last_price: int) -> None:
    """Refuses an OCO whose legs are not where its side puts them, in Binance's words: a
    sell's take profit (a LIMIT_MAKER or TAKE_PROFIT order) above and stop loss below, a
    buy's the other way round."""
    above, below = command.above.type, command.below.type
    if above is OrderType.LIMIT_MAKER and below is OrderType.LIMIT_MAKER:
        raise OcoLegMisplaced("At least one OCO order must be contingent.")
    buy = command.side is Side.BUY
    where = "buy" if buy else "sell"
    misplaced = (below, above) if buy else (above, below)  # the profit side's, the loss side's
    profit_side, loss_side = ("below", "above") if buy else ("above", "below")
    if misplaced[0] in STOP_LOSSES:
        raise OcoLegMisplaced(f"A stop loss order in a {where} OCO must be {loss_side}.")
    if misplaced[1] is OrderType.LIMIT_MAKER:
        raise OcoLegMisplaced(f"A limit order in a {where} OCO must be {profit_side}.")
    if misplaced[1] in TAKE_PROFITS:
        raise OcoLegMisplaced(f"A take profit order in a {where} OCO must be {profit_side}.")
    _check_prices(command, last_price)


def _check_prices(command: PlaceOco, last_price: int) -> None:
    """Above leg above the last price, below leg below it (above one another before any
    trade): a LIMIT_MAKER or TAKE_PROFIT_LIMIT by its price, a stop by its stop price."""
    high, low = _reference(command.above), _reference(command.below)
    if last_price:
        if (high and high <= last_price) or (low and low >= last_price):
            raise OcoPrices()
    elif high and low and high <= low:
        raise OcoPrices()


def _reference(leg: OcoLeg) -> int:
    if leg.type in (OrderType.LIMIT_MAKER, OrderType.TAKE_PROFIT_LIMIT):
        return leg.price
    return leg.stop_price


def leg_orders(command: PlaceOco) -> list[PlaceOrder]:
    """The OCO's orders as PlaceOrder commands, its stop loss first, as Binance numbers them."""
    legs = sorted((command.above, command.below), key=lambda leg: leg.type not in STOP_LOSSES)
    return [
        PlaceOrder(
            command.account_id,
            command.symbol,
            command.side,
            leg.type,
            quantity=command.quantity,
            price=leg.price,
            time_in_force=leg.time_in_force,
            client_order_id=leg.client_order_id,
            stp=command.stp,
            timestamp=command.timestamp,
            stop_price=leg.stop_price,
            trailing_delta=leg.trailing_delta,
            iceberg_quantity=leg.iceberg_quantity,
        )
        for leg in legs
    ]
