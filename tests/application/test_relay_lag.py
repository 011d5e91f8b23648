"""How far behind the outbox relay is, as the readiness check reads it: nothing while it keeps
up, growing while what it found cannot be published, and back to nothing once it is."""

import asyncio
from collections.abc import Sequence

from adapters.memory.demo_listing import demo_markets
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from application.relay import Relay
from domain.commands import Deposit
from domain.events import Event
from domain.exchange import Exchange

HELD_S = 0.3


class HeldPublisher(MemoryEventPublisher):
    """Publishes only once `released` is set, as a stalled fan-out would."""

    def __init__(self) -> None:
        super().__init__()
        self.released = asyncio.Event()

    async def publish(self, symbol: str, sequence: int, events: Sequence[Event]) -> None:
        await self.released.wait()
        await super().publish(symbol, sequence, events)


async def commit_a_deposit(store: MemoryUnitOfWorkFactory, exchange: Exchange) -> None:
    async with store() as uow:
        await uow.outbox.add("", 0, exchange.deposit(Deposit(1, "USDT", 10**8, "wire")))
        await uow.commit()


async def test_a_relay_that_cannot_publish_falls_behind_and_catches_up() -> None:
    store, exchange = MemoryUnitOfWorkFactory(), Exchange(demo_markets())
    publisher = HeldPublisher()
    relay = Relay(store, publisher, MemoryOutboxSignal())
    assert relay.behind_s == 0.0  # not relaying
    relay.start()
    try:
        await asyncio.sleep(0.05)
        assert relay.behind_s < 0.1  # found the outbox empty
        await commit_a_deposit(store, exchange)
        relay.notify()
        await asyncio.sleep(HELD_S)
        assert relay.behind_s >= HELD_S
        publisher.released.set()
        await asyncio.sleep(0.05)
        assert relay.behind_s < 0.1
    finally:
        await relay.stop()
    assert relay.behind_s == 0.0
