"""Users, their API keys and their authenticators in the memory store."""

from typing import TYPE_CHECKING

from application.errors import ConcurrentChange, EmailTaken
from application.records import ApiKey, TwoFactor, User

if TYPE_CHECKING:
    from adapters.memory.unit_of_work import MemoryUnitOfWork


class MemoryUsers:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def add(self, email: str, password_hash: str, created_at: int) -> User:
        store = self._uow.store
        if email in store.user_ids_by_email:
            raise EmailTaken()
        store.last_user_id += 1
        user = User(store.last_user_id, email, password_hash, created_at)

        def check() -> None:
            if email in store.user_ids_by_email:
                raise EmailTaken()

        def write() -> None:
            store.users[user.user_id] = user
            store.user_ids_by_email[email] = user.user_id

        self._uow.checks.append(check)
        self._uow.staged.append(write)
        return user

    async def by_email(self, email: str) -> User | None:
        store = self._uow.store
        user_id = store.user_ids_by_email.get(email)
        return None if user_id is None else store.users[user_id]

    async def get(self, user_id: int) -> User | None:
        return self._uow.store.users.get(user_id)

    async def search(self, fragment: str, limit: int) -> list[User]:
        fragment = fragment.lower()
        found = (user for user in self._uow.store.users.values() if fragment in user.email)
        return sorted(found, key=lambda user: user.user_id)[:limit]


class MemoryApiKeys:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def add(self, key: ApiKey) -> None:
        keys = self._uow.store.api_keys
        self._uow.staged.append(lambda: keys.__setitem__(key.api_key, key))

    async def get(self, api_key: str) -> ApiKey | None:
        return self._uow.store.api_keys.get(api_key)

    async def of_user(self, user_id: int) -> list[ApiKey]:
        return [key for key in self._uow.store.api_keys.values() if key.user_id == user_id]

    async def remove(self, api_key: str) -> None:
        keys = self._uow.store.api_keys

        def write() -> None:
            keys.pop(api_key, None)

        self._uow.staged.append(write)


class MemoryTwoFactors:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def get(self, user_id: int) -> TwoFactor | None:
        return self._uow.store.two_factors.get(user_id)

    async def save(self, record: TwoFactor) -> None:
        records = self._uow.store.two_factors

        def check() -> None:
            stored = records.get(record.user_id)
            if (0 if stored is None else stored.version) != record.version - 1:
                raise ConcurrentChange()

        self._uow.checks.append(check)
        self._uow.staged.append(lambda: records.__setitem__(record.user_id, record))
