"""Placing an OTO or an OTOCO: a working LIMIT or LIMIT_MAKER order on the book at once, and
pending orders (one, or an OCO pair) placed only when it has fully filled.

Holds. The working order holds what it may spend, as any limit order. The pending orders are
paid, where they can be, by the working order's fill: of the other side, they spend what it
brings in (a BUY working order then a SELL pending order sells the base it bought, a SELL then
a BUY spends the quote it raised), so while they wait they hold only what they need beyond
the whole fill before fees (`order_lists.reserve`); of the working order's side, they hold all
they need from the start. When the working order fills, its pending orders take the rest of
what they need from what the account has free, the fill included; the fill's fees come out of
the account's other funds. A pending order that cannot be placed then (its funds are short, a
LIMIT_MAKER would take, a stop would trigger at once) is not placed: it expires, with its
pair, as Binance's REJECTED expiry reason says. So a placed pending order always holds all it
needs. If the working order ends any other way (canceled, expired, taken by self-trade
prevention), its pending orders end with it."""

from typing import TYPE_CHECKING

from domain.book import joined_after
from domain.commands import PlaceOrder, PlaceOto, PlaceOtoco
from domain.errors import InsufficientBalance, InvalidOrder, WouldTake
from domain.events import Event, OrderUpdated
from domain.ledger import EntryKind, hold_entry
from domain.markets import Market
from domain.matching import MatchPlan, plan_match
from domain.oco import check_counts, check_oco, check_unique, leg_orders
from domain.order_lists import (
    OTO,
    WORKING_TYPES,
    OrderList,
    carrier_of,
    list_hold,
    reserve,
    take_out,
)
from domain.orders import (
    ExecutionType,
    ExpiryReason,
    ListStatusType,
    Order,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)
from domain.placement import placed_order
from domain.settlement import accepted, crosses, expire, ref, release, report, shown
from domain.stops import buy_cap, would_trigger

if TYPE_CHECKING:
    from domain.exchange import Exchange
    from domain.market_state import MarketState


def place_oto(exchange: "Exchange", command: PlaceOto | PlaceOtoco) -> list[Event]:
    state = exchange.state(command.symbol)
    market = state.market
    if command.working.type not in WORKING_TYPES:
        raise InvalidOrder("The working order of an OTO must be LIMIT or LIMIT_MAKER.")
    if isinstance(command, PlaceOtoco):
        check_oco(command.pending, 0)  # above over below; the last price is judged when placed
        pending_commands = leg_orders(command.pending)
    else:
        pending_commands = [command.pending]
    commands = [command.working, *pending_commands]
    for placed in commands:
        exchange.check(placed)
        if placed.account_id != command.account_id or placed.symbol != command.symbol:
            raise InvalidOrder("Every order of a list is of its account and symbol.")
    if any(placed.quote_quantity for placed in pending_commands):
        raise InvalidOrder("A pending order takes a quantity, not a quoteOrderQty.")
    check_counts(state, command.account_id, commands)
    list_id = state.last_order_id + 1
    working = _order(state, command.working, list_id, list_id)
    if working.type is OrderType.LIMIT_MAKER and crosses(state.book, working):
        raise WouldTake("Order would immediately match and take.")
    pending = [
        _pending(market, c, list_id + 1 + i, list_id, working.price)
        for i, c in enumerate(pending_commands)
    ]
    order_list = OrderList(
        list_id,
        command.account_id,
        command.list_client_order_id or f"bourse-list-{command.symbol}-{list_id}",
        OTO,
        [working, *pending],
    )
    check_unique(state, order_list)
    working_hold = list_hold(market, [working])
    pending_hold = reserve(market, working, pending)
    needs: dict[str, int] = {}
    for asset, amount in (
        (_asset(market, working), working_hold),
        (_asset(market, pending[0]), pending_hold),
    ):
        needs[asset] = needs.get(asset, 0) + amount
    for asset, amount in needs.items():
        if exchange.ledger.available(command.account_id, asset) < amount:
            raise InsufficientBalance("Account has insufficient balance for requested action.")
    for leg in order_list.legs:
        leg.list_client_order_id = order_list.list_client_order_id
    events: list[Event] = [accepted(leg) for leg in order_list.legs]
    for order, amount in ((working, working_hold), (carrier_of(pending), pending_hold)):
        if amount:
            entry = hold_entry(
                EntryKind.HOLD, order.account_id, _asset(market, order), amount, ref(order)
            )
            events.append(exchange.ledger.post(entry))
            order.held = amount
    state.last_order_id = order_list.legs[-1].order_id
    for order in pending:
        state.pending.add(order)
    state.lists.add(order_list)
    events.append(order_list.status(ListStatusType.EXEC_STARTED, command.timestamp))
    plan = plan_match(market, state.book, working) if crosses(state.book, working) else MatchPlan()
    if working.time_in_force is TimeInForce.FOK and (plan.prevented or not plan.complete):
        events.extend(release(exchange.ledger, market, working, working.held))
        events.append(expire(working, ExpiryReason.UNFILLED_FOK_ORDER_EXPIRED))
    else:
        exchange.run_plan(state, working, plan, events)
    exchange._run_triggered(state, events, working.created_at)
    return exchange._book_changes(state, events)


