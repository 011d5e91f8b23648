"""The operators' records in PostgreSQL: admins, frozen accounts and the audit log."""

from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from adapters.postgres.schema import admins, audit_log, frozen_accounts
from application.records import AuditEntry, Freeze

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork


class PostgresAdmins:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow

    async def grant(self, user_id: int, at: int) -> None:
        granted = insert(admins).values(user_id=user_id, granted_at=at)
        await self._uow.execute(granted.on_conflict_do_nothing())

    async def is_admin(self, user_id: int) -> bool:
        found = await self._uow.execute(select(admins.c.user_id).where(admins.c.user_id == user_id))
        return found.first() is not None


class PostgresFreezes:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow

    async def freeze(self, freeze: Freeze) -> None:
        frozen = insert(frozen_accounts).values(
            account_id=freeze.account_id, frozen_at=freeze.frozen_at, reason=freeze.reason
        )
        await self._uow.execute(frozen.on_conflict_do_nothing())

    async def unfreeze(self, account_id: int) -> None:
        c = frozen_accounts.c
        await self._uow.execute(delete(frozen_accounts).where(c.account_id == account_id))

    async def frozen(self) -> dict[int, Freeze]:
        rows = await self._uow.execute(select(frozen_accounts))
        return {row.account_id: Freeze(row.account_id, row.frozen_at, row.reason) for row in rows}


class PostgresAuditLog:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow

    async def add(self, at: int, actor: str, act: str, params: dict[str, str], reason: str) -> None:
        row = {"at": at, "actor": actor, "act": act, "params": dict(params), "reason": reason}
        self._uow.stage(audit_log, row)

    async def entries(
        self,
        actor: str | None = None,
        act: str | None = None,
        start: int | None = None,
        end: int | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        c = audit_log.c
        query = select(audit_log).order_by(c.entry_id.desc()).limit(limit)
        if actor is not None:
            query = query.where(c.actor == actor)
        if act is not None:
            query = query.where(c.act == act)
        if start is not None:
            query = query.where(c.at >= start)
        if end is not None:
            query = query.where(c.at <= end)
        if before_id is not None:
            query = query.where(c.entry_id < before_id)
        return [
            AuditEntry(row.entry_id, row.at, row.actor, row.act, row.params, row.reason)
            for row in await self._uow.execute(query)
        ]
