"""Signing in to PostgreSQL with the credentials of a secret (Aurora's managed master secret):
read once, and read again when the database refuses them, as after RDS rotates the password.
On a PostgreSQL cluster of the test's own that asks for passwords (SCRAM)."""

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from adapters.memory.secrets import MemorySecrets
from adapters.postgres.credentials import DatabaseCredentials
from adapters.postgres.database import create_engine
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.security.secret_box import SecretBox
from application.errors import SecretMissing, Unavailable
from benchmarks.servers import postgres_server

SECRET = "bourse-database"
FIRST = "first password"


@pytest.fixture(scope="module")
def guarded_postgres() -> Iterator[str]:
    """The URL of the cluster's postgres database, without credentials."""
    with postgres_server({}, password=FIRST) as url:
        yield url.replace("postgres@", "") + "/postgres?ssl=disable"


def secret(password: str) -> str:
    return json.dumps({"username": "postgres", "password": password, "engine": "postgres"})


async def test_credentials_are_read_again_once_the_database_refuses_them(
    guarded_postgres: str,
) -> None:
    secrets = MemorySecrets()
    secrets.put(SECRET, secret(FIRST))
    credentials = DatabaseCredentials(secrets, SECRET)
    engine = create_engine(guarded_postgres, pool_size=1, credentials=credentials)
    try:
        async with engine.begin() as connection:
            assert await connection.scalar(text("SELECT current_user")) == "postgres"
            # The rotation: the database takes a new password, and the secret holds it.
            await connection.execute(text("ALTER USER postgres PASSWORD 'second password'"))
        secrets.put(SECRET, secret("second password"))
        await engine.dispose()  # the next connection signs in anew

        async with engine.connect() as connection:
            assert await connection.scalar(text("SELECT 1")) == 1
        async with engine.connect() as connection:
            assert await connection.scalar(text("SELECT 1")) == 1

        assert credentials.reads == 2
    finally:
        async with engine.begin() as connection:
            await connection.execute(text(f"ALTER USER postgres PASSWORD '{FIRST}'"))
        await engine.dispose()


async def test_credentials_refused_even_when_read_again_leave_the_database_unavailable(
    guarded_postgres: str,
) -> None:
    secrets = MemorySecrets()
    secrets.put(SECRET, secret("not the password"))
    credentials = DatabaseCredentials(secrets, SECRET)
    engine = create_engine(guarded_postgres, pool_size=1, credentials=credentials)
    unit_of_work = PostgresUnitOfWorkFactory(engine, SecretBox(SecretBox.new_key()))
    try:
        with pytest.raises(Unavailable):
            async with unit_of_work() as uow:
                await uow.users.get(1)
        assert credentials.reads == 2
    finally:
        await engine.dispose()


@pytest.mark.parametrize("value", ["not json", '{"username": "postgres"}', '["postgres", "x"]'])
async def test_a_secret_without_a_username_and_password_is_refused(value: str) -> None:
    secrets = MemorySecrets()
    secrets.put(SECRET, value)

    with pytest.raises(SecretMissing, match="username and a password"):
        await DatabaseCredentials(secrets, SECRET).current()
