"""The double-entry journal and the balances it keeps, in PostgreSQL.

At commit a unit of work's entries go in with three bulk statements (ids, entries, postings)
and its balance changes, summed per account and asset, with two (create the missing rows,
then add the changes). The database refuses a balance below zero (ck_balances_never_negative)
and an entry that does not balance per asset (a trigger deferred to commit)."""

from collections.abc import Collection
from typing import TYPE_CHECKING

from sqlalchemy import ARRAY, bindparam, case, func, select, update
from sqlalchemy.dialects.postgresql import insert

from adapters.postgres.database import AnyRow
from adapters.postgres.schema import balances, journal_entries, postings
from application.ports import Holding
from application.records import StatementLine
from domain.ledger import Balance, Bucket, JournalEntry

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork

ENTRY_IDS = "journal_entries_entry_id_seq"

# One statement for all the postings of a commit, their columns sent as arrays: far quicker
# than a row at a time, and the balance check runs once over the whole batch.
_POSTING_COLUMNS = [column.name for column in postings.c]
_ARRAYS = (
    func.unnest(
        *(
            bindparam(name, type_=ARRAY(column.type))
            for name, column in zip(_POSTING_COLUMNS, postings.c, strict=True)
        )
    )
    .table_valued(*_POSTING_COLUMNS)
    .render_derived()
)
_INSERT_POSTINGS = insert(postings).from_select(
    _POSTING_COLUMNS, select(*(_ARRAYS.c[name] for name in _POSTING_COLUMNS))
)

_DRAW_ENTRY_IDS = select(func.nextval(ENTRY_IDS)).select_from(
    func.generate_series(1, bindparam("count")).table_valued("n")
)
_INSERT_ENTRIES = insert(journal_entries)
_CREATE_BALANCES = insert(balances).on_conflict_do_nothing(
    index_elements=[balances.c.account_id, balances.c.asset]
)
_CHANGE_BALANCES = (
    update(balances)
    .where(
        balances.c.account_id == bindparam("changed_account"),
        balances.c.asset == bindparam("changed_asset"),
    )
    .values(
        available=balances.c.available + bindparam("available_change"),
        locked=balances.c.locked + bindparam("locked_change"),
    )
)


class PostgresJournal:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow
        self._entries: list[tuple[JournalEntry, int]] = []

    async def add(self, entry: JournalEntry, timestamp: int) -> None:
        self._entries.append((entry, timestamp))

    async def balances(self, account_id: int) -> dict[str, Balance]:
        found = select(balances).where(balances.c.account_id == account_id)
        return {
            asset: Balance(int(available), int(locked))
            for _, asset, available, locked in await self._uow.execute(found)
        }

    async def holdings(self, account_ids: Collection[int] | None = None) -> list[Holding]:
        found = select(balances).order_by(balances.c.account_id, balances.c.asset)
        if account_ids is not None:
            found = found.where(balances.c.account_id.in_(list(account_ids)))
        return [
            (account_id, asset, Balance(int(available), int(locked)))
            for account_id, asset, available, locked in await self._uow.execute(found)
        ]

    async def statement(
        self, account_id: int, asset: str | None, start: int | None, end: int | None
    ) -> list[StatementLine]:
        # Running balances are summed from the first entry, so the time filter comes after.
        is_available = postings.c.bucket == Bucket.AVAILABLE.value
        changes = select(
            postings.c.entry_id,
            postings.c.asset,
            func.min(postings.c.line).label("line"),
            func.sum(case((is_available, postings.c.amount), else_=0)).label("available"),
            func.sum(case((is_available, 0), else_=postings.c.amount)).label("locked"),
        ).where(postings.c.account_id == account_id)
        if asset is not None:
            changes = changes.where(postings.c.asset == asset)
        change = changes.group_by(postings.c.entry_id, postings.c.asset).subquery()
        lines = (
            select(
                change.c.entry_id,
                journal_entries.c.created_at,
                journal_entries.c.kind,
                journal_entries.c.reference,
                change.c.asset,
                change.c.available,
                change.c.locked,
                func.sum(change.c.available)
                .over(partition_by=change.c.asset, order_by=change.c.entry_id)
                .label("available_after"),
                func.sum(change.c.locked)
                .over(partition_by=change.c.asset, order_by=change.c.entry_id)
                .label("locked_after"),
                change.c.line,
            )
            .join_from(change, journal_entries, change.c.entry_id == journal_entries.c.entry_id)
            .subquery()
        )
        found = select(lines).order_by(lines.c.entry_id, lines.c.line)
        if start is not None:
            found = found.where(lines.c.created_at >= start)
        if end is not None:
            found = found.where(lines.c.created_at <= end)
        return [_line(row) for row in await self._uow.execute(found)]

    async def flush(self) -> None:
        if not self._entries:
            return
        execute = self._uow.execute
        drawn = await execute(_DRAW_ENTRY_IDS, {"count": len(self._entries)})
        entry_ids = sorted(drawn.scalars())
        entry_rows: list[dict[str, object]] = []
        columns: dict[str, list[object]] = {name: [] for name in _POSTING_COLUMNS}
        changes: dict[tuple[int, str], list[int]] = {}
        for entry_id, (entry, timestamp) in zip(entry_ids, self._entries, strict=True):
            entry_rows.append(
                {
                    "entry_id": entry_id,
                    "kind": entry.kind.value,
                    "reference": entry.reference,
                    "created_at": timestamp,
                }
            )
            for line, posting in enumerate(entry.postings, start=1):
                columns["entry_id"].append(entry_id)
                columns["line"].append(line)
                columns["account_id"].append(posting.account_id)
                columns["asset"].append(posting.asset)
                columns["bucket"].append(posting.bucket.value)
                columns["amount"].append(posting.amount)
                change = changes.setdefault((posting.account_id, posting.asset), [0, 0])
                change[posting.bucket is Bucket.LOCKED] += posting.amount
        await execute(_INSERT_ENTRIES, entry_rows)
        await execute(_INSERT_POSTINGS, columns)
        # In one order for every writer, so that two batches touching the same balances
        # wait for each other instead of deadlocking.
        touched = sorted(changes)
        await execute(
            _CREATE_BALANCES,
            [{"account_id": a, "asset": s, "available": 0, "locked": 0} for a, s in touched],
        )
        changed = [
            {
                "changed_account": a,
                "changed_asset": s,
                "available_change": changes[a, s][0],
                "locked_change": changes[a, s][1],
            }
            for a, s in touched
            if changes[a, s] != [0, 0]
        ]
        if changed:
            await execute(_CHANGE_BALANCES, changed)

    def forget(self) -> None:
        self._entries = []


def _line(row: AnyRow) -> StatementLine:
    m = row._mapping
    return StatementLine(
        entry_id=m["entry_id"],
        timestamp=m["created_at"],
        kind=m["kind"],
        reference=m["reference"],
        asset=m["asset"],
        available_change=int(m["available"]),
        locked_change=int(m["locked"]),
        available=int(m["available_after"]),
        locked=int(m["locked_after"]),
    )
