"""The outbox: messages kept with the transaction that wrote them, handed out oldest first per
symbol and per channel, gone once relayed; in a store that keeps the event log's channel, each
message waits there too, apart, numbered at commit with each account's own gapless sequence,
which two processes committing for one account draw from in turn."""

import asyncio
import itertools

from application.ports import UnitOfWorkFactory
from application.records import OutboxChannel
from application.relay import decode_events
from domain.events import BookChanged, Event, OrderUpdated
from domain.ledger import EXTERNAL_ACCOUNT, Bucket, EntryKind, JournalEntry, Posting
from domain.orders import ExecutionType, OrderStatus

STREAMS, EVENT_LOG = OutboxChannel.STREAMS, OutboxChannel.EVENT_LOG


def changed(price: int) -> list[Event]:
    return [BookChanged("BTCUSDT", ((price, 1),), ())]


def updated(account: int, order_id: int) -> OrderUpdated:
    return OrderUpdated(
        "BTCUSDT", order_id, account, ExecutionType.CANCELED, OrderStatus.CANCELED, 5, 0, 0, 1
    )


def moved(*accounts: int) -> JournalEntry:
    """Funds moved from each account to the next, and from the world outside to the first."""
    postings = [Posting(EXTERNAL_ACCOUNT, "USDT", Bucket.AVAILABLE, -1)]
    postings += [Posting(accounts[0], "USDT", Bucket.AVAILABLE, 1)]
    for giver, taker in itertools.pairwise(accounts):
        postings += [
            Posting(giver, "USDT", Bucket.AVAILABLE, -1),
            Posting(taker, "USDT", Bucket.AVAILABLE, 1),
        ]
    return JournalEntry(EntryKind.DEPOSIT, tuple(postings), "moved")


