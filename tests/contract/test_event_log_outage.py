"""An outage of the event log (Kinesis, on moto behind a proxy the test cuts) while two markets
trade: the streams take every committed message as it commits all along, the messages wait in
the outbox for the log, and once Kinesis is back it gets every event, a market's and an
account's in their order, repeats being only those that dropping by event id (trade stream) and
by account sequence (order stream) removes."""

import asyncio
import json
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import pytest

from adapters.aws.clients import AwsClients
from adapters.aws.kinesis import KinesisEventLog
from adapters.memory.demo_listing import demo_markets
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher, Published
from adapters.system import SystemClock
from application.account_events import AccountEvents
from application.engine import EngineSettings, MarketEngine
from application.event_log import EventLogWriter
from application.ledger_sync import LedgerSync
from application.ports import UnitOfWorkFactory
from application.records import OutboxChannel
from application.relay import Relay
from domain.commands import PlaceOrder
from domain.events import Trade
from domain.exchange import Exchange
from domain.ledger import EntryKind, transfer_entry
from domain.orders import OrderType, Side
from tests.contract.aws import boto3_client
from tests.moto_server import REGION, unique
from tests.tcp_proxy import TcpProxy

UNIT = 10**8
SELLER, BUYER = 1, 2
PRICES = {"BTCUSDT": 60_000, "ETHUSDT": 3_000}
SYMBOLS = ("", *PRICES)


