"""The public history of the `aws` split deployment comes from DynamoDB, which the trade
stream's Lambda functions fill: for the trades made through it, every history endpoint answers
what an api process in `local` mode answers from PostgreSQL, and the api process calls DynamoDB
only with Query and GetItem (never a Scan). Its market data keeps each book whole there too."""

import operator
import time
from collections.abc import Iterator
from functools import partial
from typing import Any

import attrs
import httpx
import pytest

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
    ]
    for interval in Interval:
        asked.append(("/api/v3/klines", {"interval": interval.value}))
        asked.append(("/api/v3/klines", {"interval": interval.value, "startTime": began,
                                         "endTime": ended, "limit": 3}))  # fmt: skip
    for path, params in asked:
        query = {"symbol": "BTCUSDT"} | params
        # Klines from DynamoDB lag the trades archived a little: the candle builder is the
        # second function on the stream.
        answer = settled(
            partial(get, live, path, **query),
            partial(operator.eq, get(local_reader, path, **query)),
        )
        assert answer == get(local_reader, path, **query), (path, query)
    assert dynamodb_calls
    assert set(dynamodb_calls) <= {"Query", "GetItem"}, sorted(set(dynamodb_calls))


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