def _order(state: "MarketState", placed: PlaceOrder, order_id: int, list_id: int) -> Order:
    order = placed_order(state.market, placed, order_id, list_id)
    order.working_time = order.created_at
    order.queued_at = joined_after(state.last_trade_id)
    return order


def _pending(
    market: Market, placed: PlaceOrder, order_id: int, list_id: int, working_price: int
) -> Order:
    """A pending order, off the book: a buy without a price (MARKET, STOP_LOSS, TAKE_PROFIT)
    gets the cap of `domain.stops`, reckoned from its stop price or, without one, from the
    working order's price, the last price once it has filled."""
    order = placed_order(market, placed, order_id, list_id, OrderStatus.PENDING_NEW)
    if order.type.is_market and order.side is Side.BUY:
        order.price = buy_cap(market, order, working_price)
    return order


def _asset(market: Market, order: Order) -> str:
    return market.quote.code if order.side is Side.BUY else market.base.code


def react_to_working(
    exchange: "Exchange", state: "MarketState", new: list[Event], now: int, events: list[Event]
) -> None:
    """Places the pending orders of the lists whose working order filled, and ends those whose
    working order ended otherwise."""
    for event in new:
        if not isinstance(event, OrderUpdated) or event.execution is ExecutionType.NEW:
            continue
        order_list = state.lists.by_leg.get(event.order_id)
        if order_list is None or not order_list.waiting:
            continue
        if event.order_id != order_list.legs[0].order_id:
            continue
        if event.status is OrderStatus.FILLED:
            _place_pending(exchange, state, order_list, now, events)
        elif not event.status.is_open:
            _expire(exchange, state, order_list, now, events, ExpiryReason.OTO_PHASE_ONE_EXPIRED)


def _expire(
    exchange: "Exchange",
    state: "MarketState",
    order_list: OrderList,
    now: int,
    events: list[Event],
    reason: ExpiryReason,
) -> None:
    """The pending orders expire, their hold released, and the list ends."""
    state.lists.remove(order_list)
    for order in order_list.legs[1:]:
        take_out(state, order)
        events.extend(release(exchange.ledger, state.market, order, order.held))
        events.append(expire(order, reason, now))
    events.append(order_list.status(ListStatusType.ALL_DONE, now))


def _place_pending(
    exchange: "Exchange", state: "MarketState", order_list: OrderList, now: int, events: list[Event]
) -> None:
    market = state.market
    pending = order_list.legs[1:]
    carrier = carrier_of(pending)
    more = list_hold(market, pending) - carrier.held
    asset = _asset(market, carrier)
    if exchange.ledger.available(carrier.account_id, asset) < more or not all(
        _placeable(state, order) for order in pending
    ):
        _expire(exchange, state, order_list, now, events, ExpiryReason.REJECTED)
        return
    if more:
        entry = hold_entry(EntryKind.HOLD, carrier.account_id, asset, more, ref(carrier))
        events.append(exchange.ledger.post(entry))
        carrier.held += more
    for order in pending:
        state.pending.remove(order)
        order.status = OrderStatus.NEW
    single = len(pending) == 1  # an OTO's list ends with its pending order placed
    if single:
        state.lists.remove(order_list)
    for order in pending:
        if order.type.is_stop:
            if order.trailing_delta and not order.stop_price:
                order.trail_price = state.last_price
            state.stops.add(order)
            events.append(report(order, ExecutionType.NEW, now))
        elif single:
            exchange.work(state, order, now, events)
        else:  # the LIMIT_MAKER of an OCO pair
            order.working_time = now
            order.queued_at = joined_after(state.last_trade_id)
            events.append(report(order, ExecutionType.NEW, now))
            if order.iceberg_quantity:
                order.hidden = order.remaining - order.iceberg_quantity
                events.append(shown(order))
            state.book.add(order)
    if single:
        events.append(order_list.status(ListStatusType.ALL_DONE, now))


def _placeable(state: "MarketState", order: Order) -> bool:
    """Whether a pending order may go to the book or the stops now: a LIMIT_MAKER that would
    take, or a stop that would trigger at once, is rejected there as when placed alone."""
    if order.type is OrderType.LIMIT_MAKER:
        return not crosses(state.book, order)
    if order.type.is_stop:
        return not would_trigger(order.type, order.side, order.stop_price, state.last_price)
    return True
