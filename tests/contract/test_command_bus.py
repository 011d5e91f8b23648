"""The command bus over Redis Streams, with an engine on the memory store: a command is applied
once however often it is delivered, a late one not at all, and a sender whose command gets no
answer in time is told so."""

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis as sync_redis
import redis.asyncio as redis

from adapters.memory.demo_listing import demo_markets
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.redis.client import TIMEOUT_S, connect
from adapters.redis.command_bus import ANSWERS, COMMANDS, RedisCommandBus
from adapters.redis.command_consumer import RedisCommandConsumer
from adapters.redis.gathered import GatheredRedis
from adapters.system import SystemClock
from application.bus import Applied, decode_answer, encode_delivery
from application.engine import EngineSettings, MarketEngine
from application.errors import BackendTimeout
from application.ledger_sync import LedgerSync
from application.relay import Relay
from domain.commands import PlaceOrder
from domain.errors import InsufficientBalance
from domain.exchange import Exchange
from domain.ledger import EntryKind, transfer_entry
from domain.orders import OrderType, Side

BTC, USDT = 10**8, 10**8
CLOCK = SystemClock()


def order(quantity: int = BTC // 100) -> PlaceOrder:
    return PlaceOrder(1, "BTCUSDT", Side.BUY, OrderType.LIMIT, quantity, 50_000 * USDT)


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[redis.Redis]:
    client = connect(redis_url)  # as the roles connect: with their timeouts and retry
    yield client
    await client.aclose()


@pytest.fixture
async def store() -> MemoryUnitOfWorkFactory:
    store = MemoryUnitOfWorkFactory()
    async with store() as uow:
        await uow.journal.add(transfer_entry(EntryKind.DEPOSIT, 1, "USDT", 10_000 * USDT, "t"), 0)
        await uow.commit()
    return store


@pytest.fixture
async def consumer(
    store: MemoryUnitOfWorkFactory, client: redis.Redis
) -> AsyncIterator[RedisCommandConsumer]:
    """An engine of BTCUSDT taking its commands from the bus."""
    exchange = Exchange(demo_markets())
    relay = Relay(store, MemoryEventPublisher(), MemoryOutboxSignal())
    engine = MarketEngine(
        exchange, "BTCUSDT", store, LedgerSync(exchange.ledger), relay, CLOCK,
        EngineSettings("engine", 5000),
    )  # fmt: skip
    await engine.start()
    consumer = RedisCommandConsumer(GatheredRedis(client), engine, "engine")
    consumer.start()
    yield consumer
    await consumer.stop()
    await engine.stop()


@pytest.fixture
def engine(consumer: RedisCommandConsumer) -> MarketEngine:
    return consumer.engine


async def deliver(client: redis.Redis, command_id: str, command: PlaceOrder, deadline: int) -> None:
    delivery = encode_delivery(command_id, deadline, "tester", command)
    await client.xadd(COMMANDS + "BTCUSDT", {"d": delivery})


async def answers(client: redis.Redis, count: int) -> list[tuple[str, object]]:
    """The answers sent back so far, (command id, answer) each, once there are `count`."""
    found: list[tuple[str, object]] = []
    for _ in range(100):
        entries: Any = await client.xrange(ANSWERS + "tester")
        found = [decode_answer(fields[b"a"]) for _, fields in entries]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"{len(found)} answers of {count}")


async def test_an_order_sent_over_the_bus_is_answered_after_its_commit(
    engine: MarketEngine, client: redis.Redis, store: MemoryUnitOfWorkFactory
) -> None:
    bus = RedisCommandBus(GatheredRedis(client), CLOCK, {}, 5000, {})
    try:
        applied = await bus.submit(order())
        refused = await asyncio.gather(bus.submit(order(BTC)), return_exceptions=True)
    finally:
        await bus.stop()
    assert isinstance(refused[0], InsufficientBalance)
    assert applied.sequence == 1
    (placed,) = applied.orders.values()
    async with store() as uow:
        assert await uow.orders.get("BTCUSDT", placed.order_id) == placed


