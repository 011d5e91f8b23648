"""`bourse grant-admin --email E`: how the first admin comes to be, on the store of the
deployment; an email nobody signed up with, or memory mode, is refused saying why."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.security.secret_box import SecretBox

ROOT = Path(__file__).resolve().parents[2]


def grant(email: str, adapters: str, database_url: str) -> subprocess.CompletedProcess[str]:
    environment = {"BOURSE_DATABASE_URL": database_url, "BOURSE_SECRET_KEY": SecretBox.new_key()}
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "grant-admin", "--email", email,
         "--adapters", adapters],
        cwd=ROOT, env=os.environ | environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


async def test_the_user_of_an_email_is_made_an_admin(
    postgres_url: str, postgres_engine: AsyncEngine
) -> None:
    store = PostgresUnitOfWorkFactory(postgres_engine, SecretBox(SecretBox.new_key()))
    async with store() as uow:
        user = await uow.users.add("ops@example.com", "a hash", 1)
        other = await uow.users.add("trader@example.com", "a hash", 1)
        await uow.commit()

    granted = grant("Ops@Example.com", "local", postgres_url)
    assert granted.returncode == 0, granted.stderr
    assert f"ops@example.com (user {user.user_id}) is an admin" in granted.stdout
    assert "two-factor" in granted.stdout
    assert grant("ops@example.com", "local", postgres_url).returncode == 0  # again: no change

    nobody = grant("nobody@example.com", "local", postgres_url)
    assert nobody.returncode != 0
    assert "No user signed up with 'nobody@example.com'" in nobody.stderr
    in_memory = grant("ops@example.com", "memory", postgres_url)
    assert in_memory.returncode != 0
    assert "Memory mode keeps no users" in in_memory.stderr
    async with store() as uow:
        assert await uow.admins.is_admin(user.user_id)
        assert not await uow.admins.is_admin(other.user_id)
