"""API keys: kept with their secret readable (to check signatures), listed per user, removed;
in PostgreSQL the secret is stored encrypted."""

from msgspec import structs
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.schema import api_keys
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.security.secret_box import SecretBox
from application.ports import UnitOfWorkFactory
from application.records import ApiKey, KeyType

PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAgmDRTtj2FA+wzJUIlAL9ly1eovjLBu7uXUFR+jFULmg=
-----END PUBLIC KEY-----
"""


async def _user(unit_of_work: UnitOfWorkFactory, email: str) -> int:
    async with unit_of_work() as uow:
        user = await uow.users.add(email, "hash", 1_000)
        await uow.commit()
    return user.user_id


async def test_a_key_reads_back_with_its_secret(unit_of_work: UnitOfWorkFactory) -> None:
    ada = await _user(unit_of_work, "ada@example.com")
    key = ApiKey("key-1", "s3cr3t-ä", ada, "trading bot", 2_000)
    async with unit_of_work() as uow:
        await uow.api_keys.add(key)
        async with unit_of_work() as other:
            assert await other.api_keys.get("key-1") is None
        await uow.commit()

    async with unit_of_work() as uow:
        assert await uow.api_keys.get("key-1") == key
        assert await uow.api_keys.get("key-2") is None


async def test_a_key_keeps_its_type_permission_and_addresses_and_changes_them(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    ada = await _user(unit_of_work, "ada@example.com")
    key = ApiKey(
        "key-ed", "", ada, "read-only", 2_000, KeyType.ED25519, PUBLIC_KEY, False,
        ("203.0.113.7", "192.0.2.0/24"),
    )  # fmt: skip
    async with unit_of_work() as uow:
        await uow.api_keys.add(key)
        await uow.commit()
    async with unit_of_work() as uow:
        assert await uow.api_keys.get("key-ed") == key
    trading = structs.replace(key, can_trade=True, allowed_ips=())
    async with unit_of_work() as uow:
        await uow.api_keys.add(trading)
        await uow.commit()
    async with unit_of_work() as uow:
        assert await uow.api_keys.get("key-ed") == trading
        assert await uow.api_keys.of_user(ada) == [trading]


async def test_keys_are_listed_per_user_oldest_first(unit_of_work: UnitOfWorkFactory) -> None:
    ada = await _user(unit_of_work, "ada@example.com")
    bob = await _user(unit_of_work, "bob@example.com")
    keys = [
        ApiKey("key-b", "secret-1", ada, "first", 2_000),
        ApiKey("key-a", "secret-2", ada, "second", 3_000),
        ApiKey("key-c", "secret-3", bob, "bob's", 2_500),
    ]
    async with unit_of_work() as uow:
        for key in keys:
            await uow.api_keys.add(key)
        await uow.commit()

    async with unit_of_work() as uow:
        assert await uow.api_keys.of_user(ada) == keys[:2]
        assert await uow.api_keys.of_user(bob) == keys[2:]
        assert await uow.api_keys.of_user(bob + 1) == []


async def test_a_removed_key_is_gone_once_committed(unit_of_work: UnitOfWorkFactory) -> None:
    ada = await _user(unit_of_work, "ada@example.com")
    async with unit_of_work() as uow:
        await uow.api_keys.add(ApiKey("key-1", "secret", ada, "", 2_000))
        await uow.api_keys.add(ApiKey("key-2", "secret", ada, "", 2_000))
        await uow.commit()

    async with unit_of_work() as uow:
        await uow.api_keys.remove("key-1")
    async with unit_of_work() as uow:
        assert await uow.api_keys.get("key-1") is not None
        await uow.api_keys.remove("key-1")
        await uow.api_keys.remove("key-9")
        await uow.commit()
    async with unit_of_work() as uow:
        assert await uow.api_keys.get("key-1") is None
        assert [key.api_key for key in await uow.api_keys.of_user(ada)] == ["key-2"]


async def test_postgres_stores_the_secret_encrypted(postgres_engine: AsyncEngine) -> None:
    box = SecretBox(SecretBox.new_key())
    unit_of_work = PostgresUnitOfWorkFactory(postgres_engine, box)
    ada = await _user(unit_of_work, "ada@example.com")
    async with unit_of_work() as uow:
        await uow.api_keys.add(ApiKey("key-1", "the-plain-secret", ada, "", 2_000))
        await uow.commit()

    async with postgres_engine.connect() as connection:
        stored = await connection.scalar(select(api_keys.c.secret_ciphertext))
    assert stored is not None
    assert b"the-plain-secret" not in stored
    assert box.decrypt(stored) == "the-plain-secret"
