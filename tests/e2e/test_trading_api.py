from decimal import Decimal

from tests.e2e.conftest import Venue


async def test_ping_time_and_exchange_info(venue: Venue) -> None:
    assert (await venue.client.get("/api/v3/ping")).json() == {}
    assert (await venue.client.get("/api/v3/time")).json()["serverTime"] > 0
    info = (await venue.client.get("/api/v3/exchangeInfo")).json()
    btc = next(s for s in info["symbols"] if s["symbol"] == "BTCUSDT")
    filters = {f["filterType"]: f for f in btc["filters"]}
    assert filters["PRICE_FILTER"]["tickSize"] == "0.01000000"
    assert Decimal(filters["LOT_SIZE"]["stepSize"]) == Decimal("0.00001")
    assert Decimal(filters["NOTIONAL"]["minNotional"]) == 5


async def test_a_limit_order_rests_and_a_market_order_takes_it(venue: Venue) -> None:
    maker = await venue.trader("maker", BTC="1")
    taker = await venue.trader("taker", USDT="100000")
    placed = await maker.call(
        "POST", "/api/v3/order", symbol="BTCUSDT", side="SELL", type="LIMIT",
        timeInForce="GTC", quantity="0.5", price="60000",
    )  # fmt: skip
    assert placed["status"] == "NEW"
    depth = (await venue.client.get("/api/v3/depth?symbol=BTCUSDT")).json()
    assert depth["asks"] == [["60000.00000000", "0.5000000000"]]
    taken = await taker.call(
        "POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.2"
    )
    assert taken["status"] == "FILLED"
    assert taken["fills"] == [
        {
            "price": "60000.00000000",
            "qty": "0.2000000000",
            "commission": "0.0002000000",
            "commissionAsset": "BTC",
            "tradeId": 1,
        }
    ]
    order = await maker.call("GET", "/api/v3/order", symbol="BTCUSDT", orderId=placed["orderId"])
    assert order["status"] == "PARTIALLY_FILLED"
    assert order["executedQty"] == "0.2000000000"
