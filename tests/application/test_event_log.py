"""The relay's event log (`aws` mode's Kinesis, here the memory log): every committed event is
appended in a JSON record, trades and book changes under their market, orders and balance
changes under their account, each with its event id and its market's sequence, a batch's
events of one key in one record; a batch the log refuses midway is appended again whole, and
dropping repeats by event id leaves every event exactly once, while the streams of the process
get each message once."""

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from adapters.memory.demo_listing import demo_markets
from adapters.memory.event_log import MemoryEventLog
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from application.account_events import AccountEvents
from application.errors import Unavailable
from application.event_log import EventLogWriter
from application.records import LogRecord
from application.relay import Relay
from domain.commands import Deposit, PlaceOrder, SetMarketStatus
from domain.events import Event
from domain.exchange import Exchange
from domain.market_status import MarketStatus
from domain.orders import OrderType, Side
from tests.clock import SteppedClock

TRADES, ORDERS = "trades", "orders"
BTC, USDT = 10**8, 10**8


class RefusingMidway(MemoryEventLog):
    """A memory log that, the first time, takes half of a batch and then refuses the rest, as
    Kinesis does to records over a shard's write limit."""

    refused: bool = False

    async def append(self, records: Sequence[LogRecord]) -> None:
        if not self.refused:
            self.refused = True
            await super().append(records[: len(records) // 2])
            raise Unavailable("the event log refused some records")
        await super().append(records)


def committed(exchange: Exchange) -> list[tuple[str, int, list[Event]]]:
    """A deposit each to a seller and a buyer, then a sell order and a buy order that trades,
    and a halt of the market."""
    return [
        ("", 0, exchange.deposit(Deposit(1, "BTC", 2 * BTC, "wire 1"))),
        ("", 0, exchange.deposit(Deposit(2, "USDT", 10**5 * USDT, "wire 2"))),
        ("BTCUSDT", 1, exchange.place(sell(BTC))),
        ("BTCUSDT", 2, exchange.place(buy(BTC // 4))),
        ("BTCUSDT", 3, exchange.execute(SetMarketStatus("BTCUSDT", MarketStatus.HALT, "x", 5))),
    ]


def sell(quantity: int) -> PlaceOrder:
    return PlaceOrder(1, "BTCUSDT", Side.SELL, OrderType.LIMIT, quantity, 60_000 * USDT)


def buy(quantity: int) -> PlaceOrder:
    return PlaceOrder(2, "BTCUSDT", Side.BUY, OrderType.LIMIT, quantity, 60_000 * USDT)


async def relayed_with(log: MemoryEventLog, publisher: MemoryEventPublisher) -> int:
    """Commits the messages, relays them to `publisher`, then into `log`; the log's passes."""
    exchange = Exchange(demo_markets())
    store = MemoryUnitOfWorkFactory(event_log=True)
    async with store() as uow:
        for symbol, sequence, events in committed(exchange):
            await uow.outbox.add(symbol, sequence, events)
        await uow.commit()
    writer = EventLogWriter(log, exchange, TRADES, ORDERS)
    relay = Relay(store, publisher, MemoryOutboxSignal(), writer, {"", "BTCUSDT"})
    while await relay.relay_once():
        pass
    passes = 0
    while True:
        passes += 1
        try:
            if not await relay.log_once():
                return passes
        except Unavailable:
            continue


async def bodies(log: MemoryEventLog, stream: str) -> list[dict[str, Any]]:
    found = []
    for shard in await log.shards(stream):
        for record in await log.read(stream, shard, None, 1000):
            found += json.loads(record.data)
    return found


async def test_every_committed_event_is_a_record_of_its_market_or_account() -> None:
    log = MemoryEventLog.of(SteppedClock(1_000), [TRADES, ORDERS])
    await relayed_with(log, MemoryEventPublisher())

    trades = [b for b in await bodies(log, TRADES) if b["type"] == "trade"]
    assert trades == [
        {
            "type": "trade",
            "eventId": trades[0]["eventId"],
            "symbol": "BTCUSDT",
            "sequence": 2,
            "tradeId": 1,
            "price": "60000.00000000",
            "qty": "0.25000000",
            "quoteQty": "15000.00000000",
            "time": 0,
            "isBuyerMaker": False,
            "takerOrderId": 2,
        }
    ]
    books = [b for b in await bodies(log, TRADES) if b["type"] == "bookChanged"]
    assert [(b["sequence"], b["asks"]) for b in books] == [
        (1, [["60000.00000000", "1.00000000"]]),
        (2, [["60000.00000000", "0.75000000"]]),
    ]
    halts = [b for b in await bodies(log, TRADES) if b["type"] == "marketStatusChanged"]
    assert halts == [
        {
            "type": "marketStatusChanged",
            "eventId": halts[0]["eventId"],
            "symbol": "BTCUSDT",
            "sequence": 3,
            "status": "HALT",
            "reason": "x",
            "time": 5,
        }
    ]
    orders = await bodies(log, ORDERS)
    accepted = [
        (b["account"], b["orderId"], b["side"]) for b in orders if b["type"] == "orderAccepted"
    ]
    assert accepted == [(1, 1, "SELL"), (2, 2, "BUY")]
    deposits = [b for b in orders if b["type"] == "balanceChanged" and b["kind"] == "DEPOSIT"]
    assert sorted((b["account"], b["symbol"], b["sequence"], b["postings"]) for b in deposits) == [
        (1, "", 0, [{"asset": "BTC", "bucket": "available", "amount": "2.00000000"}]),
        (2, "", 0, [{"asset": "USDT", "bucket": "available", "amount": "100000.00000000"}]),
    ]
    for stream in (TRADES, ORDERS):
        for shard in await log.shards(stream):
            for record in await log.read(stream, shard, None, 1000):
                for body in json.loads(record.data):
                    key = body["symbol"] if stream == TRADES else str(body["account"])
                    assert record.partition_key == key
    every = await bodies(log, TRADES) + await bodies(log, ORDERS)
    assert len({b["eventId"] for b in every}) == len(every)
    # One record per key: the market's, and each account's (the fee account's too).
    keys = [
        r.partition_key
        for s in await log.shards(ORDERS)
        for r in await log.read(ORDERS, s, None, 99)
    ]
    assert sorted(keys) == ["0", "1", "2"]


async def test_a_batch_refused_midway_is_appended_again_and_each_event_kept_once() -> None:
    clean = MemoryEventLog.of(SteppedClock(1_000), [TRADES, ORDERS])
    await relayed_with(clean, MemoryEventPublisher())
    log = RefusingMidway.of(SteppedClock(1_000), [TRADES, ORDERS])
    publisher = MemoryEventPublisher()
    published = publisher.subscribe(bounded=False)

    passes = await relayed_with(log, publisher)

    every = await bodies(log, TRADES) + await bodies(log, ORDERS)
    expected = await bodies(clean, TRADES) + await bodies(clean, ORDERS)
    repeated = Counter(b["eventId"] for b in every)
    assert passes == 3  # refused, then appended whole, then nothing left
    assert any(n == 2 for n in repeated.values())
    deduplicated = {b["eventId"]: b for b in every}
    assert sorted(deduplicated) == sorted(b["eventId"] for b in expected)
    messages = [published.get_nowait() for _ in range(published.qsize())]
    assert [(m.symbol, m.sequence) for m in messages if m is not None] == [
        ("", 0), ("", 0), ("BTCUSDT", 1), ("BTCUSDT", 2), ("BTCUSDT", 3)
    ]  # fmt: skip


async def test_each_accounts_events_are_numbered_and_a_consumer_takes_them_once_in_order() -> None:
    clean = MemoryEventLog.of(SteppedClock(1_000), [TRADES, ORDERS])
    await relayed_with(clean, MemoryEventPublisher())
    log = RefusingMidway.of(SteppedClock(1_000), [TRADES, ORDERS])
    await relayed_with(log, MemoryEventPublisher())

    expected = await bodies(clean, ORDERS)
    for account in (0, 1, 2):
        told = [b["accountSequence"] for b in expected if b["account"] == account]
        assert told == list(range(1, len(told) + 1)), f"account {account}: {told}"
    consumer = AccountEvents()
    taken = consumer.take(await bodies(log, ORDERS))
    assert consumer.waiting == {}
    for account in (0, 1, 2):
        assert [b for b in taken if b["account"] == account] == [
            b for b in expected if b["account"] == account
        ]
    assert len(taken) == len(expected)
