"""Public market data over HTTP, as a client sees it."""

import json
from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import Trader, Venue


async def trade_once(venue: Venue) -> tuple[Trader, Trader]:
    maker = await venue.trader("maker", BTC="2")
    taker = await venue.trader("taker", USDT="200000")
    for price in ("60000", "60010"):
        await maker.call(
            "POST", "/api/v3/order", symbol="BTCUSDT", side="SELL", type="LIMIT",
            timeInForce="GTC", quantity="0.5", price=price,
        )  # fmt: skip
    await taker.call(
        "POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.7"
    )
    return maker, taker


async def get(venue: Venue, path: str) -> Any:
    response = await venue.client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


async def test_depth_trades_and_aggregate_trades(venue: Venue) -> None:
    await trade_once(venue)
    depth = await get(venue, "/api/v3/depth?symbol=BTCUSDT&limit=5")
    assert depth == {
        "lastUpdateId": 3,
        "bids": [],
        "asks": [["60010.00000000", "0.30000000"]],
    }
    trades = await get(venue, "/api/v3/trades?symbol=BTCUSDT")
    assert [(t["id"], t["price"], t["qty"], t["isBuyerMaker"]) for t in trades] == [
        (1, "60000.00000000", "0.50000000", False),
        (2, "60010.00000000", "0.20000000", False),
    ]
    older = await get(venue, "/api/v3/historicalTrades?symbol=BTCUSDT&fromId=2")
    assert [t["id"] for t in older] == [2]
    aggregated = await get(venue, "/api/v3/aggTrades?symbol=BTCUSDT")
    assert [(a["a"], a["f"], a["l"], a["q"]) for a in aggregated] == [
        (1, 1, 1, "0.50000000"),
        (2, 2, 2, "0.20000000"),
    ]


async def test_klines_tickers_and_average_price(venue: Venue) -> None:
    await trade_once(venue)
    for interval in ("1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h",
                     "12h", "1d", "3d", "1w", "1M"):  # fmt: skip
        klines = await get(venue, f"/api/v3/klines?symbol=BTCUSDT&interval={interval}&limit=5")
        assert isinstance(klines, list)
        # A short interval may have closed since the trades: flat candles follow it then.
        last = [kline for kline in klines if kline[8]][-1]
        assert last[1:5] == ["60000.00000000", "60010.00000000", "60000.00000000", "60010.00000000"]
        assert last[5] == "0.70000000"
        assert last[8] == 2
    ticker = await get(venue, "/api/v3/ticker/24hr?symbol=BTCUSDT")
    assert isinstance(ticker, dict)
    assert ticker["lastPrice"] == "60010.00000000"
    assert ticker["count"] == 2
    assert ticker["askPrice"] == "60010.00000000"
    every = await get(venue, "/api/v3/ticker/24hr")
    assert isinstance(every, list)
    assert len(every) == 3
    prices = await get(venue, '/api/v3/ticker/price?symbols=["BTCUSDT","ETHBTC"]')
    assert prices == [
        {"symbol": "BTCUSDT", "price": "60010.00000000"},
        {"symbol": "ETHBTC", "price": "0.00000000"},
    ]
    book = await get(venue, "/api/v3/ticker/bookTicker?symbol=BTCUSDT")
    assert book == {
        "symbol": "BTCUSDT",
        "bidPrice": "0.00000000",
        "bidQty": "0.00000000",
        "askPrice": "60010.00000000",
        "askQty": "0.30000000",
    }
    average = await get(venue, "/api/v3/avgPrice?symbol=BTCUSDT")
    assert isinstance(average, dict)
    expected = (Decimal("0.5") * 60000 + Decimal("0.2") * 60010) / Decimal("0.7")
    assert Decimal(average["price"]) == expected.quantize(Decimal("0.00000001"), "ROUND_DOWN")


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/api/v3/depth", -1102),
        ("/api/v3/depth?symbol=DOGEUSDT", -1121),
        ("/api/v3/depth?symbol=BTCUSDT&limit=0", -1100),
        ("/api/v3/depth?symbol=BTCUSDT&limit=abc", -1100),
        ("/api/v3/depth?symbol=BTCUSDT&extra=1", -1104),
        ("/api/v3/klines?symbol=BTCUSDT&interval=7m", -1120),
        ("/api/v3/klines?symbol=BTCUSDT", -1102),
        ("/api/v3/aggTrades?symbol=BTCUSDT&fromId=1&startTime=5", -1128),
        ('/api/v3/ticker/price?symbols=["BTCUSDT"]&symbol=BTCUSDT', -1101),
        ("/api/v3/ticker/price?symbols=notjson", -1100),
        ("/api/v3/avgPrice", -1102),
        ("/api/v3/nothing", -1000),
    ],
)
async def test_bad_requests_get_binance_errors(venue: Venue, path: str, code: int) -> None:
    response = await venue.client.get(path)
    assert 400 <= response.status_code < 500
    assert response.json()["code"] == code
    assert json.dumps(response.json()).count("msg") == 1


async def test_openapi_schema_and_docs_are_served(venue: Venue) -> None:
    schema = await get(venue, "/docs/openapi.json")
    assert isinstance(schema, dict)
    assert "/api/v3/order" in schema["paths"]
    assert (await venue.client.get("/docs/swagger")).status_code == 200
