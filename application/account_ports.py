"""The ports of the accounts' side of the system of record: users, their API keys and second
factors, the admins, the freezes and the audit log of admin acts; a unit of work holds one of
each."""

from typing import Protocol

from application.records import (
    ApiKey,
    AuditEntry,
    Freeze,
    TwoFactor,
    User,
)


class Users(Protocol):
    async def add(self, email: str, password_hash: str, created_at: int) -> User:
        """Adds a user with the next id; raises `EmailTaken` if the email is in use."""
        ...

    async def by_email(self, email: str) -> User | None: ...

    async def get(self, user_id: int) -> User | None: ...

    async def search(self, fragment: str, limit: int) -> list[User]:
        """The users whose email holds `fragment` (in any case), by id, at most `limit`."""
        ...


class ApiKeys(Protocol):
    async def add(self, key: ApiKey) -> None: ...

    async def get(self, api_key: str) -> ApiKey | None: ...

    async def of_user(self, user_id: int) -> list[ApiKey]: ...

    async def remove(self, api_key: str) -> None: ...


class TwoFactors(Protocol):
    async def get(self, user_id: int) -> TwoFactor | None: ...

    async def save(self, record: TwoFactor) -> None:
        """Keeps `record` in place of its previous version (`version - 1`, 0 for none);
        `commit` raises `ConcurrentChange`, and keeps nothing, if that is no longer the
        stored one."""
        ...


class Admins(Protocol):
    """The users with the admin role: the operators of the exchange."""

    async def grant(self, user_id: int, at: int) -> None:
        """Makes the user an admin, at commit; granting it again changes nothing."""
        ...

    async def is_admin(self, user_id: int) -> bool: ...


class Freezes(Protocol):
    """The accounts frozen by an operator."""

    async def freeze(self, freeze: Freeze) -> None:
        """Freezes the account at commit; an account frozen already keeps its first freeze."""
        ...

    async def unfreeze(self, account_id: int) -> None:
        """Lifts the account's freeze at commit, if it has one."""
        ...

    async def frozen(self) -> dict[int, Freeze]:
        """Every frozen account, by its id."""
        ...


class AuditLog(Protocol):
    """The operators' acts, appended and never changed or deleted."""

    async def add(self, at: int, actor: str, act: str, params: dict[str, str], reason: str) -> None:
        """Appends an entry at commit, numbered after every entry kept before it."""
        ...

    async def entries(
        self,
        actor: str | None = None,
        act: str | None = None,
        start: int | None = None,
        end: int | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """The newest entries first, at most `limit`, of `actor` and `act` if given, made from
        `start` to `end` inclusive, numbered below `before_id` (the next page's cursor)."""
        ...
