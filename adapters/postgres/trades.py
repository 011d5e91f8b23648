"""The trades of every market in PostgreSQL, inserted in bulk at commit."""

from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, or_, select

from adapters.postgres.database import AnyRow
from adapters.postgres.schema import trades
from domain.events import Trade

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork


class PostgresTrades:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow

    async def add(self, trade: Trade) -> None:
        self._uow.stage(trades, _row(trade))

    async def recent(self, symbol: str, limit: int) -> list[Trade]:
        return await self._select(select(trades).where(trades.c.symbol == symbol), limit=limit)

    async def history(
        self,
        symbol: str,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[Trade]:
        found = select(trades).where(trades.c.symbol == symbol)
        return await self._select(found, from_id, start, end, limit)

    async def of_account(
        self,
        account_id: int,
        symbol: str,
        order_id: int | None = None,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[Trade]:
        found = select(trades).where(
            trades.c.symbol == symbol,
            or_(trades.c.buyer_account_id == account_id, trades.c.seller_account_id == account_id),
        )
        if order_id is not None:
            found = found.where(
                or_(trades.c.buyer_order_id == order_id, trades.c.seller_order_id == order_id)
            )
        return await self._select(found, from_id, start, end, limit)

    async def last_id(self, symbol: str) -> int:
        found = select(func.max(trades.c.trade_id)).where(trades.c.symbol == symbol)
        return (await self._uow.execute(found)).scalar_one() or 0

    async def _select(
        self,
        found: Select[Any],
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[Trade]:
        """The first `limit` trades from `from_id` or `start`, else the last `limit`; always
        oldest first."""
        if from_id is not None:
            found = found.where(trades.c.trade_id >= from_id)
        if start is not None:
            found = found.where(trades.c.traded_at >= start)
        if end is not None:
            found = found.where(trades.c.traded_at <= end)
        if from_id is not None or start is not None:
            rows = await self._uow.execute(found.order_by(trades.c.trade_id).limit(limit))
            return [_trade(row) for row in rows]
        rows = await self._uow.execute(found.order_by(trades.c.trade_id.desc()).limit(limit))
        return [_trade(row) for row in rows][::-1]


def _row(trade: Trade) -> dict[str, object]:
    return {
        "symbol": trade.symbol,
        "trade_id": trade.trade_id,
        "price": trade.price,
        "quantity": trade.quantity,
        "quote_quantity": trade.quote_quantity,
        "buyer_order_id": trade.buyer_order_id,
        "seller_order_id": trade.seller_order_id,
        "buyer_account_id": trade.buyer_account_id,
        "seller_account_id": trade.seller_account_id,
        "buyer_is_maker": trade.buyer_is_maker,
        "buyer_fee": trade.buyer_fee,
        "seller_fee": trade.seller_fee,
        "traded_at": trade.timestamp,
    }


def _trade(row: AnyRow) -> Trade:
    m = row._mapping
    return Trade(
        symbol=m["symbol"],
        trade_id=m["trade_id"],
        price=int(m["price"]),
        quantity=int(m["quantity"]),
        quote_quantity=int(m["quote_quantity"]),
        buyer_order_id=m["buyer_order_id"],
        seller_order_id=m["seller_order_id"],
        buyer_account_id=m["buyer_account_id"],
        seller_account_id=m["seller_account_id"],
        buyer_is_maker=m["buyer_is_maker"],
        buyer_fee=int(m["buyer_fee"]),
        seller_fee=int(m["seller_fee"]),
        timestamp=m["traded_at"],
    )
