"""How long the memory store keeps what is over, so that a memory-mode exchange left running
(`bourse serve` with its demo bots) holds a bounded history instead of all of it.

Like Binance, which archives cancelled and expired orders that never filled, the store drops
them a while after they end; trades, prevented matches, candles, the orders that traded and
the journal's statement lines go once they fall out of their own windows. What is still live
is never dropped: open orders, balances, each market's last trade and last prevented match
(the next ids follow them after a rebuild) and each candle series' last candle (the next one
opens at its close).

The journal's statements still add up: lines go oldest first, account by account, and each
line keeps the balances after it, so the first line left opens the statement at its balances
less its change, and the last one closes it at the account's balance.

PostgreSQL, the system of record of `local` and `aws`, keeps everything."""

from collections import deque
from typing import Protocol, TypeVar

from attrs import define, field

from adapters.memory.store import MemoryStore, forget_order
from application.ports import Clock

# Pruning again each time a hundredth of the shortest window has passed keeps each pass short
# and what is kept past its window under a hundredth of it.
PASSES_PER_WINDOW = 100


@define
class Retention:
    """The windows, in ms, after which what is over is dropped from the store."""

    clock: Clock
    unfilled_orders: int  # cancelled, expired or rejected without a fill
    history: int  # trades, candles, and the orders that traded
    statements: int  # the journal's statement lines
    _next_pass: int = field(default=0, init=False)

    def after_commit(self, store: MemoryStore) -> None:
        now = self.clock.now()
        if now < self._next_pass:
            return
        shortest = min(self.unfilled_orders, self.history, self.statements)
        self._next_pass = now + max(1, shortest // PASSES_PER_WINDOW)
        _drop_orders(store, store.done_unfilled, now - self.unfilled_orders)
        _drop_orders(store, store.done_with_fills, now - self.history)
        _drop_trades(store, now - self.history)
        _drop_candles(store, now - self.history)
        _drop_statement_lines(store, now - self.statements)


def _drop_orders(store: MemoryStore, done: deque[tuple[str, int]], cutoff: int) -> None:
    """`done` holds the orders in the order they ended."""
    while done:
        order = store.orders.get(done[0])
        if order is not None and order.updated_at >= cutoff:
            return
        key = done.popleft()
        if order is None:
            continue
        del store.orders[key]
        forget_order(store.order_keys_by_account, order.account_id, key)
        client_key = (order.account_id, order.symbol, order.client_order_id)
        if store.order_keys_by_client_id.get(client_key) == key:
            del store.order_keys_by_client_id[client_key]


def _drop_trades(store: MemoryStore, cutoff: int) -> None:
    for trades in store.trades.values():
        _drop_older(trades, cutoff, keep=1)
    for matches in store.prevented_matches.values():
        _drop_older(matches, cutoff, keep=1)
    for key, trades in list(store.trades_by_account.items()):
        _drop_older(trades, cutoff, keep=0)
        if not trades:
            del store.trades_by_account[key]


def _drop_candles(store: MemoryStore, cutoff: int) -> None:
    for series in store.candles.values():
        closed = 0
        while closed < len(series.candles) - 1 and series.candles[closed].close_time < cutoff:
            closed += 1
        del series.candles[:closed]


def _drop_statement_lines(store: MemoryStore, cutoff: int) -> None:
    for account_id, lines in list(store.statements.items()):
        _drop_older(lines, cutoff, keep=0)
        if not lines:
            del store.statements[account_id]


class _Timed(Protocol):
    @property
    def timestamp(self) -> int: ...


Timed = TypeVar("Timed", bound=_Timed)


def _drop_older(items: list[Timed], cutoff: int, keep: int) -> None:
    """Drops the items before `cutoff` from the front of `items` (in time order), but never
    the last `keep` of them."""
    older = 0
    while older < len(items) - keep and items[older].timestamp < cutoff:
        older += 1
    del items[:older]
