"""The public history of the `aws` split deployment comes from DynamoDB, which the trade
stream's Lambda functions fill: for the trades made through it, every trade endpoint answers
what an api process in `local` mode answers from PostgreSQL, the klines are the candles those
trades fold into (the candle builder is the one writer of candles in `aws` mode: PostgreSQL
holds none), and the api process calls DynamoDB only with Query and GetItem (never a Scan). Its
market data keeps each book whole there too, and each market's ticker, which the ticker
endpoints read."""

import itertools
import logging
import re
import time
from collections.abc import Iterator
from decimal import Decimal
from functools import partial
from typing import Any

import attrs
import httpx
import pytest

from application.market_view import MarketViews
from application.ports import UnitOfWorkFactory
from domain.candles import Interval
from tests.live_server import LiveServer, live, settled

pytestmark = pytest.mark.parametrize("live", ["aws-split"], indirect=True)
__all__ = ["live"]


@pytest.fixture(scope="module")
def local_reader(live: LiveServer, postgres_url: str) -> Iterator[LiveServer]:
    """An api process in `local` mode on the same PostgreSQL and Redis."""
    settings = attrs.evolve(live.settings, adapters="local", database_url=postgres_url)
    with LiveServer(settings) as server:
        yield server


@pytest.fixture(scope="module")
def dynamodb_calls(live: LiveServer) -> list[str]:
    """The operations the api process calls on DynamoDB from now on."""
    calls: list[str] = []

    def record(model: Any, **_: Any) -> None:
        calls.append(model.name)

    async def register() -> None:
        client = await live.container.aws_clients().client("dynamodb")
        client.meta.events.register("before-call.dynamodb", record)

    live.run(register())
    return calls


def trade(live: LiveServer, name: str) -> tuple[int, int]:
    """Trades in BTCUSDT: a taker's order filling three levels, then single fills; the time
    span they were made in."""
    maker = live.signed(f"{name}-maker", BTC="10")
    taker = live.signed(f"{name}-taker", USDT="10000000")
    began = int(time.time() * 1000)
    for price in ("62000", "62000", "62001", "62002"):
        maker.call("POST", "/api/v3/order", symbol="BTCUSDT", side="SELL", type="LIMIT",
                   timeInForce="GTC", quantity="0.01", price=price)  # fmt: skip
    taker.call("POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="MARKET",
               quantity="0.03")  # fmt: skip
    for _ in range(3):
        maker.call("POST", "/api/v3/order", symbol="BTCUSDT", side="SELL", type="LIMIT",
                   timeInForce="GTC", quantity="0.01", price="61990")  # fmt: skip
        taker.call("POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="MARKET",
                   quantity="0.01")  # fmt: skip
    return began, int(time.time() * 1000)


