"""The audit after the storm: the store kept everything acknowledged, its money adds up, and
the live book matches it. Together these mean that nothing unacknowledged is half applied:
an order or trade only partly written would leave a hold, a journal entry or a balance that
the checks below do not account for."""

import asyncio
import time
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import httpx
from attrs import frozen
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.reliability.flow import MARKETS, Ack

OPEN = ("NEW", "PARTIALLY_FILLED")
EXTERNAL_ACCOUNT = -1
Row = tuple[Any, ...]


@frozen
class Store:
    orders: dict[tuple[str, int], Row]  # account, side, price, quantity, executed, status
    trades: dict[tuple[str, int], Row]  # price, quantity, buyer order, seller order
    balances: dict[tuple[int, str], tuple[int, int]]  # available, locked
    posted: dict[tuple[int, str], tuple[int, int]]  # postings summed per bucket
    unbalanced_entries: list[Row]
    references: Counter[tuple[str, str]]  # (kind, reference) of journal entries
    client_ids: dict[tuple[str, str], int]  # the order id of each (symbol, client order id)


QUERIES = {
    "orders": "SELECT symbol, order_id, account_id, side, price, quantity, executed, status "
    "FROM orders",
    "trades": "SELECT symbol, trade_id, price, quantity, buyer_order_id, seller_order_id "
    "FROM trades",
    "balances": "SELECT account_id, asset, available, locked FROM balances",
    "posted": "SELECT account_id, asset, "
    "SUM(CASE WHEN bucket = 'available' THEN amount ELSE 0 END), "
    "SUM(CASE WHEN bucket = 'locked' THEN amount ELSE 0 END) "
    "FROM postings GROUP BY account_id, asset",
    "unbalanced": "SELECT entry_id, asset, SUM(amount) FROM postings "
    "GROUP BY entry_id, asset HAVING SUM(amount) <> 0",
    "references": "SELECT kind, reference FROM journal_entries",
    "client_ids": "SELECT symbol, client_order_id, order_id FROM orders",
}


