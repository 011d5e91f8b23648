"""The operators' records: admins granted once, freezes kept until lifted, and the audit log
appended to in commit order, read newest first with its filters and pages. Nothing is kept
of a unit of work not committed."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.security.secret_box import SecretBox
from application.ports import UnitOfWorkFactory
from application.records import AuditEntry, Freeze
from tests.contract.conftest import SECRET_KEY


async def users(unit_of_work: UnitOfWorkFactory, count: int) -> list[int]:
    async with unit_of_work() as uow:
        made = [await uow.users.add(f"u{n}@example.com", "hash", 1) for n in range(count)]
        await uow.commit()
    return [user.user_id for user in made]


async def test_an_admin_is_granted_once_and_for_good(unit_of_work: UnitOfWorkFactory) -> None:
    ada, bob = await users(unit_of_work, 2)
    async with unit_of_work() as uow:
        await uow.admins.grant(ada, 10)
    async with unit_of_work() as uow:
        assert not await uow.admins.is_admin(ada)
        await uow.admins.grant(ada, 10)
        await uow.commit()
    async with unit_of_work() as uow:
        await uow.admins.grant(ada, 20)
        await uow.commit()
    async with unit_of_work() as uow:
        assert await uow.admins.is_admin(ada)
        assert not await uow.admins.is_admin(bob)


async def test_a_freeze_lasts_until_lifted(unit_of_work: UnitOfWorkFactory) -> None:
    ada, bob = await users(unit_of_work, 2)
    async with unit_of_work() as uow:
        await uow.freezes.freeze(Freeze(ada, 5, "uncommitted"))
    async with unit_of_work() as uow:
        assert await uow.freezes.frozen() == {}
        await uow.freezes.freeze(Freeze(ada, 10, "fraud report 7, ünïcode"))
        await uow.freezes.freeze(Freeze(bob, 11, "court order"))
        await uow.commit()
    async with unit_of_work() as uow:
        await uow.freezes.freeze(Freeze(ada, 12, "frozen again"))
        await uow.commit()
    async with unit_of_work() as uow:
        assert await uow.freezes.frozen() == {
            ada: Freeze(ada, 10, "fraud report 7, ünïcode"),
            bob: Freeze(bob, 11, "court order"),
        }
        await uow.freezes.unfreeze(bob)
        await uow.freezes.unfreeze(bob + 100)
        await uow.commit()
    async with unit_of_work() as uow:
        assert list(await uow.freezes.frozen()) == [ada]


async def test_the_audit_log_is_read_newest_first_filtered_and_paged(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    async with unit_of_work() as uow:
        await uow.audit_log.add(1, "ada@example.com", "market.status", {"symbol": "X"}, "lost")
    async with unit_of_work() as uow:
        assert await uow.audit_log.entries() == []
        await uow.audit_log.add(10, "ada@example.com", "market.status", {"symbol": "BTCUSDT"}, "a")
        await uow.audit_log.add(20, "token", "funds.deposit", {"amount": "1.5"}, "b")
        await uow.commit()
    params = {"accountId": "7", "note": "ünïcode 'quotes'"}
    async with unit_of_work() as uow:
        await uow.audit_log.add(30, "ada@example.com", "account.freeze", params, "c")
        await uow.commit()
    first = AuditEntry(1, 10, "ada@example.com", "market.status", {"symbol": "BTCUSDT"}, "a")
    second = AuditEntry(2, 20, "token", "funds.deposit", {"amount": "1.5"}, "b")
    third = AuditEntry(3, 30, "ada@example.com", "account.freeze", params, "c")
    async with unit_of_work() as uow:
        log = uow.audit_log
        assert await log.entries() == [third, second, first]
        assert await log.entries(actor="ada@example.com") == [third, first]
        assert await log.entries(act="funds.deposit") == [second]
        assert await log.entries(start=20, end=20) == [second]
        assert await log.entries(start=11) == [third, second]
        assert await log.entries(limit=2) == [third, second]
        assert await log.entries(before_id=2, limit=2) == [first]
        assert await log.entries(actor="token", act="market.status") == []


async def test_postgresql_refuses_to_change_or_delete_an_audit_entry(
    postgres_engine: AsyncEngine,
) -> None:
    """Whoever sends it, even the table's owner: the triggers refuse every change."""
    unit_of_work = PostgresUnitOfWorkFactory(postgres_engine, SecretBox(SECRET_KEY))
    async with unit_of_work() as uow:
        await uow.audit_log.add(10, "ada@example.com", "market.status", {"symbol": "X"}, "why")
        await uow.commit()
    for statement in (
        "UPDATE audit_log SET reason = 'nothing happened'",
        "UPDATE audit_log SET params = '{}'::jsonb WHERE entry_id = 1",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with postgres_engine.begin() as connection:
                await connection.execute(text(statement))
    async with unit_of_work() as uow:
        kept = await uow.audit_log.entries()
    assert kept == [AuditEntry(1, 10, "ada@example.com", "market.status", {"symbol": "X"}, "why")]
