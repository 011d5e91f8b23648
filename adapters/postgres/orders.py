"""The history of orders in PostgreSQL: each order one row, upserted as it changes."""

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Select, any_, bindparam, func, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY, insert

from adapters.postgres.database import AnyRow
from adapters.postgres.schema import OPEN_STATUSES, open_orders_snapshots, orders
from application.records import OpenOrdersSnapshot, OrderRecord
from domain.orders import OrderStatus, OrderType, SelfTradePrevention, Side, TimeInForce

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork

_CHANGING = (
    "quantity",
    "status",
    "executed",
    "cumulative_quote",
    "updated_at",
    "prevented_quantity",
    "prevented_match_id",
    "trail_price",
    "trailing_time",
    "working_time",
    "hidden",
    "queued_at",
    "sequence",
)
_MANY = select(orders).where(
    orders.c.symbol == bindparam("symbol"),
    orders.c.order_id == any_(bindparam("ids", type_=ARRAY(BigInteger))),
)
_INSERT = insert(orders)
# Built once: a statement made anew for each commit costs SQLAlchemy its cache key again.
_SAVE = _INSERT.on_conflict_do_update(
    index_elements=[orders.c.symbol, orders.c.order_id],
    set_={name: _INSERT.excluded[name] for name in _CHANGING},
)


