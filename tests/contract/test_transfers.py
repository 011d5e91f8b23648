"""Deposits and withdrawals entered from outside, one per reference: the store refuses, at
commit and keeping nothing of the unit of work, a second transfer under a recorded reference,
even one made by another process at the same moment."""

import pytest

from application.errors import ReferenceTaken
from application.ports import UnitOfWork, UnitOfWorkFactory
from application.records import Transfer
from domain.ledger import Balance, EntryKind, transfer_entry

ADA, BOB = 7, 8


def deposit(reference: str, account_id: int = ADA, amount: int = 100) -> Transfer:
    return Transfer(reference, EntryKind.DEPOSIT, account_id, "USDT", amount)


async def add(uow: UnitOfWork, transfer: Transfer) -> None:
    """The transfer and its journal entry, as `Funds` records them."""
    entry = transfer_entry(
        transfer.kind, transfer.account_id, transfer.asset, transfer.amount, transfer.reference
    )
    await uow.journal.add(entry, 1_000)
    await uow.transfers.add(transfer)


async def commit(unit_of_work: UnitOfWorkFactory, *transfers: Transfer) -> None:
    async with unit_of_work() as uow:
        for transfer in transfers:
            await add(uow, transfer)
        await uow.commit()


async def test_a_transfer_is_found_by_its_reference_once_committed(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    first = deposit("bank-1")
    withdrawal = Transfer("chain-0xab", EntryKind.WITHDRAWAL, ADA, "USDT", 40)
    async with unit_of_work() as uow:
        await add(uow, first)
        async with unit_of_work() as other:
            assert await other.transfers.get("bank-1") is None
        await uow.commit()
    await commit(unit_of_work, withdrawal)

    async with unit_of_work() as uow:
        assert await uow.transfers.get("bank-1") == first
        assert await uow.transfers.get("chain-0xab") == withdrawal
        assert await uow.transfers.get("bank-2") is None
        assert await uow.journal.balances(ADA) == {"USDT": Balance(60, 0)}


async def test_nothing_is_kept_without_a_commit(unit_of_work: UnitOfWorkFactory) -> None:
    async def add_then_fail() -> None:
        async with unit_of_work() as uow:
            await add(uow, deposit("bank-1"))
            raise LookupError

    with pytest.raises(LookupError):
        await add_then_fail()
    async with unit_of_work() as uow:
        assert await uow.transfers.get("bank-1") is None


async def test_a_recorded_reference_refuses_the_whole_commit(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    await commit(unit_of_work, deposit("bank-1"))

    for again in (deposit("bank-1"), deposit("bank-1", BOB, 5)):
        with pytest.raises(ReferenceTaken):
            await commit(unit_of_work, deposit("bank-2", BOB), again)

    async with unit_of_work() as uow:
        assert await uow.transfers.get("bank-1") == deposit("bank-1")
        assert await uow.transfers.get("bank-2") is None
        assert await uow.journal.balances(ADA) == {"USDT": Balance(100, 0)}
        assert await uow.journal.balances(BOB) == {}


async def test_of_two_commits_with_one_reference_at_once_the_second_is_refused(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    async with unit_of_work() as first, unit_of_work() as second:
        await add(first, deposit("bank-1"))
        await add(second, deposit("bank-1", BOB))
        await first.commit()
        with pytest.raises(ReferenceTaken):
            await second.commit()

    async with unit_of_work() as uow:
        assert await uow.transfers.get("bank-1") == deposit("bank-1")
        assert await uow.journal.balances(BOB) == {}
