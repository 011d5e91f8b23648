"""The database's user name and password as a secret store keeps them: Aurora's managed master
secret, a JSON object with `username` and `password`, which RDS rotates. They are read once and
kept, and read again when the database refuses them."""

import json
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import make_url

from application.errors import SecretMissing
from application.identity_ports import SecretSource

# What PostgreSQL answers to a password it no longer takes, or a user it no longer knows.
REFUSED = (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError)


class DatabaseCredentials:
    def __init__(self, secrets: SecretSource, secret_id: str) -> None:
        self._secrets = secrets
        self._secret_id = secret_id
        self._known: tuple[str, str] | None = None
        self.reads = 0  # how many times the secret was read, for the logs and tests

    async def current(self, fresh: bool = False) -> tuple[str, str]:
        """(user name, password): those read before, or read anew if `fresh`."""
        if self._known is None or fresh:
            self._known = _parse(await self._secrets.read(self._secret_id), self._secret_id)
            self.reads += 1
        return self._known


def _parse(secret: str, secret_id: str) -> tuple[str, str]:
    try:
        found = json.loads(secret)
        user, password = found["username"], found["password"]
    except (ValueError, TypeError, KeyError):
        raise SecretMissing(
            f"The secret {secret_id} is not a JSON object with a username and a password"
        ) from None
    if not isinstance(user, str) or not isinstance(password, str):
        raise SecretMissing(f"The secret {secret_id} has a username or password that is no text")
    return user, password


def connector(
    url: str, credentials: DatabaseCredentials, **options: Any
) -> Callable[[], Awaitable[asyncpg.Connection]]:
    """A coroutine function that opens an asyncpg connection to the database of `url` with the
    credentials kept, and once more with the secret read anew if the database refuses them
    (after a rotation)."""
    target = make_url(url)

    async def open_as(user: str, password: str) -> asyncpg.Connection:
        return await asyncpg.connect(
            host=target.host,
            port=target.port or 5432,
            database=target.database,
            user=user,
            password=password,
            ssl=target.query.get("ssl", "prefer"),
            **options,
        )

    async def connect() -> asyncpg.Connection:
        try:
            return await open_as(*await credentials.current())
        except REFUSED:
            return await open_as(*await credentials.current(fresh=True))

    return connect
