"""Deposits and withdrawals entered from outside, by reference, in PostgreSQL: inserted at
commit with the journal entry they made."""

from typing import TYPE_CHECKING

from sqlalchemy import select

from adapters.postgres.schema import transfers
from application.records import Transfer
from domain.ledger import EntryKind

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork


class PostgresTransfers:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow

    async def add(self, transfer: Transfer) -> None:
        self._uow.stage(
            transfers,
            {
                "reference": transfer.reference,
                "kind": transfer.kind.value,
                "account_id": transfer.account_id,
                "asset": transfer.asset,
                "amount": transfer.amount,
            },
        )

    async def get(self, reference: str) -> Transfer | None:
        found = await self._uow.execute(select(transfers).where(transfers.c.reference == reference))
        row = found.one_or_none()
        if row is None:
            return None
        return Transfer(
            row.reference, EntryKind(row.kind), row.account_id, row.asset, int(row.amount)
        )
