"""Deposits and withdrawals entered from outside, by reference, in the memory store."""

from typing import TYPE_CHECKING

from application.errors import ReferenceTaken
from application.records import Transfer

if TYPE_CHECKING:
    from adapters.memory.unit_of_work import MemoryUnitOfWork


class MemoryTransfers:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def add(self, transfer: Transfer) -> None:
        recorded = self._uow.store.transfers

        def check() -> None:
            if transfer.reference in recorded:
                raise ReferenceTaken()

        def write() -> None:
            recorded[transfer.reference] = transfer

        self._uow.checks.append(check)
        self._uow.staged.append(write)

    async def get(self, reference: str) -> Transfer | None:
        return self._uow.store.transfers.get(reference)