async def test_messages_wait_in_commit_order_until_relayed(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.outbox.add("BTCUSDT", 1, changed(10))
        await uow.outbox.add("ETHUSDT", 1, changed(20))
        await uow.outbox.add("BTCUSDT", 2, changed(30))
        await uow.commit()
    async with unit_of_work() as uow:
        pending = await uow.outbox.pending(STREAMS, {"BTCUSDT"}, 10)
        assert await uow.outbox.pending(EVENT_LOG, {"BTCUSDT"}, 10) == []
    assert [(m.symbol, m.sequence) for m in pending] == [("BTCUSDT", 1), ("BTCUSDT", 2)]
    assert decode_events(pending[1].events) == changed(30)
    async with unit_of_work() as uow:
        await uow.outbox.relayed([pending[0].outbox_id])
        await uow.commit()
    async with unit_of_work() as uow:
        left = await uow.outbox.pending(STREAMS, {"BTCUSDT", "ETHUSDT"}, 1)
        others = await uow.outbox.pending(STREAMS, {"ETHUSDT"}, 9)
        await uow.outbox.relayed([m.outbox_id for m in others])
        await uow.outbox.relayed([pending[1].outbox_id])
        await uow.commit()
    assert [(m.symbol, m.sequence) for m in left] == [("ETHUSDT", 1)]
    async with unit_of_work() as uow:
        assert await uow.outbox.pending(STREAMS, {"BTCUSDT", "ETHUSDT"}, 10) == []


async def test_nothing_is_kept_without_commit(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.outbox.add("BTCUSDT", 1, changed(10))
    async with unit_of_work() as uow:
        assert await uow.outbox.pending(STREAMS, {"BTCUSDT"}, 10) == []


async def test_each_channel_keeps_its_messages_until_it_relays_them(
    logged_unit_of_work: UnitOfWorkFactory,
) -> None:
    unit_of_work = logged_unit_of_work
    async with unit_of_work() as uow:
        for sequence in (1, 2, 3):
            await uow.outbox.add("BTCUSDT", sequence, changed(sequence))
        await uow.commit()
    async with unit_of_work() as uow:
        streamed = await uow.outbox.pending(STREAMS, {"BTCUSDT"}, 10)
        await uow.outbox.relayed([m.outbox_id for m in streamed])
        await uow.commit()
    async with unit_of_work() as uow:
        assert await uow.outbox.pending(STREAMS, {"BTCUSDT"}, 10) == []
        assert await uow.outbox.waiting(STREAMS, "BTCUSDT") == []
        waiting = await uow.outbox.waiting(EVENT_LOG, "BTCUSDT")
        logged = await uow.outbox.pending(EVENT_LOG, {"BTCUSDT"}, 2)
        await uow.outbox.relayed([m.outbox_id for m in logged])
        await uow.commit()
    assert [m.sequence for m in streamed] == [1, 2, 3]
    assert [m.sequence for m in waiting] == [1, 2, 3]
    assert [m.sequence for m in logged] == [1, 2]
    assert [decode_events(m.events) for m in logged] == [changed(1), changed(2)]
    async with unit_of_work() as uow:
        assert [m.sequence for m in await uow.outbox.pending(EVENT_LOG, {"BTCUSDT"}, 10)] == [3]
        assert [m.sequence for m in await uow.outbox.waiting(EVENT_LOG, "BTCUSDT")] == [3]


async def test_the_event_logs_messages_number_each_accounts_events_without_gaps(
    logged_unit_of_work: UnitOfWorkFactory,
) -> None:
    unit_of_work = logged_unit_of_work
    commits: list[list[tuple[str, int, list[Event]]]] = [
        [("", 0, [moved(7)]), ("BTCUSDT", 1, [updated(7, 1), updated(9, 2), moved(9, 7)])],
        [("BTCUSDT", 2, changed(5)), ("ETHUSDT", 1, [updated(9, 3)])],
        [("", 0, [moved(9)])],
    ]
    for messages in commits:
        async with unit_of_work() as uow:
            for symbol, sequence, events in messages:
                await uow.outbox.add(symbol, sequence, events)
            await uow.commit()

    async with unit_of_work() as uow:
        logged = await uow.outbox.pending(EVENT_LOG, {"", "BTCUSDT", "ETHUSDT"}, 10)
        streamed = await uow.outbox.pending(STREAMS, {"", "BTCUSDT", "ETHUSDT"}, 10)

    # Account 7: the first deposit, its order, then the entry it shares with 9 (7 comes second
    # there); 9: its order first, then that entry; the book change tells no account.
    assert [m.account_sequences for m in logged] == [
        {7: 1},
        {9: 1, 7: 2},
        {},
        {9: 3},
        {9: 4},
    ]
    assert all(m.account_sequences == {} for m in streamed)


async def test_two_commits_for_one_account_at_once_draw_its_numbers_in_turn(
    logged_unit_of_work: UnitOfWorkFactory,
) -> None:
    unit_of_work = logged_unit_of_work

    async def commit(symbol: str, order_ids: range) -> None:
        for order_id in order_ids:
            async with unit_of_work() as uow:
                await uow.outbox.add(symbol, order_id, [updated(5, order_id), moved(5, 6)])
                await uow.commit()

    await asyncio.gather(commit("BTCUSDT", range(1, 21)), commit("ETHUSDT", range(21, 41)))

    async with unit_of_work() as uow:
        logged = await uow.outbox.pending(EVENT_LOG, {"BTCUSDT", "ETHUSDT"}, 100)
    # Account 5 is told of two events in each message: its order's, then the entry's.
    numbers = sorted(m.account_sequences[5] + n for m in logged for n in range(2))
    assert numbers == list(range(1, 81))
    assert sorted(m.account_sequences[6] for m in logged) == list(range(1, 41))
    per_market: dict[str, list[int]] = {}
    for m in logged:
        per_market.setdefault(m.symbol, []).append(m.account_sequences[5])
    assert all(firsts == sorted(firsts) for firsts in per_market.values())
