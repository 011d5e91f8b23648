"""What the engine's tests share: orders on BTCUSDT, and a memory store whose commits can be
held at a gate, as a stalled process's are, and made to fail."""

import asyncio
from types import TracebackType
from typing import Self

from adapters.memory.unit_of_work import MemoryUnitOfWork, MemoryUnitOfWorkFactory
from application.ports import UnitOfWorkFactory
from domain.commands import PlaceOrder
from domain.orders import OrderStatus, OrderType, Side

BTC, USDT = 10**8, 10**8


def sell(quantity: int) -> PlaceOrder:
    return PlaceOrder(1, "BTCUSDT", Side.SELL, OrderType.LIMIT, quantity, 60_000 * USDT)


def buy(quantity: int) -> PlaceOrder:
    return PlaceOrder(2, "BTCUSDT", Side.BUY, OrderType.LIMIT, quantity, 60_000 * USDT)


async def check_quarter_filled(store: UnitOfWorkFactory) -> None:
    """The store holds `sell(BTC)` as order 1, a quarter filled by `buy(BTC // 4)`, order 2."""
    async with store() as uow:
        maker = await uow.orders.get("BTCUSDT", 1)
        taker = await uow.orders.get("BTCUSDT", 2)
    assert maker is not None
    assert taker is not None
    assert (maker.status, maker.executed) == (OrderStatus.PARTIALLY_FILLED, BTC // 4)
    assert taker.status is OrderStatus.FILLED


class GatedCommits:
    """A store whose commits wait while the gate is shut, and the next of which may fail."""

    def __init__(self, store: MemoryUnitOfWorkFactory) -> None:
        self.store = store
        self.open = asyncio.Event()
        self.open.set()
        self.waiting = 0  # commits held at the gate
        self.failure: Exception | None = None  # raised by the next commit through the gate

    def __call__(self) -> "GatedUnitOfWork":
        return GatedUnitOfWork(self.store(), self)

    async def held(self, count: int) -> None:
        while self.waiting < count:
            await asyncio.sleep(0.001)


class GatedUnitOfWork:
    def __init__(self, uow: MemoryUnitOfWork, gate: GatedCommits) -> None:
        self.uow = uow
        self.gate = gate

    def __getattr__(self, name: str) -> object:
        return getattr(self.uow, name)

    async def __aenter__(self) -> Self:
        await self.uow.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.uow.__aexit__(exc_type, exc, traceback)

    async def commit(self) -> None:
        self.gate.waiting += 1
        await self.gate.open.wait()
        self.gate.waiting -= 1
        failure, self.gate.failure = self.gate.failure, None
        if failure is not None:
            raise failure
        await self.uow.commit()
