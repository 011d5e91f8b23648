"""The operators' records in the memory store: admins, frozen accounts and the audit log."""

from typing import TYPE_CHECKING

from application.records import AuditEntry, Freeze

if TYPE_CHECKING:
    from adapters.memory.unit_of_work import MemoryUnitOfWork


class MemoryAdmins:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def grant(self, user_id: int, at: int) -> None:
        admins = self._uow.store.admins

        def write() -> None:
            admins.setdefault(user_id, at)

        self._uow.staged.append(write)

    async def is_admin(self, user_id: int) -> bool:
        return user_id in self._uow.store.admins


class MemoryFreezes:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def freeze(self, freeze: Freeze) -> None:
        frozen = self._uow.store.freezes

        def write() -> None:
            frozen.setdefault(freeze.account_id, freeze)

        self._uow.staged.append(write)

    async def unfreeze(self, account_id: int) -> None:
        frozen = self._uow.store.freezes

        def write() -> None:
            frozen.pop(account_id, None)

        self._uow.staged.append(write)

    async def frozen(self) -> dict[int, Freeze]:
        return dict(self._uow.store.freezes)


class MemoryAuditLog:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def add(self, at: int, actor: str, act: str, params: dict[str, str], reason: str) -> None:
        kept = self._uow.store.audit_log
        # A copy: the caller's dict may change after this, the log may not.
        self._uow.staged.append(
            lambda: kept.append(AuditEntry(len(kept) + 1, at, actor, act, dict(params), reason))
        )

    async def entries(
        self,
        actor: str | None = None,
        act: str | None = None,
        start: int | None = None,
        end: int | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        found: list[AuditEntry] = []
        for entry in reversed(self._uow.store.audit_log):
            if len(found) == limit:
                break
            if (
                (actor is None or entry.actor == actor)
                and (act is None or entry.act == act)
                and (start is None or entry.at >= start)
                and (end is None or entry.at <= end)
                and (before_id is None or entry.entry_id < before_id)
            ):
                found.append(entry)
        return found
