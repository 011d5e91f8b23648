"""Writes what the engine did into the history, inside the caller's unit of work."""

from collections.abc import Sequence

from application.ports import UnitOfWork
from application.records import OrderRecord
from domain.events import Event, OrderAccepted, OrderUpdated, Trade
from domain.ledger import JournalEntry
from domain.orders import OrderStatus


async def record_events(uow: UnitOfWork, batch: Sequence[tuple[Sequence[Event], int]]) -> None:
    """Records each command's events, stamped with its time. One batch may hold an order's
    acceptance and its later fills, so orders are gathered across the batch, then saved."""
    touched: dict[tuple[str, int], OrderRecord] = {}
    for events, timestamp in batch:
        await _record(uow, events, timestamp, touched)
    for order in touched.values():
        await uow.orders.save(order)


async def _record(
    uow: UnitOfWork,
    events: Sequence[Event],
    timestamp: int,
    touched: dict[tuple[str, int], OrderRecord],
) -> None:
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
                status=OrderStatus.NEW,
                executed=0,
                cumulative_quote=0,
                created_at=event.timestamp,
                updated_at=event.timestamp,
            )
        elif isinstance(event, OrderUpdated):
            key = (event.symbol, event.order_id)
            order = touched.get(key) or await uow.orders.get(*key)
            if order is None:
                raise LookupError(f"update of an order never recorded: {key}")
            order.status = event.status
            order.quantity = event.quantity
            order.executed = event.executed
            order.cumulative_quote = event.cumulative_quote
            order.updated_at = event.timestamp
            touched[key] = order
        elif isinstance(event, Trade):
            await uow.trades.add(event)
            await uow.candles.record(event)
        elif isinstance(event, JournalEntry):
            await uow.journal.add(event, timestamp)