async def test_a_command_delivered_twice_is_applied_once(
    engine: MarketEngine, client: redis.Redis, store: MemoryUnitOfWorkFactory
) -> None:
    deadline = CLOCK.now() + 5000
    await deliver(client, "same", order(), deadline)
    await deliver(client, "other", order(BTC // 50), deadline)
    await deliver(client, "same", order(), deadline)  # a sender's duplicate, or a redelivery
    found = await answers(client, 3)
    first, again = (answer for command_id, answer in found if command_id == "same")
    assert first == again
    assert engine.sequence == 2
    async with store() as uow:
        held = (await uow.journal.balances(1))["USDT"].locked
    assert held == 3 * 500 * USDT  # 0.01 and 0.02 BTC at 50,000
    # Delivered again much later (a new lease holder claiming it): answered from the record.
    await deliver(client, "same", order(), CLOCK.now() + 5000)
    *_, (_, late) = await answers(client, 4)
    assert late == first
    assert engine.sequence == 2


async def test_a_command_past_its_deadline_is_refused_and_changes_nothing(
    engine: MarketEngine, client: redis.Redis, store: MemoryUnitOfWorkFactory
) -> None:
    await deliver(client, "late", order(), CLOCK.now() - 1)
    ((_, refusal),) = await answers(client, 1)
    assert isinstance(refusal, BackendTimeout)
    assert engine.sequence == 0
    async with store() as uow:
        assert await uow.commands.answers(["late"]) == {}


async def test_without_an_engine_the_sender_times_out_with_binance_s_words(
    client: redis.Redis,
) -> None:
    bus = RedisCommandBus(GatheredRedis(client), CLOCK, {}, 300, {})
    with pytest.raises(BackendTimeout, match="execution status unknown"):
        await bus.submit(order())
    await bus.stop()


async def test_a_command_whose_delivery_was_cut_short_is_still_answered(
    engine: MarketEngine, client: redis.Redis, redis_url: str
) -> None:
    """The engine's event loop stalls past the Redis client's socket timeout (a long pause of
    the process, a starved CPU) while its read of the stream waits: Redis delivers the command,
    the client drops the read as timed out and retries it, and the command stays pending to
    this engine, which must take it all the same."""
    await asyncio.sleep(0.3)  # the consumer waits in its blocking read
    delivery = encode_delivery("stalled", CLOCK.now() + 5000, "tester", order())
    sender = sync_redis.Redis.from_url(redis_url)
    try:
        threading.Thread(target=sender.xadd, args=(COMMANDS + "BTCUSDT", {"d": delivery})).start()
        time.sleep(2 * TIMEOUT_S)
    finally:
        sender.close()
    ((command_id, applied),) = await answers(client, 1)
    assert command_id == "stalled" and isinstance(applied, Applied)


async def test_a_consumer_stops_at_whatever_step_it_is_stopped(
    engine: MarketEngine, client: redis.Redis
) -> None:
    """Python 3.11's asyncio.wait_for, in which the Redis client wraps its writes, drops a
    cancellation that comes as the write completes (CPython gh-86296, fixed in 3.12): a stop
    that relied on cancelling the consumer alone then waited for ever, and the process's
    shutdown with it. Stopped after each of its first steps, the consumer stops every time."""
    for steps in range(20):
        consumer = RedisCommandConsumer(GatheredRedis(client), engine, "stopping")
        consumer.start()
        for _ in range(steps):
            await asyncio.sleep(0)
        async with asyncio.timeout(2):
            await consumer.stop()


async def test_the_consumer_reports_how_late_it_reads_its_commands(
    consumer: RedisCommandConsumer, client: redis.Redis
) -> None:
    await asyncio.sleep(0.3)  # one empty read at least
    assert consumer.lag_s == 0.0
    # An entry whose id says Redis took it an hour ago: read that late.
    delivery = encode_delivery("late", CLOCK.now() + 5000, "tester", order())
    await client.xadd(COMMANDS + "BTCUSDT", {"d": delivery}, id=f"{CLOCK.now() - 3_600_000}-0")
    await answers(client, 1)
    assert consumer.lag_s >= 3_600
    await asyncio.sleep(0.5)  # the next read finds nothing waiting
    assert consumer.lag_s == 0.0
