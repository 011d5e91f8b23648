"""Users: ids in order, one account per email, nothing kept without a commit; and a database
that cannot be reached answers `Unavailable`."""

import pytest

from adapters.postgres.database import create_engine
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.security.secret_box import SecretBox
from application.errors import EmailTaken, Unavailable
from application.ports import UnitOfWorkFactory
from application.records import User


async def _sign_up(unit_of_work: UnitOfWorkFactory, email: str) -> None:
    async with unit_of_work() as uow:
        await uow.users.add(email, "other", 2_000)
        await uow.commit()


async def test_a_committed_user_is_found_by_id_and_email(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        ada = await uow.users.add("ada@example.com", "hash-a", 1_000)
        bob = await uow.users.add("bob@example.com", "hash-b", 2_000)
        await uow.commit()

    assert bob.user_id > ada.user_id
    async with unit_of_work() as uow:
        assert await uow.users.get(ada.user_id) == ada
        assert await uow.users.by_email("bob@example.com") == bob
        assert await uow.users.get(bob.user_id + 1) is None
        assert await uow.users.by_email("eve@example.com") is None
    assert ada == User(ada.user_id, "ada@example.com", "hash-a", 1_000)


async def test_users_are_searched_by_a_part_of_their_email(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    async with unit_of_work() as uow:
        ada = await uow.users.add("ada@example.com", "hash", 1)
        bob = await uow.users.add("bob@bank.example", "hash", 2)
        odd = await uow.users.add("100%_sure@example.com", "hash", 3)
        await uow.commit()
    async with unit_of_work() as uow:
        assert await uow.users.search("EXAMPLE", 10) == [ada, bob, odd]
        assert await uow.users.search("example", 2) == [ada, bob]
        assert await uow.users.search("bank", 10) == [bob]
        assert await uow.users.search("%_", 10) == [odd]  # no wildcards
        assert await uow.users.search("_", 10) == [odd]
        assert await uow.users.search("carol", 10) == []


async def test_nothing_is_kept_without_a_commit(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        user = await uow.users.add("ada@example.com", "hash", 1_000)
        async with unit_of_work() as other:
            assert await other.users.get(user.user_id) is None

    async with unit_of_work() as uow:
        assert await uow.users.by_email("ada@example.com") is None


async def test_nothing_is_kept_after_an_error(unit_of_work: UnitOfWorkFactory) -> None:
    async def add_then_fail() -> None:
        async with unit_of_work() as uow:
            await uow.users.add("ada@example.com", "hash", 1_000)
            raise LookupError

    with pytest.raises(LookupError):
        await add_then_fail()

    async with unit_of_work() as uow:
        assert await uow.users.by_email("ada@example.com") is None


async def test_an_email_belongs_to_one_user(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.users.add("ada@example.com", "hash", 1_000)
        await uow.commit()

    with pytest.raises(EmailTaken):
        await _sign_up(unit_of_work, "ada@example.com")


async def test_of_two_signing_up_at_once_with_one_email_the_second_commit_is_refused(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    async with unit_of_work() as first, unit_of_work() as second:
        await first.users.add("ada@example.com", "first", 1_000)
        await second.users.add("ada@example.com", "second", 1_000)
        await first.commit()
        with pytest.raises(EmailTaken):
            await second.commit()

    async with unit_of_work() as uow:
        found = await uow.users.by_email("ada@example.com")
    assert found is not None
    assert found.password_hash == "first"


async def test_an_unreachable_database_is_unavailable() -> None:
    engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/bourse")
    unit_of_work = PostgresUnitOfWorkFactory(engine, SecretBox(SecretBox.new_key()))
    try:
        with pytest.raises(Unavailable, match="database is unavailable"):
            async with unit_of_work() as uow:
                await uow.users.get(1)
        with pytest.raises(Unavailable):
            async with unit_of_work() as uow:
                await uow.users.add("ada@example.com", "hash", 1_000)
    finally:
        await engine.dispose()
