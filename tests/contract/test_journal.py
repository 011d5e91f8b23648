"""The journal: balances kept by its entries, holdings, statements with running balances, and
the commit that refuses, keeping nothing, to take any balance but the world's below zero, or
the exchange's holdings of an asset beyond what it can hold."""

import pytest

from application.ports import UnitOfWorkFactory
from application.records import StatementLine
from domain.assets import MAX_HOLDINGS
from domain.errors import HoldingsLimit, InsufficientBalance
from domain.ledger import (
    EXTERNAL_ACCOUNT,
    FEE_ACCOUNT,
    Balance,
    Bucket,
    EntryKind,
    JournalEntry,
    Posting,
    hold_entry,
    transfer_entry,
)

ADA, BOB = 7, 8
BIG = MAX_HOLDINGS  # all the exchange may hold of an asset: no float keeps it whole


def deposit(account_id: int, asset: str, amount: int, reference: str = "") -> JournalEntry:
    return transfer_entry(EntryKind.DEPOSIT, account_id, asset, amount, reference)


def trade_entry(buyer: int, seller: int, base: int, quote: int, fee: int) -> JournalEntry:
    """The buyer's held quote goes to the seller, the seller's held base to the buyer, who
    pays a fee in base."""
    return JournalEntry(
        EntryKind.TRADE,
        (
            Posting(buyer, "USDT", Bucket.LOCKED, -quote),
            Posting(seller, "USDT", Bucket.AVAILABLE, quote),
            Posting(seller, "BTC", Bucket.LOCKED, -base),
            Posting(buyer, "BTC", Bucket.AVAILABLE, base - fee),
            Posting(FEE_ACCOUNT, "BTC", Bucket.AVAILABLE, fee),
        ),
        "BTCUSDT:1",
    )


async def _post(unit_of_work: UnitOfWorkFactory, *entries: tuple[JournalEntry, int]) -> None:
    async with unit_of_work() as uow:
        for entry, timestamp in entries:
            await uow.journal.add(entry, timestamp)
        await uow.commit()


