"""Migration 0008 on a store written at the old scale (BTC at 10 decimals, ETHBTC's lot at
0.0001) by the real engine: BTC amounts become hundredths, rounded down, with each account's
dust in a PRECISION entry to the fee account; open orders off ETHBTC's new lot grid are
cancelled; it refuses while the outbox holds messages. Expected amounts are worked out by hand
in the docstrings, at the old scale."""

import asyncio
import os
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest
from alembic import command
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.memory.demo_listing import ETH, USDT, demo_markets, spot_market
from adapters.postgres.schema import command_answers, outbox
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.security.secret_box import SecretBox
from application.projection import record_events
from application.rebuild import rebuild_market
from application.records import Transfer
from domain.assets import Asset
from domain.commands import Command, Deposit, PlaceOrder
from domain.events import Event
from domain.exchange import Exchange
from domain.ledger import EXTERNAL_ACCOUNT, FEE_ACCOUNT, EntryKind, JournalEntry
from domain.orders import OrderType, Side
from entrypoints.migrate import alembic_config, migrate
from tests.migrations.test_schema import SERVER, _drop

OLD_BTC = Asset("BTC", 10)
A, B, C = 1, 2, 3
BUY, SELL, LIMIT, MARKET = Side.BUY, Side.SELL, OrderType.LIMIT, OrderType.MARKET


def old_markets() -> Exchange:
    return Exchange(
        [
            spot_market(OLD_BTC, USDT, "0.01", "0.00001", "9000", "5", "9000000"),
            spot_market(ETH, OLD_BTC, "0.00001", "0.0001", "90000", "0.0001", "1000"),
        ]
    )


def btc(amount: str) -> int:
    return OLD_BTC.to_minor(amount)


def eth(amount: str) -> int:
    return ETH.to_minor(amount)


def usdt(amount: str) -> int:
    return USDT.to_minor(amount)


def session() -> list[Command]:
    """A sells 0.2 BTC at 60000 and C buys 0.12347 of it at market; B offers 1.2345 ETH at
    0.05123 and A buys 0.3001 of it, for 0.0153741230 BTC, B paying 0.0000153742 (rounded
    up) in fees; A bids 0.0025 ETH at 0.05 and 1 ETH at 0.04. C deposited 0.5000000055 BTC."""
    return [
        Deposit(A, "BTC", btc("1"), "a-btc"),
        Deposit(B, "ETH", eth("10"), "b-eth"),
        Deposit(C, "USDT", usdt("10000"), "c-usdt"),
        Deposit(C, "BTC", btc("0.5000000055"), "c-btc"),
        PlaceOrder(A, "BTCUSDT", SELL, LIMIT, btc("0.2"), usdt("60000"), timestamp=1),
        PlaceOrder(C, "BTCUSDT", BUY, MARKET, btc("0.12347"), timestamp=2),
        PlaceOrder(B, "ETHBTC", SELL, LIMIT, eth("1.2345"), btc("0.05123"), timestamp=3),
        PlaceOrder(A, "ETHBTC", BUY, LIMIT, eth("0.3001"), btc("0.05123"), timestamp=4),
        PlaceOrder(A, "ETHBTC", BUY, LIMIT, eth("0.0025"), btc("0.05"), timestamp=5),
        PlaceOrder(A, "ETHBTC", BUY, LIMIT, eth("1"), btc("0.04"), timestamp=6),
    ]


async def store(url: str, batches: Sequence[tuple[list[Event], int]]) -> None:
    engine = create_async_engine(url)
    try:
        async with PostgresUnitOfWorkFactory(engine, SecretBox(SecretBox.new_key()))() as uow:
            await record_events(
                uow, [(events, at, sequence) for sequence, (events, at) in enumerate(batches, 1)]
            )
            for events, _ in batches:
                for event in events:
                    if isinstance(event, JournalEntry) and event.kind is EntryKind.DEPOSIT:
                        (_, credit) = event.postings
                        await uow.transfers.add(
                            Transfer(
                                event.reference, event.kind, credit.account_id, credit.asset,
                                credit.amount,
                            )
                        )  # fmt: skip
            await uow.commit()
    finally:
        await engine.dispose()


async def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(text(sql))]
    finally:
        await engine.dispose()


async def execute(url: str, statement: object) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(statement)  # type: ignore[call-overload]
    finally:
        await engine.dispose()


@pytest.fixture
def old_store() -> Iterator[str]:
    """A database at 0007 holding the session. Today's adapters write it, so it is written
    at the latest schema; then the later migrations are undone, and since 0008 changes data
    alone, the schema is 0007's."""
    url = f"{SERVER}/bourse_precision_{os.getpid()}"
    asyncio.run(_drop(url))
    migrate(url)
    exchange = old_markets()
    asyncio.run(store(url, [(exchange.execute(c), 1_000 + i) for i, c in enumerate(session())]))
    command.downgrade(alembic_config(url), "0008")
    command.stamp(alembic_config(url), "0007")
    yield url
    asyncio.run(_drop(url))