async def _read(url: str, queries: dict[str, str]) -> dict[str, list[Row]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return {
                name: [tuple(row) for row in await connection.execute(text(query))]
                for name, query in queries.items()
            }
    finally:
        await engine.dispose()


def read_rows(url: str, queries: dict[str, str]) -> dict[str, list[Row]]:
    """The rows each query finds, by the query's name."""
    return asyncio.run(_read(url, queries))


def read_store(url: str) -> Store:
    rows = read_rows(url, QUERIES)
    return Store(
        orders={
            (r[0], r[1]): (r[2], r[3], int(r[4]), int(r[5]), int(r[6]), r[7])
            for r in rows["orders"]
        },
        trades={(r[0], r[1]): tuple(int(v) for v in r[2:]) for r in rows["trades"]},
        balances={(r[0], r[1]): (int(r[2]), int(r[3])) for r in rows["balances"]},
        posted={(r[0], r[1]): (int(r[2]), int(r[3])) for r in rows["posted"]},
        unbalanced_entries=rows["unbalanced"],
        references=Counter((r[0], r[1]) for r in rows["references"]),
        client_ids={(r[0], r[1]): r[2] for r in rows["client_ids"]},
    )


def check_acknowledged(store: Store, placed: Iterable[Ack], canceled: Iterable[Ack]) -> list[str]:
    problems = []
    for ack in placed:
        row = store.orders.get((ack.symbol, ack.order_id))
        if row is None:
            problems.append(f"acknowledged order lost: {ack}")
            continue
        account, _, _, _, executed, status = row
        if account != ack.account_id or executed < ack.executed:
            problems.append(f"acknowledged order went back: {ack} is stored as {row}")
        if ack.status not in OPEN and (status, executed) != (ack.status, ack.executed):
            problems.append(f"closed order changed: {ack} is stored as {row}")
        for fill in ack.fills:
            trade = store.trades.get((ack.symbol, fill.trade_id))
            if trade is None or trade[:2] != (fill.price, fill.quantity):
                problems.append(f"acknowledged fill lost: {fill} of {ack} is stored as {trade}")
            elif ack.order_id not in trade[2:]:
                problems.append(f"acknowledged fill {fill} belongs to other orders: {trade}")
    for ack in canceled:
        row = store.orders.get((ack.symbol, ack.order_id))
        if row is None or (row[5], row[4]) != ("CANCELED", ack.executed):
            problems.append(f"acknowledged cancel lost: {ack} is stored as {row}")
    return problems


def traded_quantities(store: Store) -> Counter[tuple[str, int]]:
    traded: Counter[tuple[str, int]] = Counter()
    for (symbol, _), (_, quantity, buyer, seller) in store.trades.items():
        traded[symbol, buyer] += quantity
        traded[symbol, seller] += quantity
    return traded


def check_order(store: Store, symbol: str, order_id: int, traded: int) -> list[str]:
    """The order executed what its trades say, and its hold was entered once."""
    problems = []
    row = store.orders[symbol, order_id]
    if row[4] != traded:
        problems.append(f"order {symbol}:{order_id} {row} traded {traded}")
    if store.references[("HOLD", f"{symbol}:{order_id}")] != 1:
        problems.append(f"order {symbol}:{order_id} without exactly one hold entry")
    return problems


def check_orders_and_trades(store: Store) -> list[str]:
    """Each order executed what its trades say, and each trade and order has its entries."""
    problems = []
    for (symbol, trade_id), (_, _, buyer, seller) in store.trades.items():
        if store.references[("TRADE", f"{symbol}:trade:{trade_id}")] != 1:
            problems.append(f"trade {symbol}:{trade_id} without exactly one journal entry")
        if (symbol, buyer) not in store.orders or (symbol, seller) not in store.orders:
            problems.append(f"trade {symbol}:{trade_id} of an order not stored")
    traded = traded_quantities(store)
    for symbol, order_id in store.orders:
        problems += check_order(store, symbol, order_id, traded[symbol, order_id])
    trade_entries = sum(n for (kind, _), n in store.references.items() if kind == "TRADE")
    hold_entries = sum(n for (kind, _), n in store.references.items() if kind == "HOLD")
    if trade_entries != len(store.trades) or hold_entries != len(store.orders):
        problems.append(
            f"{trade_entries} trade entries for {len(store.trades)} trades, "
            f"{hold_entries} hold entries for {len(store.orders)} orders"
        )
    return problems


def held_by_open_orders(store: Store) -> Counter[tuple[int, str]]:
    held: Counter[tuple[int, str]] = Counter()
    for (symbol, _), (account, side, price, quantity, executed, status) in store.orders.items():
        if status not in OPEN:
            continue
        market, remaining = MARKETS[symbol], quantity - executed
        if side == "BUY":
            held[account, market.quote.code] += market.notional(price, remaining)
        else:
            held[account, market.base.code] += remaining
    return held


def check_balances(store: Store) -> list[str]:
    problems = []
    totals: Counter[str] = Counter()
    for (account, asset), (available, locked) in store.balances.items():
        totals[asset] += available + locked
        if account != EXTERNAL_ACCOUNT and min(available, locked) < 0:
            problems.append(f"negative balance of {account} in {asset}: {available}, {locked}")
    problems += [f"{asset} not conserved: {total}" for asset, total in totals.items() if total]
    held = held_by_open_orders(store)
    for key in set(held) | {k for k, (_, locked) in store.balances.items() if locked}:
        locked = store.balances.get(key, (0, 0))[1]
        if locked != held[key]:
            problems.append(f"account {key} locks {locked}, its open orders hold {held[key]}")
    for key in set(store.balances) | set(store.posted):
        kept, posted = store.balances.get(key, (0, 0)), store.posted.get(key, (0, 0))
        if kept != posted:
            problems.append(f"balance {key} is {kept}, its postings add up to {posted}")
    problems += [f"journal entry does not balance: {row}" for row in store.unbalanced_entries]
    return problems


def stored_depth(store: Store, symbol: str) -> dict[str, list[list[Decimal]]]:
    market = MARKETS[symbol]
    levels: dict[str, Counter[int]] = {"BUY": Counter(), "SELL": Counter()}
    for (order_symbol, _), (_, side, price, quantity, executed, status) in store.orders.items():
        if order_symbol == symbol and status in OPEN:
            levels[side][price] += quantity - executed
    return {
        name: [
            [Decimal(p).scaleb(-market.quote.precision), Decimal(q).scaleb(-market.base.precision)]
            for p, q in sorted(levels[side].items(), reverse=side == "BUY")
        ]
        for name, side in (("bids", "BUY"), ("asks", "SELL"))
    }


def check_depth(store: Store, base_url: str, settle_s: float = 0.0) -> list[str]:
    """The live book of each market is the stored open orders, summed per price; asked again
    for up to `settle_s` while it differs, for a book kept by another process (the market
    data's) that shows the last commits a moment later."""
    deadline = time.monotonic() + settle_s
    while (problems := _depth_differences(store, base_url)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return problems


def _depth_differences(store: Store, base_url: str) -> list[str]:
    problems = []
    with httpx.Client(base_url=base_url, timeout=10) as client:
        for symbol in MARKETS:
            answer = client.get("/api/v3/depth", params={"symbol": symbol, "limit": 5000})
            if answer.status_code != 200:
                problems.append(f"depth of {symbol}: {answer.status_code} {answer.text}")
                continue
            served = {
                side: [[Decimal(p), Decimal(q)] for p, q in answer.json()[side]]
                for side in ("bids", "asks")
            }
            if served != stored_depth(store, symbol):
                problems.append(
                    f"depth of {symbol} differs from the stored open orders: served {served}, "
                    f"stored {stored_depth(store, symbol)}"
                )
    return problems


def audit(
    database_url: str,
    base_url: str,
    placed: list[Ack],
    canceled: list[Ack],
    settle_s: float = 0.0,
) -> tuple[Store, list[str]]:
    """Every problem found; the store is returned for the summary."""
    store = read_store(database_url)
    problems = check_acknowledged(store, placed, canceled)
    problems += check_orders_and_trades(store)
    problems += check_balances(store)
    problems += check_depth(store, base_url, settle_s)
    return store, problems


def unacknowledged_but_kept(store: Store, tried: Iterable[tuple[str, str]], placed: int) -> int:
    """Placements that answered nothing yet were committed (whole, as the audit shows)."""
    return len(store.client_ids.keys() & set(tried)) - placed