async def test_entries_move_balances_once_committed(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.journal.add(deposit(ADA, "USDT", BIG), 1_000)
        async with unit_of_work() as other:
            assert await other.journal.balances(ADA) == {}

    async def add_then_fail() -> None:
        async with unit_of_work() as uow:
            await uow.journal.add(deposit(ADA, "USDT", BIG), 1_000)
            raise LookupError

    with pytest.raises(LookupError):
        await add_then_fail()
    async with unit_of_work() as uow:
        assert await uow.journal.balances(ADA) == {}

    await _post(
        unit_of_work,
        (deposit(ADA, "USDT", BIG), 1_000),
        (hold_entry(EntryKind.HOLD, ADA, "USDT", 300, "BTCUSDT:1"), 2_000),
        (deposit(BOB, "BTC", 50), 2_000),
        (hold_entry(EntryKind.HOLD, BOB, "BTC", 10, "BTCUSDT:2"), 3_000),
    )
    await _post(unit_of_work, (trade_entry(ADA, BOB, base=10, quote=300, fee=1), 4_000))

    async with unit_of_work() as uow:
        journal = uow.journal
        assert await journal.balances(ADA) == {
            "USDT": Balance(BIG - 300, 0),
            "BTC": Balance(9, 0),
        }
        assert await journal.balances(BOB) == {"USDT": Balance(300, 0), "BTC": Balance(40, 0)}
        assert await journal.balances(FEE_ACCOUNT) == {"BTC": Balance(1, 0)}
        assert await journal.balances(99) == {}
        world = await journal.balances(EXTERNAL_ACCOUNT)
        assert world == {"USDT": Balance(-BIG, 0), "BTC": Balance(-50, 0)}
        assert sorted(await journal.holdings([ADA, FEE_ACCOUNT, 99])) == [
            (FEE_ACCOUNT, "BTC", Balance(1, 0)),
            (ADA, "BTC", Balance(9, 0)),
            (ADA, "USDT", Balance(BIG - 300, 0)),
        ]
        everyone = await journal.holdings()
    assert len(everyone) == 7
    for asset in ("BTC", "USDT"):  # every asset is conserved
        assert sum(b.total for _, held, b in everyone if held == asset) == 0


async def test_a_statement_shows_each_entry_with_running_balances(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    await _post(
        unit_of_work,
        (deposit(ADA, "USDT", 1_000, "first"), 1_000),
        (deposit(BOB, "BTC", 50), 1_500),
        (hold_entry(EntryKind.HOLD, ADA, "USDT", 300, "BTCUSDT:1"), 2_000),
        (hold_entry(EntryKind.HOLD, BOB, "BTC", 10, "BTCUSDT:2"), 2_000),
    )
    await _post(
        unit_of_work,
        (trade_entry(ADA, BOB, base=10, quote=300, fee=1), 3_000),
        (deposit(ADA, "USDT", 5, "second"), 4_000),
    )

    async with unit_of_work() as uow:
        lines = await uow.journal.statement(ADA, None, None, None)
        usdt = await uow.journal.statement(ADA, "USDT", 2_000, None)
        window = await uow.journal.statement(ADA, None, 2_500, 3_500)
        assert await uow.journal.statement(99, None, None, None) == []
    assert [(line.kind, line.reference, line.asset, line.timestamp) for line in lines] == [
        ("DEPOSIT", "first", "USDT", 1_000),
        ("HOLD", "BTCUSDT:1", "USDT", 2_000),
        ("TRADE", "BTCUSDT:1", "USDT", 3_000),
        ("TRADE", "BTCUSDT:1", "BTC", 3_000),
        ("DEPOSIT", "second", "USDT", 4_000),
    ]
    changes = [(x.available_change, x.locked_change, x.available, x.locked) for x in lines]
    assert changes == [
        (1_000, 0, 1_000, 0),
        (-300, 300, 700, 300),
        (0, -300, 700, 0),
        (9, 0, 9, 0),
        (5, 0, 705, 0),
    ]
    ids = [line.entry_id for line in lines]
    assert ids == sorted(ids)
    assert ids[2] == ids[3]
    assert usdt == [lines[1], lines[2], lines[4]]
    assert window == lines[2:4]
    assert all(isinstance(line, StatementLine) for line in lines)


async def test_a_commit_that_would_overdraw_keeps_nothing(unit_of_work: UnitOfWorkFactory) -> None:
    await _post(unit_of_work, (deposit(ADA, "USDT", 100), 1_000))

    overdrawing = (
        (deposit(BOB, "USDT", 10), 2_000),
        (hold_entry(EntryKind.HOLD, ADA, "USDT", 60, "a"), 2_000),
        (hold_entry(EntryKind.HOLD, ADA, "USDT", 60, "b"), 2_000),
    )
    with pytest.raises(InsufficientBalance, match="insufficient balance"):
        await _post(unit_of_work, *overdrawing)
    with pytest.raises(InsufficientBalance):
        await _post(unit_of_work, (hold_entry(EntryKind.RELEASE, BOB, "BTC", 1, "c"), 2_000))

    async with unit_of_work() as uow:
        assert await uow.journal.balances(ADA) == {"USDT": Balance(100, 0)}
        assert await uow.journal.balances(BOB) == {}
        assert len(await uow.journal.statement(ADA, None, None, None)) == 1


async def test_a_batch_may_go_through_zero_and_the_world_below_it(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    # Judged on the balances the whole commit leaves, as the engine judged each step.
    await _post(
        unit_of_work,
        (deposit(ADA, "USDT", 100), 1_000),
        (hold_entry(EntryKind.HOLD, ADA, "USDT", 100, "a"), 1_000),
        (hold_entry(EntryKind.RELEASE, ADA, "USDT", 100, "a"), 1_000),
        (transfer_entry(EntryKind.WITHDRAWAL, ADA, "USDT", 100, "w"), 1_000),
    )

    async with unit_of_work() as uow:
        assert await uow.journal.balances(ADA) == {"USDT": Balance(0, 0)}
        assert await uow.journal.balances(EXTERNAL_ACCOUNT) == {"USDT": Balance(0, 0)}


async def test_a_commit_that_would_hold_more_than_the_limit_keeps_nothing(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    await _post(unit_of_work, (deposit(ADA, "USDT", MAX_HOLDINGS - 1), 1_000))

    beyond = ((deposit(BOB, "BTC", 5), 2_000), (deposit(BOB, "USDT", 2), 2_000))
    with pytest.raises(HoldingsLimit, match="cannot hold more"):
        await _post(unit_of_work, *beyond)
    # Judged on what the whole commit leaves: one out, one in.
    withdrawal = transfer_entry(EntryKind.WITHDRAWAL, ADA, "USDT", 1, "w")
    await _post(unit_of_work, (withdrawal, 3_000), (deposit(BOB, "USDT", 2), 3_000))

    async with unit_of_work() as uow:
        assert await uow.journal.balances(EXTERNAL_ACCOUNT) == {"USDT": Balance(-MAX_HOLDINGS, 0)}
        assert await uow.journal.balances(BOB) == {"USDT": Balance(2, 0)}
