"""The prevented matches of every market in PostgreSQL, inserted in bulk at commit."""

from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select

from adapters.postgres.database import AnyRow
from adapters.postgres.schema import prevented_matches
from domain.events import PreventedMatch
from domain.orders import SelfTradePrevention

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork


class PostgresPreventedMatches:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow

    async def add(self, match: PreventedMatch) -> None:
        self._uow.stage(
            prevented_matches,
            {
                "symbol": match.symbol,
                "prevented_match_id": match.prevented_match_id,
                "taker_order_id": match.taker_order_id,
                "maker_order_id": match.maker_order_id,
                "account_id": match.account_id,
                "mode": match.mode.value,
                "price": match.price,
                "quantity": match.quantity,
                "taker_prevented_quantity": match.taker_prevented_quantity,
                "maker_prevented_quantity": match.maker_prevented_quantity,
                "prevented_at": match.timestamp,
            },
        )

    async def of_account(
        self,
        account_id: int,
        symbol: str,
        prevented_match_id: int | None = None,
        order_id: int | None = None,
        from_id: int | None = None,
        limit: int = 500,
    ) -> list[PreventedMatch]:
        c = prevented_matches.c
        found = select(prevented_matches).where(c.account_id == account_id, c.symbol == symbol)
        if prevented_match_id is not None:
            found = found.where(c.prevented_match_id == prevented_match_id)
        if order_id is not None:
            found = found.where(or_(c.taker_order_id == order_id, c.maker_order_id == order_id))
        if from_id is not None:
            found = found.where(c.prevented_match_id >= from_id)
        rows = await self._uow.execute(found.order_by(c.prevented_match_id).limit(limit))
        return [_match(row) for row in rows]

    async def last_id(self, symbol: str) -> int:
        c = prevented_matches.c
        found = select(func.max(c.prevented_match_id)).where(c.symbol == symbol)
        return (await self._uow.execute(found)).scalar_one() or 0


def _match(row: AnyRow) -> PreventedMatch:
    m = row._mapping
    return PreventedMatch(
        symbol=m["symbol"],
        prevented_match_id=m["prevented_match_id"],
        taker_order_id=m["taker_order_id"],
        maker_order_id=m["maker_order_id"],
        account_id=m["account_id"],
        mode=SelfTradePrevention(m["mode"]),
        price=int(m["price"]),
        quantity=int(m["quantity"]),
        taker_prevented_quantity=int(m["taker_prevented_quantity"]),
        maker_prevented_quantity=int(m["maker_prevented_quantity"]),
        timestamp=m["prevented_at"],
    )