def btc_balances(url: str) -> dict[int, tuple[int, int]]:
    rows = asyncio.run(
        query(url, "SELECT account_id, available, locked FROM balances WHERE asset = 'BTC'")
    )
    return {int(a): (int(available), int(locked)) for a, available, locked in rows}


def sat(amount: str) -> int:
    return Asset("BTC", 8).to_minor(amount)


def test_btc_amounts_become_hundredths_and_dust_goes_to_the_fee_account(old_store: str) -> None:
    """A: 1 - 0.0153741230 - 0.000125 - 0.04 - 0.2 available, 0.000125 + 0.04 + 0.07653 locked;
    the cancel of the 0.0025 ETH bid releases 0.000125, leaving 0.7446258770 and 0.11653.
    B: 0.0153741230 - 0.0000153742 = 0.0153587488. C: 0.5000000055 + 0.12347 - 0.00012347.
    The world: -1.5000000055. Each rounded down to 8 decimals; the fee account, which held
    0.0000153742 + 0.00012347, takes what the others lost: 0.00013887."""
    asyncio.run(execute(old_store, insert(command_answers).values(
        command_id="c1", symbol="ETHBTC", answer=b"old", recorded_at=1,
    )))  # fmt: skip
    migrate(old_store, "0008")

    assert btc_balances(old_store) == {
        A: (sat("0.74462587"), sat("0.11653")),
        B: (sat("0.01535874"), 0),
        C: (sat("0.62334653"), 0),
        EXTERNAL_ACCOUNT: (-sat("1.50000001"), 0),
        FEE_ACCOUNT: (sat("0.00013887"), 0),
    }
    journal = asyncio.run(query(old_store, (
        "SELECT b.account_id, b.asset, b.available, b.locked, "
        "(SELECT coalesce(sum(amount), 0) FROM postings p WHERE p.account_id = b.account_id "
        "AND p.asset = b.asset AND bucket = 'available'), "
        "(SELECT coalesce(sum(amount), 0) FROM postings p WHERE p.account_id = b.account_id "
        "AND p.asset = b.asset AND bucket = 'locked') FROM balances b"
    )))  # fmt: skip
    assert len(journal) == 13  # BTC, ETH and USDT of the world and the fee account, 7 more
    for account, asset, available, locked, posted, posted_locked in journal:
        assert (available, locked) == (posted, posted_locked), (account, asset)
    precision = asyncio.run(query(old_store, (
        "SELECT e.reference, p.account_id, p.bucket, p.amount FROM journal_entries e "
        "JOIN postings p USING (entry_id) WHERE e.kind = 'PRECISION' ORDER BY entry_id, line"
    )))  # fmt: skip
    assert {account for _, account, _, _ in precision} == {A, B, C, FEE_ACCOUNT}
    assert {reference for reference, *_ in precision} == {"migration:0008"}
    assert sum(amount for _, account, _, amount in precision if account == FEE_ACCOUNT) > 0
    assert asyncio.run(query(old_store, "SELECT count(*) FROM command_answers")) == [(0,)]
    transfers = asyncio.run(query(old_store, "SELECT reference, amount FROM transfers"))
    assert sorted((r, int(a)) for r, a in transfers) == [
        ("a-btc", sat("1")), ("b-eth", eth("10")), ("c-btc", sat("0.50000000")),
        ("c-usdt", usdt("10000")),
    ]  # fmt: skip


