"""Users, their API keys and their authenticators in PostgreSQL."""

from typing import TYPE_CHECKING

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert

from adapters.postgres.database import AnyRow
from adapters.postgres.schema import api_keys, two_factors, users
from adapters.security.secret_box import SecretBox
from application.errors import ConcurrentChange, EmailTaken
from application.records import ApiKey, KeyType, TwoFactor, User

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork

USER_IDS = "users_user_id_seq"


class PostgresUsers:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow
        self._added: list[User] = []

    async def add(self, email: str, password_hash: str, created_at: int) -> User:
        # The id is drawn now, as the caller needs it; a taken email is refused now if it is
        # committed already, and at commit by the unique constraint if it is being added.
        taken = exists().where(users.c.email == email)
        result = await self._uow.execute(select(func.nextval(USER_IDS), taken))
        user_id, is_taken = result.one()
        if is_taken:
            raise EmailTaken()
        user = User(user_id, email, password_hash, created_at)
        self._added.append(user)
        return user

    async def by_email(self, email: str) -> User | None:
        result = await self._uow.execute(select(users).where(users.c.email == email))
        row = result.one_or_none()
        return None if row is None else User(*row)

    async def get(self, user_id: int) -> User | None:
        result = await self._uow.execute(select(users).where(users.c.user_id == user_id))
        row = result.one_or_none()
        return None if row is None else User(*row)

    async def search(self, fragment: str, limit: int) -> list[User]:
        found = select(users).where(users.c.email.contains(fragment.lower(), autoescape=True))
        rows = await self._uow.execute(found.order_by(users.c.user_id).limit(limit))
        return [User(*row) for row in rows]

    async def flush(self) -> None:
        if self._added:
            rows = [
                {
                    "user_id": user.user_id,
                    "email": user.email,
                    "password_hash": user.password_hash,
                    "created_at": user.created_at,
                }
                for user in self._added
            ]
            await self._uow.execute(insert(users), rows)

    def forget(self) -> None:
        self._added = []


class PostgresApiKeys:
    """The secret is kept encrypted by the secret box: it must be read back to check
    signatures, so a hash would not do. Adding a key that exists changes it (its permissions)."""

    def __init__(self, uow: "PostgresUnitOfWork", secret_box: SecretBox) -> None:
        self._uow = uow
        self._box = secret_box
        self._changes: list[ApiKey | str] = []  # keys added, or the names of keys removed

    async def add(self, key: ApiKey) -> None:
        self._changes.append(key)

    async def get(self, api_key: str) -> ApiKey | None:
        result = await self._uow.execute(select(api_keys).where(api_keys.c.api_key == api_key))
        row = result.one_or_none()
        return None if row is None else self._key(row)

    async def of_user(self, user_id: int) -> list[ApiKey]:
        result = await self._uow.execute(
            select(api_keys)
            .where(api_keys.c.user_id == user_id)
            .order_by(api_keys.c.created_at, api_keys.c.api_key)
        )
        return [self._key(row) for row in result]

    async def remove(self, api_key: str) -> None:
        self._changes.append(api_key)

    async def flush(self) -> None:
        for change in self._changes:
            if isinstance(change, str):
                await self._uow.execute(delete(api_keys).where(api_keys.c.api_key == change))
                continue
            row = {
                "api_key": change.api_key,
                "secret_ciphertext": self._box.encrypt(change.secret),
                "user_id": change.user_id,
                "label": change.label,
                "created_at": change.created_at,
                "key_type": change.key_type.value,
                "public_key": change.public_key,
                "can_trade": change.can_trade,
                "allowed_ips": list(change.allowed_ips),
            }
            statement = insert(api_keys).values(row)
            await self._uow.execute(
                statement.on_conflict_do_update(
                    index_elements=[api_keys.c.api_key],
                    set_={name: statement.excluded[name] for name in row if name != "api_key"},
                )
            )

    def forget(self) -> None:
        self._changes = []

    def _key(self, row: AnyRow) -> ApiKey:
        m = row._mapping
        secret = self._box.decrypt(m["secret_ciphertext"])
        return ApiKey(
            m["api_key"], secret, m["user_id"], m["label"], m["created_at"],
            KeyType(m["key_type"]), m["public_key"], m["can_trade"], tuple(m["allowed_ips"]),
        )  # fmt: skip


class PostgresTwoFactors:
    def __init__(self, uow: "PostgresUnitOfWork", secret_box: SecretBox) -> None:
        self._uow = uow
        self._box = secret_box
        self._saved: list[TwoFactor] = []

    async def get(self, user_id: int) -> TwoFactor | None:
        result = await self._uow.execute(
            select(two_factors).where(two_factors.c.user_id == user_id)
        )
        row = result.one_or_none()
        if row is None:
            return None
        m = row._mapping
        return TwoFactor(
            m["user_id"],
            self._box.decrypt(m["secret_ciphertext"]),
            m["enabled"],
            m["last_step"],
            tuple(m["recovery_codes"]),
            m["version"],
        )

    async def save(self, record: TwoFactor) -> None:
        self._saved.append(record)

    async def flush(self) -> None:
        for record in self._saved:
            row = {
                "user_id": record.user_id,
                "secret_ciphertext": self._box.encrypt(record.secret),
                "enabled": record.enabled,
                "last_step": record.last_step,
                "recovery_codes": list(record.recovery_codes),
                "version": record.version,
            }
            if record.version == 1:  # a second first version breaks the primary key
                await self._uow.execute(insert(two_factors).values(row))
                continue
            result = await self._uow.execute(
                update(two_factors)
                .where(
                    two_factors.c.user_id == record.user_id,
                    two_factors.c.version == record.version - 1,
                )
                .values(row)
            )
            if result.rowcount != 1:
                raise ConcurrentChange()

    def forget(self) -> None:
        self._saved = []
