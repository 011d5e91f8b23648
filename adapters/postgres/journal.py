"""The double-entry journal and the balances it keeps, in PostgreSQL.

At commit a unit of work's entries and their postings go in with one statement, and its balance
changes, summed per account and asset, with a second."""

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import ARRAY, Alias, Integer, Table, bindparam, case, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.types import TypeEngine

from adapters.postgres.database import AnyRow
from adapters.postgres.schema import balances, journal_entries, postings
from application.ports import Holding
from application.records import StatementLine
from domain.ledger import Balance, Bucket, JournalEntry

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork

ENTRY_IDS = "journal_entries_entry_id_seq"


def _rows(name: str, columns: Mapping[str, TypeEngine[Any]], ordinality: bool = False) -> Alias:
    """Rows sent as one array a column, each bound as `{name}_{column}`."""
    arrays = func.unnest(
        *(bindparam(f"{name}_{column}", type_=ARRAY(type_)) for column, type_ in columns.items())
    )
    rows = arrays.table_valued(*columns, with_ordinality="place" if ordinality else None)
    return rows.render_derived(name)


def _types(table: Table, *columns: str) -> dict[str, TypeEngine[Any]]:
    return {column: table.c[column].type for column in columns}


# A commit's entries, their postings and the balances they touch go in with one statement: the
# entries' ids are drawn in their order, each posting names its entry by its place among them,
# and a missing balance is created at zero. The balance changes follow in a second statement,
# a row each, all sent at once, in one order for every writer, so that two commits touching
# the same balances wait for each other instead of deadlocking. (Created and changed in one
# upsert, a negative change would fail the balance check on the row proposed for insertion
# even when the balance exists.) The database refuses a balance below zero
# (ck_balances_never_negative) and an entry that does not balance per asset (a trigger
# deferred to commit).
_ENTRY = _types(journal_entries, "kind", "reference", "created_at")
_POSTING = _types(postings, "line", "account_id", "asset", "bucket", "amount")
_entry = _rows("entry", _ENTRY, ordinality=True)
_numbered = select(func.nextval(ENTRY_IDS).label("entry_id"), *_entry.c).cte("numbered")
_posting = _rows("posting", {"entry": Integer(), **_POSTING})
_entries = insert(journal_entries).from_select(
    ["entry_id", *_ENTRY], select(_numbered.c.entry_id, *(_numbered.c[name] for name in _ENTRY))
)
_postings = insert(postings).from_select(
    ["entry_id", *_POSTING],
    select(_numbered.c.entry_id, *(_posting.c[name] for name in _POSTING)).join_from(
        _posting, _numbered, _posting.c.entry == _numbered.c.place
    ),
)
_touched = _rows("balance", _types(balances, "account_id", "asset"))
_WRITE_ENTRIES = (
    insert(balances)
    .from_select(
        ["account_id", "asset", "available", "locked"],
        select(_touched.c.account_id, _touched.c.asset, literal(0), literal(0)),
    )
    .on_conflict_do_nothing(index_elements=[balances.c.account_id, balances.c.asset])
    .add_cte(_entries.cte("entries"), _postings.cte("lines"))
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
        rows: dict[str, list[object]] = {
            **{f"entry_{name}": [] for name in _ENTRY},
            **{f"posting_{name}": [] for name in ("entry", *_POSTING)},
        }
        changes: dict[tuple[int, str], list[int]] = {}
        for place, (entry, timestamp) in enumerate(self._entries, start=1):
            rows["entry_kind"].append(entry.kind.value)
            rows["entry_reference"].append(entry.reference)
            rows["entry_created_at"].append(timestamp)
            for line, posting in enumerate(entry.postings, start=1):
                rows["posting_entry"].append(place)
                rows["posting_line"].append(line)
                rows["posting_account_id"].append(posting.account_id)
                rows["posting_asset"].append(posting.asset)
                rows["posting_bucket"].append(posting.bucket.value)
                rows["posting_amount"].append(posting.amount)
                change = changes.setdefault((posting.account_id, posting.asset), [0, 0])
                change[posting.bucket is Bucket.LOCKED] += posting.amount
        touched = sorted(changes)
        rows["balance_account_id"] = [account for account, _ in touched]
        rows["balance_asset"] = [asset for _, asset in touched]
        await self._uow.execute(_WRITE_ENTRIES, rows)
        changed = [
            {
                "changed_account": account,
                "changed_asset": asset,
                "available_change": changes[account, asset][0],
                "locked_change": changes[account, asset][1],
            }
            for account, asset in touched
            if changes[account, asset] != [0, 0]
        ]
        if changed:
            await self._uow.execute(_CHANGE_BALANCES, changed)

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
