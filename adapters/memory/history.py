"""Orders, trades, candles and the journal in the memory store."""

from collections.abc import Collection, Iterable, Sequence
from copy import copy
from typing import TYPE_CHECKING

from adapters.memory.store import forget_order
from application.ports import Holding
from application.records import OpenOrdersSnapshot, OrderRecord, StatementLine
from domain.candles import Candle, CandleSeries, Interval
from domain.events import Trade
from domain.ledger import Balance, Bucket, JournalEntry
from domain.orders import OrderStatus

if TYPE_CHECKING:
    from adapters.memory.unit_of_work import MemoryUnitOfWork


def _within(timestamp: int, start: int | None, end: int | None) -> bool:
    return (start is None or timestamp >= start) and (end is None or timestamp <= end)


class MemoryOrders:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def save(self, order: OrderRecord) -> None:
        store = self._uow.store
        saved = copy(order)

        def write() -> None:
            key = (saved.symbol, saved.order_id)
            previous = store.orders.get(key)
            if previous is None:
                store.order_keys_by_account[saved.account_id][key] = None
                client_key = (saved.account_id, saved.symbol, saved.client_order_id)
                store.order_keys_by_client_id[client_key] = key
            if saved.status.is_open:
                store.open_order_keys_by_account[saved.account_id][key] = None
            elif previous is None or previous.status.is_open:
                done = store.done_with_fills if saved.executed else store.done_unfilled
                done.append(key)
                forget_order(store.open_order_keys_by_account, saved.account_id, key)
            store.orders[key] = saved
            last = store.last_order_ids.get(saved.symbol, 0)
            store.last_order_ids[saved.symbol] = max(last, saved.order_id)

        self._uow.staged.append(write)

    async def get(self, symbol: str, order_id: int) -> OrderRecord | None:
        order = self._uow.store.orders.get((symbol, order_id))
        return copy(order) if order else None

    async def get_many(self, symbol: str, order_ids: Collection[int]) -> dict[int, OrderRecord]:
        stored = self._uow.store.orders
        return {i: copy(stored[symbol, i]) for i in order_ids if (symbol, i) in stored}

    async def by_client_id(
        self, account_id: int, symbol: str, client_order_id: str
    ) -> OrderRecord | None:
        key = self._uow.store.order_keys_by_client_id.get((account_id, symbol, client_order_id))
        return None if key is None else await self.get(*key)

    async def of_account(
        self,
        account_id: int,
        symbol: str | None,
        statuses: Sequence[OrderStatus] | None = None,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[OrderRecord]:
        store = self._uow.store
        only_open = statuses is not None and all(status.is_open for status in statuses)
        keys = store.open_order_keys_by_account if only_open else store.order_keys_by_account
        found = []
        for key in keys.get(account_id, []):
            order = store.orders[key]
            if (
                (symbol is None or order.symbol == symbol)
                and (statuses is None or order.status in statuses)
                and (from_id is None or order.order_id >= from_id)
                and _within(order.created_at, start, end)
            ):
                found.append(copy(order))
        found.sort(key=lambda o: (o.created_at, o.symbol, o.order_id))
        return found[:limit] if from_id is not None or start is not None else found[-limit:]

    async def list_orders(
        self, account_id: int, order_list_id: int | None, list_client_order_id: str | None
    ) -> list[OrderRecord]:
        legs = [
            o
            for o in await self._legs(account_id)
            if (order_list_id is None or o.order_list_id == order_list_id)
            and (list_client_order_id is None or o.list_client_order_id == list_client_order_id)
        ]
        if not legs:
            return []
        newest = max(legs, key=lambda o: (o.created_at, o.order_id))
        return [
            o for o in legs if (o.symbol, o.order_list_id) == (newest.symbol, newest.order_list_id)
        ]

    async def order_lists(
        self,
        account_id: int,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[OrderRecord]:
        legs = await self._legs(account_id)
        firsts = [
            (o.symbol, o.order_id)
            for o in legs
            if o.order_id == o.order_list_id
            and (from_id is None or o.order_id >= from_id)
            and _within(o.created_at, start, end)
        ]
        chosen = set(
            firsts[:limit] if from_id is not None or start is not None else firsts[-limit:]
        )
        return [o for o in legs if (o.symbol, o.order_list_id) in chosen]

    async def _legs(self, account_id: int) -> list[OrderRecord]:
        store = self._uow.store
        legs = [
            copy(store.orders[key])
            for key in store.order_keys_by_account.get(account_id, [])
            if store.orders[key].order_list_id >= 0
        ]
        return sorted(legs, key=lambda o: (o.created_at, o.symbol, o.order_id))

    async def open(self, symbol: str) -> list[OrderRecord]:
        found = [
            copy(order)
            for (market, _), order in self._uow.store.orders.items()
            if market == symbol and order.status.is_open
        ]
        return sorted(found, key=lambda order: order.order_id)

    async def last_id(self, symbol: str) -> int:
        return self._uow.store.last_order_ids.get(symbol, 0)

    async def changed_since(self, symbol: str, sequence: int) -> list[OrderRecord]:
        return [
            copy(order)
            for (market, _), order in self._uow.store.orders.items()
            if market == symbol and order.sequence > sequence
        ]

    async def open_count(self, symbol: str) -> int:
        orders = self._uow.store.orders.items()
        return sum(market == symbol and order.status.is_open for (market, _), order in orders)

    async def keep_snapshot(self, snapshot: OpenOrdersSnapshot) -> None:
        kept = self._uow.store.open_orders_snapshots

        def write() -> None:
            last = kept.get(snapshot.symbol)
            if last is None or last.sequence < snapshot.sequence:
                kept[snapshot.symbol] = snapshot

        self._uow.staged.append(write)

    async def snapshot(self, symbol: str) -> OpenOrdersSnapshot | None:
        return self._uow.store.open_orders_snapshots.get(symbol)


class MemoryTrades:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def add(self, trade: Trade) -> None:
        store = self._uow.store

        def write() -> None:
            store.trades[trade.symbol].append(trade)
            store.trades_by_account[trade.buyer_account_id, trade.symbol].append(trade)
            if trade.seller_account_id != trade.buyer_account_id:
                store.trades_by_account[trade.seller_account_id, trade.symbol].append(trade)

        self._uow.staged.append(write)

    async def recent(self, symbol: str, limit: int) -> list[Trade]:
        return self._uow.store.trades.get(symbol, [])[-limit:]

    async def history(
        self,
        symbol: str,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[Trade]:
        trades = self._uow.store.trades.get(symbol, [])
        if trades and from_id is not None:
            # Trade ids of a market run on without gaps, so an id is a position from the first
            # trade still kept.
            trades = trades[max(from_id - trades[0].trade_id, 0) :]
        return _select(trades, from_id, start, end, limit)

    async def of_account(
        self,
        account_id: int,
        symbol: str,
        order_id: int | None = None,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[Trade]:
        trades: Iterable[Trade] = self._uow.store.trades_by_account.get((account_id, symbol), [])
        if order_id is not None:
            trades = [t for t in trades if order_id in (t.buyer_order_id, t.seller_order_id)]
        return _select(list(trades), from_id, start, end, limit)

    async def last_id(self, symbol: str) -> int:
        trades = self._uow.store.trades.get(symbol)
        return trades[-1].trade_id if trades else 0


def _select(
    trades: list[Trade], from_id: int | None, start: int | None, end: int | None, limit: int
) -> list[Trade]:
    chosen = [
        t
        for t in trades
        if (from_id is None or t.trade_id >= from_id) and _within(t.timestamp, start, end)
    ]
    return chosen[:limit] if from_id is not None or start is not None else chosen[-limit:]


class MemoryCandles:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def record(self, trade: Trade) -> None:
        store = self._uow.store

        def write() -> None:
            for interval in Interval:
                series = store.candles.get((trade.symbol, interval))
                if series is None:
                    series = store.candles[trade.symbol, interval] = CandleSeries(interval)
                series.add(trade)

        self._uow.staged.append(write)

    async def between(
        self, symbol: str, interval: Interval, start: int, end: int, limit: int
    ) -> list[Candle]:
        series = self._uow.store.candles.get((symbol, interval))
        if series is None:
            return []
        found = []
        for candle in series.between(start, end):
            found.append(copy(candle))
            if len(found) == limit:
                break
        return found


class MemoryJournal:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def add(self, entry: JournalEntry, timestamp: int) -> None:
        store = self._uow.store
        changes: dict[tuple[int, str], list[int]] = {}
        for posting in entry.postings:
            change = changes.setdefault((posting.account_id, posting.asset), [0, 0])
            change[posting.bucket is Bucket.LOCKED] += posting.amount
        self._uow.balance_changes.append(changes)

        def write() -> None:
            store.last_entry_id += 1
            for (account_id, asset), (available, locked) in changes.items():
                balance = store.balances.setdefault((account_id, asset), Balance())
                balance.available += available
                balance.locked += locked
                store.statements[account_id].append(
                    StatementLine(
                        store.last_entry_id,
                        timestamp,
                        entry.kind.value,
                        entry.reference,
                        asset,
                        available,
                        locked,
                        balance.available,
                        balance.locked,
                    )
                )

        self._uow.staged.append(write)

    async def balances(self, account_id: int) -> dict[str, Balance]:
        return {
            asset: Balance(balance.available, balance.locked)
            for (owner, asset), balance in self._uow.store.balances.items()
            if owner == account_id
        }

    async def holdings(self, account_ids: Collection[int] | None = None) -> list[Holding]:
        return [
            (account_id, asset, Balance(balance.available, balance.locked))
            for (account_id, asset), balance in self._uow.store.balances.items()
            if account_ids is None or account_id in account_ids
        ]

    async def statement(
        self, account_id: int, asset: str | None, start: int | None, end: int | None
    ) -> list[StatementLine]:
        return [
            line
            for line in self._uow.store.statements.get(account_id, [])
            if (asset is None or line.asset == asset) and _within(line.timestamp, start, end)
        ]