def get(server: LiveServer, path: str, **params: Any) -> Any:
    response = httpx.get(f"{server.base_url}{path}", params=params, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def both(live: LiveServer, local: LiveServer, path: str, query: dict[str, Any]) -> tuple[Any, Any]:
    return get(live, path, **query), get(local, path, **query)


def test_history_from_dynamodb_is_local_modes_and_read_by_query_and_get_item_only(
    live: LiveServer, local_reader: LiveServer, dynamodb_calls: list[str]
) -> None:
    began, ended = trade(live, "history")
    wanted = get(local_reader, "/api/v3/trades", symbol="BTCUSDT", limit=1000)
    assert len(wanted) == 6
    found = settled(
        lambda: get(live, "/api/v3/trades", symbol="BTCUSDT", limit=1000),
        lambda answer: answer == wanted,
    )
    assert found == wanted
    first = wanted[0]["id"]
    asked: list[tuple[str, dict[str, Any]]] = [
        ("/api/v3/trades", {"limit": 2}),
        ("/api/v3/historicalTrades", {"fromId": first + 1, "limit": 3}),
        ("/api/v3/historicalTrades", {}),
        ("/api/v3/aggTrades", {}),
        ("/api/v3/aggTrades", {"fromId": first, "limit": 2}),
        ("/api/v3/aggTrades", {"startTime": began, "endTime": ended}),
        ("/api/v3/aggTrades", {"endTime": ended, "limit": 1}),
        ("/api/v3/avgPrice", {}),
        ("/api/v3/ticker/price", {}),  # from the tickers table
    ]
    for path, params in asked:
        query = {"symbol": "BTCUSDT"} | params
        answers = settled(
            partial(both, live, local_reader, path, query), lambda pair: pair[0] == pair[1]
        )
        assert answers[0] == answers[1], (path, query)
    for interval in Interval:
        folded = fold(wanted, interval)
        # From the open of the candle the first trade is in (Binance starts at an open time).
        ranged = {"startTime": interval.open_time(began), "endTime": ended, "limit": 3}
        for params in ({}, ranged):
            query = {"symbol": "BTCUSDT", "interval": interval.value} | params
            # Klines lag the trades archived a little: the candle builder is the second
            # function on the stream.
            klines = settled(
                partial(get, live, "/api/v3/klines", **query), partial(as_folded, folded)
            )
            assert traded(klines) == within(folded, klines), query
            assert traded(klines) and all_flat_between(klines), query
    assert dynamodb_calls
    assert set(dynamodb_calls) <= {"Query", "GetItem"}, sorted(set(dynamodb_calls))


Kline = tuple[Any, ...]


def fold(trades: list[dict[str, Any]], interval: Interval) -> dict[int, Kline]:
    """The klines that trades answered by `/api/v3/trades` make, by open time, folded here with
    decimals: what a kline holds, by Binance's definition."""
    candles: dict[int, list[dict[str, Any]]] = {}
    for trade in sorted(trades, key=lambda t: t["id"]):
        candles.setdefault(interval.open_time(trade["time"]), []).append(trade)
    return {
        opened: (
            opened,
            Decimal(held[0]["price"]),
            max(Decimal(t["price"]) for t in held),
            min(Decimal(t["price"]) for t in held),
            Decimal(held[-1]["price"]),
            sum(Decimal(t["qty"]) for t in held),
            interval.next_open_time(opened) - 1,
            sum(Decimal(t["quoteQty"]) for t in held),
            len(held),
            sum(Decimal(t["qty"]) for t in held if not t["isBuyerMaker"]),
            sum(Decimal(t["quoteQty"]) for t in held if not t["isBuyerMaker"]),
        )
        for opened, held in candles.items()
    }


def as_kline(row: list[Any]) -> Kline:
    return (row[0], *map(Decimal, row[1:6]), row[6], Decimal(row[7]), row[8],
            Decimal(row[9]), Decimal(row[10]))  # fmt: skip


def traded(answer: list[list[Any]]) -> list[Kline]:
    return [as_kline(row) for row in answer if row[8] > 0]


def within(folded: dict[int, Kline], answer: list[list[Any]]) -> list[Kline]:
    """The folded klines from the answer's first open time to its last."""
    if not answer:
        return []
    return [folded[t] for t in sorted(folded) if answer[0][0] <= t <= answer[-1][0]]


def as_folded(folded: dict[int, Kline], answer: list[list[Any]]) -> bool:
    return traded(answer) == within(folded, answer)


def all_flat_between(answer: list[list[Any]]) -> bool:
    """Whether every kline without trades stands flat at the close before it."""
    return all(
        row[1] == row[2] == row[3] == row[4] == before[4] and Decimal(row[5]) == 0
        for before, row in itertools.pairwise(answer)
        if row[8] == 0
    )


def test_the_market_data_keeps_each_book_whole_with_the_sequence_it_reflects(
    live: LiveServer,
) -> None:
    trade(live, "snapshot")
    view = live.companions[1].container.views().views["BTCUSDT"]
    snapshots = live.container.book_snapshots()

    found = settled(
        lambda: live.run(snapshots.latest("BTCUSDT")),
        lambda snapshot: snapshot is not None and snapshot.sequence == view.sequence,
        seconds=15,
    )

    assert found is not None
    assert found == view.snapshot(found.taken_at)
    assert found.asks  # the sells left resting


def test_a_new_market_data_view_warms_up_from_the_snapshot_and_the_trade_stream(
    live: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    market_data = live.companions[1].container
    running = market_data.views().views["BTCUSDT"]
    snapshots = live.container.book_snapshots()
    settled(
        lambda: live.run(snapshots.latest("BTCUSDT")),
        lambda snapshot: snapshot is not None and snapshot.sequence == running.sequence,
        seconds=15,
    )
    trade(live, "warm-up")  # events after the snapshot
    committed = settled(
        lambda: live.run(sequence_of(live, "BTCUSDT")),
        lambda sequence: sequence == running.sequence,
    )
    assert committed == running.sequence

    fresh = MarketViews(live.container.publisher())
    now = live.container.clock().now()
    with caplog.at_level(logging.INFO, logger="application.warm_up"):
        live.run(
            fresh.load(live.container.unit_of_work(), ["BTCUSDT"], now, live.container.warm_up())
        )

    warm = fresh.views["BTCUSDT"]
    assert warm.snapshot(0) == running.snapshot(0)
    assert warm.ticker.stats(now) == running.ticker.stats(now)
    replayed = re.search(r"BTCUSDT warmed up from .* (\d+) commands replayed", caplog.text)
    assert replayed is not None
    assert int(replayed.group(1)) > 0


async def sequence_of(live: LiveServer, symbol: str) -> int:
    unit_of_work: UnitOfWorkFactory = live.container.unit_of_work()
    async with unit_of_work() as uow:
        return await uow.leases.sequence(symbol)
