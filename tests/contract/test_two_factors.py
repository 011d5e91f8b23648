"""Authenticators: kept only on commit, each change in place of the version it was read as,
so that of two requests that read the same version only the first to commit keeps its change;
the secret is read back as it was saved (encrypted at rest in PostgreSQL)."""

import pytest
from msgspec import structs
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.schema import two_factors
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.security.secret_box import SecretBox
from application.errors import ConcurrentChange
from application.ports import UnitOfWorkFactory
from application.records import TwoFactor

SECRET = "JBSWY3DPEHPK3PXP"


async def _user(unit_of_work: UnitOfWorkFactory) -> int:
    async with unit_of_work() as uow:
        user = await uow.users.add("ada@example.com", "hash", 1_000)
        await uow.commit()
    return user.user_id


async def _save(unit_of_work: UnitOfWorkFactory, record: TwoFactor) -> None:
    async with unit_of_work() as uow:
        await uow.two_factors.save(record)
        await uow.commit()


async def test_a_saved_authenticator_is_read_back(unit_of_work: UnitOfWorkFactory) -> None:
    user_id = await _user(unit_of_work)
    pending = TwoFactor(user_id, SECRET, False, 0, (), 1)
    async with unit_of_work() as uow:
        await uow.two_factors.save(pending)
        async with unit_of_work() as other:
            assert await other.two_factors.get(user_id) is None
        await uow.commit()

    enabled = structs.replace(pending, enabled=True, last_step=7, recovery_codes=("a", "b"))
    await _save(unit_of_work, structs.replace(enabled, version=2))
    async with unit_of_work() as uow:
        assert await uow.two_factors.get(user_id) == structs.replace(enabled, version=2)
        assert await uow.two_factors.get(user_id + 1) is None


async def test_nothing_is_kept_without_a_commit(unit_of_work: UnitOfWorkFactory) -> None:
    user_id = await _user(unit_of_work)
    async with unit_of_work() as uow:
        await uow.two_factors.save(TwoFactor(user_id, SECRET, False, 0, (), 1))

    async with unit_of_work() as uow:
        assert await uow.two_factors.get(user_id) is None


async def test_of_two_changes_of_one_version_the_second_commit_is_refused(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    user_id = await _user(unit_of_work)
    first = TwoFactor(user_id, SECRET, True, 10, ("a", "b"), 1)
    await _save(unit_of_work, first)

    async with unit_of_work() as one, unit_of_work() as two:
        await one.two_factors.save(structs.replace(first, last_step=11, version=2))
        await two.two_factors.save(structs.replace(first, recovery_codes=("b",), version=2))
        await one.commit()
        with pytest.raises(ConcurrentChange):
            await two.commit()

    async with unit_of_work() as uow:
        assert await uow.two_factors.get(user_id) == structs.replace(first, last_step=11, version=2)


async def test_a_first_version_is_refused_over_a_stored_one(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    user_id = await _user(unit_of_work)
    await _save(unit_of_work, TwoFactor(user_id, SECRET, False, 0, (), 1))
    with pytest.raises(ConcurrentChange):
        await _save(unit_of_work, TwoFactor(user_id, "OTHERSECRETBASE3", False, 0, (), 1))
    with pytest.raises(ConcurrentChange):
        await _save(unit_of_work, TwoFactor(user_id, "OTHERSECRETBASE3", False, 0, (), 3))

    async with unit_of_work() as uow:
        found = await uow.two_factors.get(user_id)
    assert found is not None
    assert found.secret == SECRET


async def test_postgres_stores_the_secret_encrypted(postgres_engine: AsyncEngine) -> None:
    unit_of_work = PostgresUnitOfWorkFactory(postgres_engine, SecretBox(SecretBox.new_key()))
    user_id = await _user(unit_of_work)
    await _save(unit_of_work, TwoFactor(user_id, SECRET, False, 0, (), 1))
    async with postgres_engine.connect() as connection:
        stored = (await connection.execute(select(two_factors.c.secret_ciphertext))).scalar_one()
    assert SECRET.encode() not in stored
