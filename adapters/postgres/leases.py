"""Market leases in PostgreSQL: taken with one conditional upsert, fenced by a row lock that
lasts until the batch commits, so a take-over waits for a commit in progress and then sees it."""

from typing import TYPE_CHECKING

from sqlalchemy import bindparam, case, select, update
from sqlalchemy.dialects.postgresql import insert

from adapters.postgres.database import AnyRow
from adapters.postgres.schema import market_leases
from application.errors import LeaseLost
from application.records import Lease

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork


_FENCE = (
    update(market_leases)
    .where(
        market_leases.c.symbol == bindparam("held_symbol"),
        market_leases.c.owner == bindparam("held_owner"),
        market_leases.c.epoch == bindparam("held_epoch"),
    )
    .values(sequence=bindparam("fenced_at"))
)


class PostgresMarketLeases:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow

    async def acquire(self, symbol: str, owner: str, now: int, ttl_ms: int) -> Lease | None:
        held = market_leases.c
        proposed = insert(market_leases).values(
            symbol=symbol,
            owner=owner,
            epoch=1,
            expires_at=now + ttl_ms,
            sequence=0,
            held_since=now,
        )
        statement = proposed.on_conflict_do_update(
            index_elements=[held.symbol],
            set_={
                "owner": owner,
                "epoch": case((held.owner == owner, held.epoch), else_=held.epoch + 1),
                "expires_at": now + ttl_ms,
                "held_since": case((held.owner == owner, held.held_since), else_=now),
            },
            where=(held.owner == owner) | (held.expires_at <= now),
        ).returning(*held)
        row = (await self._uow.execute(statement)).first()
        return None if row is None else _lease(row)

    async def held(self) -> list[Lease]:
        rows = await self._uow.execute(select(market_leases).order_by(market_leases.c.symbol))
        return [_lease(row) for row in rows]

    async def fence(self, lease: Lease, sequence: int) -> None:
        result = await self._uow.execute(
            _FENCE,
            {
                "held_symbol": lease.symbol,
                "held_owner": lease.owner,
                "held_epoch": lease.epoch,
                "fenced_at": sequence,
            },
        )
        if result.rowcount != 1:
            raise LeaseLost(f"The lease on {lease.symbol} moved to another engine.")

    async def sequence(self, symbol: str) -> int:
        held = market_leases.c
        found = await self._uow.execute(select(held.sequence).where(held.symbol == symbol))
        return found.scalar() or 0


def _lease(row: AnyRow) -> Lease:
    return Lease(row.symbol, row.owner, row.epoch, row.expires_at, row.sequence, row.held_since)
