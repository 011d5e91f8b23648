"""The frozen accounts a process knows: read from the store, again once a few seconds old or
at once when told; a store out of reach leaves the freezes last read in force."""

from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from application.errors import Unavailable
from application.frozen_accounts import FROZEN_CACHE_MS, RETRY_MS, FrozenAccounts
from application.ports import UnitOfWork
from application.records import Freeze
from tests.clock import SteppedClock


class Outage(MemoryUnitOfWorkFactory):
    """The memory store, out of reach while `down`."""

    down = False

    def __call__(self) -> UnitOfWork:  # type: ignore[override]
        if self.down:
            raise Unavailable("The database is unavailable; try again later.")
        return super().__call__()


async def freeze(store: MemoryUnitOfWorkFactory, account_id: int) -> None:
    async with store() as uow:
        await uow.freezes.freeze(Freeze(account_id, 1, "why"))
        await uow.commit()


async def test_freezes_are_read_again_when_old_or_when_told() -> None:
    store, clock = Outage(), SteppedClock(1_000)
    frozen = FrozenAccounts(store, clock)
    assert not await frozen.is_frozen(7)
    await freeze(store, 7)
    assert not await frozen.is_frozen(7)  # as read a moment ago
    clock.time += FROZEN_CACHE_MS
    assert await frozen.is_frozen(7)
    await freeze(store, 8)
    frozen.forget()
    assert await frozen.is_frozen(8)

    store.down = True
    clock.time += FROZEN_CACHE_MS
    assert await frozen.is_frozen(7)  # the last read still holds
    store.down = False
    async with store() as uow:
        await uow.freezes.unfreeze(7)
        await uow.commit()
    assert await frozen.is_frozen(7)  # not asked again at once
    clock.time += RETRY_MS
    assert not await frozen.is_frozen(7)
