"""Market leases: one owner at a time, renewable by it, taken over only once expired, with an
epoch that grows on every change of owner and fences the commits of an owner that lost it."""

import pytest

from application.errors import LeaseLost
from application.ports import UnitOfWork, UnitOfWorkFactory
from application.records import Lease, OutboxChannel

TTL = 1000


async def acquire(unit_of_work: UnitOfWorkFactory, owner: str, now: int) -> Lease | None:
    async with unit_of_work() as uow:
        lease = await uow.leases.acquire("BTCUSDT", owner, now, TTL)
        await uow.commit()
    return lease


async def fence(unit_of_work: UnitOfWorkFactory, lease: Lease, sequence: int) -> None:
    async with unit_of_work() as uow:
        await uow.leases.fence(lease, sequence)
        await uow.commit()


async def fenced_commit(uow: UnitOfWork, lease: Lease) -> None:
    # Refused at the fence or at the commit, as the adapter finds out.
    await uow.leases.fence(lease, 7)
    await uow.commit()


async def test_one_owner_until_the_lease_expires(unit_of_work: UnitOfWorkFactory) -> None:
    first = await acquire(unit_of_work, "a", now=0)
    assert first == Lease("BTCUSDT", "a", 1, TTL, 0, held_since=0)
    assert await acquire(unit_of_work, "b", now=TTL - 1) is None
    renewed = await acquire(unit_of_work, "a", now=500)
    assert renewed == Lease("BTCUSDT", "a", 1, 500 + TTL, 0, held_since=0)
    assert await acquire(unit_of_work, "b", now=500 + TTL - 1) is None
    taken = await acquire(unit_of_work, "b", now=500 + TTL)
    assert taken == Lease("BTCUSDT", "b", 2, 500 + 2 * TTL, 0, held_since=500 + TTL)
    async with unit_of_work() as uow:
        assert await uow.leases.held() == [taken]


async def test_every_market_s_lease_is_listed_with_its_owner_since(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    async with unit_of_work() as uow:
        assert await uow.leases.held() == []
        await uow.leases.acquire("ETHUSDT", "b", 7, TTL)
        await uow.leases.acquire("BTCUSDT", "a", 5, TTL)
        await uow.commit()
    async with unit_of_work() as uow:
        await uow.leases.acquire("BTCUSDT", "a", 900, TTL)
        await uow.commit()
    async with unit_of_work() as uow:
        assert await uow.leases.held() == [
            Lease("BTCUSDT", "a", 1, 900 + TTL, 0, held_since=5),
            Lease("ETHUSDT", "b", 1, 7 + TTL, 0, held_since=7),
        ]


async def test_the_fence_records_the_sequence_for_the_next_owner(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    lease = await acquire(unit_of_work, "a", now=0)
    assert lease is not None
    await fence(unit_of_work, lease, 42)
    successor = await acquire(unit_of_work, "b", now=TTL)
    assert successor is not None
    assert (successor.epoch, successor.sequence) == (2, 42)


async def test_an_owner_that_lost_its_lease_cannot_commit(unit_of_work: UnitOfWorkFactory) -> None:
    lease = await acquire(unit_of_work, "a", now=0)
    assert lease is not None
    assert await acquire(unit_of_work, "b", now=TTL) is not None
    async with unit_of_work() as uow:
        await uow.outbox.add("BTCUSDT", 7, [])
        with pytest.raises(LeaseLost):
            await fenced_commit(uow, lease)
    async with unit_of_work() as uow:
        assert await uow.outbox.pending(OutboxChannel.STREAMS, {"BTCUSDT"}, 10) == []
    # Coming back with the same name does not revive the old epoch either.
    assert await acquire(unit_of_work, "a", now=TTL + 1) is None


async def test_the_sequence_committed_is_read_back(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        assert await uow.leases.sequence("BTCUSDT") == 0
    lease = await acquire(unit_of_work, "a", 0)
    assert lease is not None
    await fence(unit_of_work, lease, 42)
    async with unit_of_work() as uow:
        assert await uow.leases.sequence("BTCUSDT") == 42