class PostgresOrders:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow
        self._saved: dict[tuple[str, int], dict[str, object]] = {}

    async def save(self, order: OrderRecord) -> None:
        self._saved[order.symbol, order.order_id] = _row(order)

    async def get(self, symbol: str, order_id: int) -> OrderRecord | None:
        found = select(orders).where(orders.c.symbol == symbol, orders.c.order_id == order_id)
        return await self._one(found)

    async def get_many(self, symbol: str, order_ids: Collection[int]) -> dict[int, OrderRecord]:
        if not order_ids:
            return {}
        rows = await self._uow.execute(_MANY, {"symbol": symbol, "ids": list(order_ids)})
        return {row.order_id: _record(row) for row in rows}

    async def by_client_id(
        self, account_id: int, symbol: str, client_order_id: str
    ) -> OrderRecord | None:
        # A client order id may be used again once its order is closed: the latest one wins.
        found = (
            select(orders)
            .where(
                orders.c.account_id == account_id,
                orders.c.symbol == symbol,
                orders.c.client_order_id == client_order_id,
            )
            .order_by(orders.c.order_id.desc())
            .limit(1)
        )
        return await self._one(found)

    async def of_account(
        self,
        account_id: int,
        symbol: str | None,
        statuses: Sequence[OrderStatus] | None = None,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[OrderRecord]:
        found = select(orders).where(orders.c.account_id == account_id)
        if symbol is not None:
            found = found.where(orders.c.symbol == symbol)
        if statuses is not None:
            found = found.where(orders.c.status.in_([status.value for status in statuses]))
        if from_id is not None:
            found = found.where(orders.c.order_id >= from_id)
        if start is not None:
            found = found.where(orders.c.created_at >= start)
        if end is not None:
            found = found.where(orders.c.created_at <= end)
        order = (orders.c.created_at, orders.c.symbol, orders.c.order_id)
        if from_id is not None or start is not None:
            return await self._all(found.order_by(*order).limit(limit))
        newest = await self._all(found.order_by(*(c.desc() for c in order)).limit(limit))
        return newest[::-1]

    async def open(self, symbol: str) -> list[OrderRecord]:
        found = (
            select(orders)
            .where(orders.c.symbol == symbol, orders.c.status.in_(OPEN_STATUSES))
            .order_by(orders.c.order_id)
        )
        return await self._all(found)

    async def list_orders(
        self, account_id: int, order_list_id: int | None, list_client_order_id: str | None
    ) -> list[OrderRecord]:
        first = select(orders.c.symbol, orders.c.order_list_id).where(
            orders.c.account_id == account_id, orders.c.order_list_id >= 0
        )
        if order_list_id is not None:
            first = first.where(orders.c.order_list_id == order_list_id)
        if list_client_order_id is not None:
            first = first.where(orders.c.list_client_order_id == list_client_order_id)
        newest = first.order_by(orders.c.created_at.desc(), orders.c.order_id.desc()).limit(1)
        row = (await self._uow.execute(newest)).one_or_none()
        if row is None:
            return []
        found = (
            select(orders)
            .where(
                orders.c.account_id == account_id,
                orders.c.symbol == row.symbol,
                orders.c.order_list_id == row.order_list_id,
            )
            .order_by(orders.c.order_id)
        )
        return await self._all(found)

    async def order_lists(
        self,
        account_id: int,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[OrderRecord]:
        first = select(orders.c.symbol, orders.c.order_list_id).where(
            orders.c.account_id == account_id, orders.c.order_list_id == orders.c.order_id
        )
        if from_id is not None:
            first = first.where(orders.c.order_list_id >= from_id)
        if start is not None:
            first = first.where(orders.c.created_at >= start)
        if end is not None:
            first = first.where(orders.c.created_at <= end)
        order = (orders.c.created_at, orders.c.symbol, orders.c.order_id)
        if from_id is None and start is None:
            first = first.order_by(*(c.desc() for c in order))
        else:
            first = first.order_by(*order)
        chosen = [tuple(row) for row in await self._uow.execute(first.limit(limit))]
        if not chosen:
            return []
        found = (
            select(orders)
            .where(
                orders.c.account_id == account_id,
                tuple_(orders.c.symbol, orders.c.order_list_id).in_(chosen),
            )
            .order_by(*order)
        )
        return await self._all(found)

    async def last_id(self, symbol: str) -> int:
        found = select(func.max(orders.c.order_id)).where(orders.c.symbol == symbol)
        result = await self._uow.execute(found)
        return result.scalar_one() or 0

    async def changed_since(self, symbol: str, sequence: int) -> list[OrderRecord]:
        found = select(orders).where(orders.c.symbol == symbol, orders.c.sequence > sequence)
        return await self._all(found)

    async def open_count(self, symbol: str) -> int:
        found = select(func.count()).where(
            orders.c.symbol == symbol, orders.c.status.in_(OPEN_STATUSES)
        )
        return int((await self._uow.execute(found)).scalar_one())

    async def keep_snapshot(self, snapshot: OpenOrdersSnapshot) -> None:
        row = {
            "symbol": snapshot.symbol,
            "sequence": snapshot.sequence,
            "orders": snapshot.orders,
            "taken_at": snapshot.taken_at,
        }
        statement = insert(open_orders_snapshots).values(row)
        await self._uow.execute(
            statement.on_conflict_do_update(
                index_elements=[open_orders_snapshots.c.symbol],
                set_={name: statement.excluded[name] for name in row if name != "symbol"},
                where=open_orders_snapshots.c.sequence < statement.excluded.sequence,
            )
        )

    async def snapshot(self, symbol: str) -> OpenOrdersSnapshot | None:
        found = select(open_orders_snapshots).where(open_orders_snapshots.c.symbol == symbol)
        row = (await self._uow.execute(found)).one_or_none()
        return None if row is None else OpenOrdersSnapshot(*row)

    async def flush(self) -> None:
        if self._saved:
            await self._uow.execute(_SAVE, list(self._saved.values()))

    def forget(self) -> None:
        self._saved = {}

    async def _one(self, statement: Select[Any]) -> OrderRecord | None:
        row = (await self._uow.execute(statement)).one_or_none()
        return None if row is None else _record(row)

    async def _all(self, statement: Select[Any]) -> list[OrderRecord]:
        return [_record(row) for row in await self._uow.execute(statement)]


def _row(order: OrderRecord) -> dict[str, object]:
    return {
        "symbol": order.symbol,
        "order_id": order.order_id,
        "account_id": order.account_id,
        "client_order_id": order.client_order_id,
        "side": order.side.value,
        "type": order.type.value,
        "time_in_force": order.time_in_force.value,
        "price": order.price,
        "quantity": order.quantity,
        "quote_quantity": order.quote_quantity,
        "stp": order.stp.value,
        "status": order.status.value,
        "executed": order.executed,
        "cumulative_quote": order.cumulative_quote,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "prevented_quantity": order.prevented_quantity,
        "prevented_match_id": order.prevented_match_id,
        "stop_price": order.stop_price,
        "trailing_delta": order.trailing_delta,
        "trail_price": order.trail_price,
        "working_time": order.working_time,
        "iceberg_quantity": order.iceberg_quantity,
        "hidden": order.hidden,
        "queued_at": order.queued_at,
        "sequence": order.sequence,
        "order_list_id": order.order_list_id,
        "list_client_order_id": order.list_client_order_id,
        "trailing_time": order.trailing_time,
    }


def _record(row: AnyRow) -> OrderRecord:
    m = row._mapping
    return OrderRecord(
        symbol=m["symbol"],
        order_id=m["order_id"],
        account_id=m["account_id"],
        client_order_id=m["client_order_id"],
        side=Side(m["side"]),
        type=OrderType(m["type"]),
        time_in_force=TimeInForce(m["time_in_force"]),
        price=int(m["price"]),
        quantity=int(m["quantity"]),
        quote_quantity=int(m["quote_quantity"]),
        stp=SelfTradePrevention(m["stp"]),
        status=OrderStatus(m["status"]),
        executed=int(m["executed"]),
        cumulative_quote=int(m["cumulative_quote"]),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        prevented_quantity=int(m["prevented_quantity"]),
        prevented_match_id=m["prevented_match_id"],
        stop_price=int(m["stop_price"]),
        trailing_delta=m["trailing_delta"],
        trail_price=int(m["trail_price"]),
        working_time=m["working_time"],
        iceberg_quantity=int(m["iceberg_quantity"]),
        hidden=int(m["hidden"]),
        queued_at=m["queued_at"],
        sequence=m["sequence"],
        order_list_id=m["order_list_id"],
        list_client_order_id=m["list_client_order_id"],
        trailing_time=m["trailing_time"],
    )