class Exchanging:
    """A process running both markets, relaying to its streams and to Kinesis via `proxy`."""

    def __init__(
        self, store: UnitOfWorkFactory, clients: AwsClients, streams: tuple[str, str]
    ) -> None:
        self.store = store
        self.exchange = Exchange(demo_markets())
        self.publisher = MemoryEventPublisher()
        self.published = self.publisher.subscribe(bounded=False)
        self.streamed: list[Published] = []
        log = EventLogWriter(KinesisEventLog(clients), self.exchange, *streams)
        self.relay = Relay(store, self.publisher, MemoryOutboxSignal(), log, set(SYMBOLS))
        sync = LedgerSync(self.exchange.ledger)
        settings = EngineSettings("outage", lease_ttl_ms=60_000)
        self.engines = [
            MarketEngine(self.exchange, symbol, store, sync, self.relay, SystemClock(), settings)
            for symbol in PRICES
        ]
        self.trades: list[Trade] = []

    async def trade(self, rounds: int) -> None:
        """Each round, on both markets at once: a sell resting, then a buy taking half of it."""

        async def market(engine: MarketEngine) -> None:
            price = PRICES[engine.symbol] * UNIT
            for _ in range(rounds):
                for account, side, quantity in ((SELLER, Side.SELL, UNIT // 100),
                                                (BUYER, Side.BUY, UNIT // 200)):  # fmt: skip
                    order = PlaceOrder(
                        account, engine.symbol, side, OrderType.LIMIT, quantity, price
                    )
                    applied = await engine.submit(order)
                    self.trades += [e for e in applied.events if isinstance(e, Trade)]

        await asyncio.gather(*(market(engine) for engine in self.engines))

    async def waiting_for_log(self) -> int:
        async with self.store() as uow:
            return sum([len(await uow.outbox.waiting(OutboxChannel.EVENT_LOG, s)) for s in SYMBOLS])

    async def nothing_waits(self) -> bool:
        return await self.waiting_for_log() == 0

    async def streamed_all(self, committed: int) -> bool:
        while not self.published.empty():
            message = self.published.get_nowait()
            assert message is not None
            self.streamed.append(message)
        return len(self.streamed) == committed


async def eventually(check: Callable[[], Awaitable[bool]], timeout_s: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "not in time"
        await asyncio.sleep(0.05)


async def stream_bodies(clients: AwsClients, stream: str) -> list[dict[str, Any]]:
    """Every event of the stream as appended, repeats included, shard after shard."""
    log, found = KinesisEventLog(clients), []
    for shard in await log.shards(stream):
        after = None
        while records := await log.read(stream, shard, after, 1000):
            for record in records:
                found += json.loads(record.data)
            after = records[-1].sequence_number
    return found


@pytest.fixture
async def kinesis(moto_url: str) -> AsyncIterator[tuple[AwsClients, TcpProxy, tuple[str, str]]]:
    """Clients straight to moto, a proxy to cut, and a trade and an order stream."""
    streams = (unique("bourse-trades"), unique("bourse-orders"))
    kinesis = boto3_client(moto_url, "kinesis")
    for stream in streams:
        kinesis.create_stream(StreamName=stream, ShardCount=2)
        kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 0.1})
    proxy = TcpProxy(int(moto_url.rsplit(":", 1)[1]))
    await proxy.restore()
    async with AwsClients(REGION, moto_url) as clients:
        yield clients, proxy, streams
    await proxy.cut()


async def test_the_streams_go_on_while_kinesis_is_out_and_kinesis_catches_up_after(
    logged_unit_of_work: UnitOfWorkFactory,
    kinesis: tuple[AwsClients, TcpProxy, tuple[str, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="application.relay")
    store = logged_unit_of_work
    direct, proxy, (trade_stream, order_stream) = kinesis
    async with store() as uow:
        for account, asset in ((SELLER, "BTC"), (SELLER, "ETH"), (BUYER, "USDT")):
            entry = transfer_entry(EntryKind.DEPOSIT, account, asset, 10**7 * UNIT, asset)
            await uow.journal.add(entry, 0)
        await uow.commit()
    async with AwsClients(REGION, proxy.url) as through_proxy, AsyncExitStack() as stack:
        process = Exchanging(store, through_proxy, (trade_stream, order_stream))
        for engine in process.engines:
            await engine.start()
            stack.push_async_callback(engine.stop)
        process.relay.start()
        stack.push_async_callback(process.relay.stop)

        await process.trade(5)
        await eventually(process.nothing_waits)
        before = len(await stream_bodies(direct, trade_stream))

        await proxy.cut()
        await process.trade(15)
        committed = 2 * 2 * 20  # two markets, 20 rounds of two orders
        await eventually(lambda: process.streamed_all(committed))
        assert await process.waiting_for_log() > 0
        assert len(await stream_bodies(direct, trade_stream)) == before
        await eventually(lambda: told(caplog, "the event log waits for the outbox's messages"))

        await proxy.restore()
        await eventually(process.nothing_waits)

    # The outage is told once as a wait, and its end, never as a failure.
    assert caplog.text.count("the event log waits for the outbox's messages") == 1
    assert "the event log has every message of the outbox again" in caplog.text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    trades = await stream_bodies(direct, trade_stream)
    kept = _once_by_event_id(trades)
    logged = Counter((b["symbol"], b["tradeId"]) for b in kept if b["type"] == "trade")
    assert logged == Counter((t.symbol, t.trade_id) for t in process.trades)
    assert all(n == 1 for n in logged.values()) and len(logged) == 2 * 20
    for symbol in PRICES:
        sequences = [b["sequence"] for b in kept if b["symbol"] == symbol]
        assert sequences == sorted(sequences)
        streamed = [m.sequence for m in process.streamed if m.symbol == symbol]
        assert streamed == list(range(1, 41))  # once each, in order, outage or not
    orders = await stream_bodies(direct, order_stream)
    consumer = AccountEvents()
    taken = consumer.take(orders)
    assert consumer.waiting == {}
    assert len(taken) == len(_once_by_event_id(orders))
    for account in (SELLER, BUYER):
        numbers = [b["accountSequence"] for b in taken if b["account"] == account]
        assert numbers == list(range(1, len(numbers) + 1))
        accepted = [b for b in taken if b["account"] == account and b["type"] == "orderAccepted"]
        assert len(accepted) == 2 * 20


async def told(caplog: pytest.LogCaptureFixture, message: str) -> bool:
    return message in caplog.text


def _once_by_event_id(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events once each, in the order first appended; a repeat is the same event."""
    first: dict[str, dict[str, Any]] = {}
    for body in bodies:
        assert first.setdefault(body["eventId"], body) == body
    return list(first.values())
