"""Writes what the engine did into the history, inside the caller's unit of work."""

from collections.abc import Mapping, Sequence
from copy import copy

from application.ports import UnitOfWork
from application.records import OrderRecord
from domain.events import (
    Event,
    IcebergShown,
    MarketStatusChanged,
    OrderAccepted,
    OrderUpdated,
    PreventedMatch,
    StopTrailed,
    Trade,
)
from domain.ledger import JournalEntry
from domain.orders import OrderStatus

Orders = dict[tuple[str, int], OrderRecord]
KnownOrders = Mapping[tuple[str, int], OrderRecord]


async def record_events(
    uow: UnitOfWork, batch: Sequence[tuple[Sequence[Event], int, int]]
) -> list[dict[int, OrderRecord]]:
    """Records each command's events, stamped with its time and its market sequence, and gives
    for each command the orders it changed as they stood after it."""
    after, _ = await record_batch(uow, batch, {})
    return after


async def record_batch(
    uow: UnitOfWork, batch: Sequence[tuple[Sequence[Event], int, int]], known: KnownOrders
) -> tuple[list[dict[int, OrderRecord]], Orders]:
    """As `record_events`, giving also every order the batch changed as it leaves them. One
    batch may hold an order's acceptance and its later fills, so orders are gathered across
    the batch, then saved. `known` holds orders as the caller knows them to stand, left
    unchanged: the engine's, those of the batch before while its commit is under way (the
    store does not have them yet), then its records of the open orders."""
    touched = await _earlier_orders(uow, batch, known)
    after: list[dict[int, OrderRecord]] = []
    for events, timestamp, sequence in batch:
        changed = await _record(uow, events, timestamp, sequence, touched)
        after.append({order_id: copy(touched[symbol, order_id]) for symbol, order_id in changed})
    for order in touched.values():
        await uow.orders.save(order)
    return after, touched


async def _earlier_orders(
    uow: UnitOfWork, batch: Sequence[tuple[Sequence[Event], int, int]], known: KnownOrders
) -> Orders:
    """The orders the batch updates without having accepted them: copies of those `known`,
    the others read from the store."""
    accepted: set[tuple[str, int]] = set()
    wanted: dict[str, set[int]] = {}
    for events, _, _ in batch:
        for event in events:
            if isinstance(event, OrderAccepted):
                accepted.add((event.symbol, event.order_id))
            elif (
                isinstance(event, OrderUpdated | StopTrailed | IcebergShown)
                and (event.symbol, event.order_id) not in accepted
            ):
                wanted.setdefault(event.symbol, set()).add(event.order_id)
    found: Orders = {}
    for symbol, order_ids in wanted.items():
        unread = set()
        for order_id in order_ids:
            order = known.get((symbol, order_id))
            if order is None:
                unread.add(order_id)
            else:
                found[symbol, order_id] = copy(order)
        if unread:
            for order_id, order in (await uow.orders.get_many(symbol, unread)).items():
                found[symbol, order_id] = order
    return found


async def _record(
    uow: UnitOfWork,
    events: Sequence[Event],
    timestamp: int,
    sequence: int,
    touched: Orders,
) -> list[tuple[str, int]]:
    changed: list[tuple[str, int]] = []
    for event in events:
        if isinstance(event, OrderAccepted):
            touched[event.symbol, event.order_id] = OrderRecord(
                symbol=event.symbol,
                order_id=event.order_id,
                account_id=event.account_id,
                client_order_id=event.client_order_id,
                side=event.side,
                type=event.type,
                time_in_force=event.time_in_force,
                price=event.price,
                quantity=event.quantity,
                quote_quantity=event.quote_quantity,
                stp=event.stp,
                status=event.status,
                executed=0,
                cumulative_quote=0,
                created_at=event.timestamp,
                updated_at=event.timestamp,
                stop_price=event.stop_price,
                trailing_delta=event.trailing_delta,
                working_time=-1
                if event.type.is_stop or event.status is OrderStatus.PENDING_NEW
                else event.timestamp,
                iceberg_quantity=event.iceberg_quantity,
                queued_at=event.queued_at,
                sequence=sequence,
                order_list_id=event.order_list_id,
                list_client_order_id=event.list_client_order_id,
                # Without a stop price, a trailing stop tracks from the moment it is placed.
                trailing_time=event.timestamp
                if event.trailing_delta and not event.stop_price
                else -1,
            )
            changed.append((event.symbol, event.order_id))
        elif isinstance(event, OrderUpdated):
            order = _recorded(touched, event.symbol, event.order_id, "update")
            order.status = event.status
            order.quantity = event.quantity
            order.executed = event.executed
            order.cumulative_quote = event.cumulative_quote
            order.updated_at = event.timestamp
            order.prevented_quantity = event.prevented_quantity
            order.prevented_match_id = event.prevented_match_id
            order.working_time = event.working_time
            order.queued_at = event.queued_at
            order.sequence = sequence
            changed.append((event.symbol, event.order_id))
        elif isinstance(event, StopTrailed):
            order = _recorded(touched, event.symbol, event.order_id, "trail")
            order.trail_price = event.trail_price
            order.sequence = sequence
            if order.trailing_time < 0:
                order.trailing_time = event.timestamp
        elif isinstance(event, IcebergShown):
            order = _recorded(touched, event.symbol, event.order_id, "iceberg part")
            order.hidden = event.hidden
            order.queued_at = event.queued_at
            order.sequence = sequence
        elif isinstance(event, PreventedMatch):
            await uow.prevented_matches.add(event)
        elif isinstance(event, Trade):
            await uow.trades.add(event)
            if not uow.event_log:
                await uow.candles.record(event)
        elif isinstance(event, JournalEntry):
            await uow.journal.add(event, timestamp)
        elif isinstance(event, MarketStatusChanged):
            await uow.market_statuses.add(event)
    return changed


def _recorded(touched: Orders, symbol: str, order_id: int, what: str) -> OrderRecord:
    """The order an event changes, gathered for the batch (it is saved from there)."""
    order = touched.get((symbol, order_id))
    if order is None:
        raise LookupError(f"{what} of an order never recorded: {(symbol, order_id)}")
    return order