def test_orders_trades_and_candles_take_the_new_units(old_store: str) -> None:
    """Off ETHBTC's new 0.001 lot: B's ask, 0.9344 ETH left, and A's 0.0025 ETH bid; both are
    cancelled, each with a RELEASE entry. A's 1 ETH bid and BTCUSDT's ask stay open."""
    migrate(old_store, "0008")
    orders = asyncio.run(query(old_store, (
        "SELECT symbol, order_id, status, price, quantity, executed, cumulative_quote "
        "FROM orders ORDER BY symbol, order_id"
    )))  # fmt: skip
    assert [tuple(int(v) if isinstance(v, Decimal) else v for v in row) for row in orders] == [
        ("BTCUSDT", 1, "PARTIALLY_FILLED", usdt("60000"), sat("0.2"), sat("0.12347"),
         usdt("7408.2")),
        ("BTCUSDT", 2, "FILLED", 0, sat("0.12347"), sat("0.12347"), usdt("7408.2")),
        ("ETHBTC", 1, "CANCELED", sat("0.05123"), eth("1.2345"), eth("0.3001"),
         sat("0.01537412")),
        ("ETHBTC", 2, "FILLED", sat("0.05123"), eth("0.3001"), eth("0.3001"),
         sat("0.01537412")),
        ("ETHBTC", 3, "CANCELED", sat("0.05"), eth("0.0025"), 0, 0),
        ("ETHBTC", 4, "NEW", sat("0.04"), eth("1"), 0, 0),
    ]  # fmt: skip
    releases = asyncio.run(query(old_store, (
        "SELECT reference, account_id, asset, amount FROM journal_entries JOIN postings "
        "USING (entry_id) WHERE kind = 'RELEASE' AND bucket = 'available' ORDER BY entry_id"
    )))  # fmt: skip
    assert [(r, a, s, int(n)) for r, a, s, n in releases] == [
        ("ETHBTC:1", B, "ETH", eth("0.9344")),
        ("ETHBTC:3", A, "BTC", sat("0.000125")),
    ]
    trades = asyncio.run(query(old_store, (
        "SELECT symbol, price, quantity, quote_quantity, buyer_fee, seller_fee FROM trades "
        "ORDER BY symbol"
    )))  # fmt: skip
    assert trades == [
        ("BTCUSDT", usdt("60000"), sat("0.12347"), usdt("7408.2"), sat("0.00012347"),
         usdt("7.4082")),
        ("ETHBTC", sat("0.05123"), eth("0.3001"), sat("0.01537412"), eth("0.0003001"),
         sat("0.00001537")),
    ]  # fmt: skip
    candles = asyncio.run(query(old_store, (
        "SELECT symbol, close, volume, quote_volume FROM candles WHERE interval = '1m' "
        "ORDER BY symbol"
    )))  # fmt: skip
    assert candles == [
        ("BTCUSDT", usdt("60000"), sat("0.12347"), usdt("7408.2")),
        ("ETHBTC", sat("0.05123"), eth("0.3001"), sat("0.01537412")),
    ]


async def rebuilt_holds(url: str) -> tuple[dict[tuple[int, str], int], list[int]]:
    """The markets as today's listing rebuilds them from the store: what their open orders
    hold, by account and asset, and their remaining quantities on ETHBTC."""
    engine = create_async_engine(url)
    exchange = Exchange(demo_markets())
    holds: dict[tuple[int, str], int] = {}
    try:
        unit_of_work = PostgresUnitOfWorkFactory(engine, SecretBox(SecretBox.new_key()))
        for symbol, state in exchange.markets.items():
            await rebuild_market(exchange, symbol, unit_of_work, 10_000)
            for order in state.book.orders.values():
                asset = state.market.quote if order.side is BUY else state.market.base
                holds[order.account_id, asset.code] = (
                    holds.get((order.account_id, asset.code), 0) + order.held
                )
    finally:
        await engine.dispose()
    return holds, [order.remaining for order in exchange.state("ETHBTC").book.orders.values()]


def test_the_migrated_books_hold_what_the_balances_lock(old_store: str) -> None:
    """Today's markets rebuild their books from the migrated store on their lot grids, and
    what the open orders hold is what the balances lock: 0.04 BTC for A's bid, 0.07653 BTC
    for A's ask. Today's code reads today's schema: the store is migrated through 0008 to the
    latest revision."""
    migrate(old_store)
    holds, ethbtc_remaining = asyncio.run(rebuilt_holds(old_store))
    assert holds == {(A, "BTC"): sat("0.04") + sat("0.07653")}
    assert btc_balances(old_store)[A][1] == holds[A, "BTC"]
    assert ethbtc_remaining == [eth("1")]
    locked = asyncio.run(query(old_store, "SELECT count(*) FROM balances WHERE locked <> 0"))
    assert locked == [(1,)]


def test_it_refuses_while_the_outbox_holds_messages(old_store: str) -> None:
    asyncio.run(execute(old_store, insert(outbox).values(symbol="ETHBTC", sequence=7, events=b"")))
    before = btc_balances(old_store)
    with pytest.raises(RuntimeError, match="outbox holds unrelayed messages"):
        migrate(old_store, "0008")
    assert btc_balances(old_store) == before
    version = asyncio.run(query(old_store, "SELECT version_num FROM alembic_version"))
    assert version == [("0007",)]


def test_a_downgrade_multiplies_the_amounts_back(old_store: str) -> None:
    migrate(old_store, "0008")
    command.downgrade(alembic_config(old_store), "0007")
    balances = btc_balances(old_store)
    assert balances[A] == (btc("0.74462587"), btc("0.11653"))
    assert balances[FEE_ACCOUNT] == (btc("0.00013887"), 0)
