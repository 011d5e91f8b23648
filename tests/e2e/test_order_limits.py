"""The limits on orders as exchangeInfo publishes them and as refusals word them, refused
alike by a test order, whether the engine runs in the api's process or in another."""

from tests.e2e.conftest import Venue

ORDER = "/api/v3/order"
TEST_ORDER = "/api/v3/order/test"


def limit(side: str, quantity: str, price: str, **extra: str) -> dict[str, str]:
    return {
        "symbol": "BTCUSDT", "side": side, "type": "LIMIT", "timeInForce": "GTC",
        "quantity": quantity, "price": price,
    } | extra  # fmt: skip


async def test_exchange_info_publishes_the_order_limits(venue: Venue) -> None:
    info = (await venue.client.get("/api/v3/exchangeInfo")).json()
    btc = next(s for s in info["symbols"] if s["symbol"] == "BTCUSDT")
    filters = {f["filterType"]: f for f in btc["filters"]}
    assert filters["PERCENT_PRICE_BY_SIDE"] == {
        "filterType": "PERCENT_PRICE_BY_SIDE",
        "bidMultiplierUp": "5",
        "bidMultiplierDown": "0.2",
        "askMultiplierUp": "5",
        "askMultiplierDown": "0.2",
        "avgPriceMins": 5,
    }
    assert filters["MAX_NUM_ORDERS"] == {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200}
    assert filters["MAX_NUM_ALGO_ORDERS"] == {
        "filterType": "MAX_NUM_ALGO_ORDERS",
        "maxNumAlgoOrders": 5,
    }


async def test_a_limit_price_far_from_the_average_price_is_refused(venue: Venue) -> None:
    seller = await venue.trader("seller", BTC="1")
    buyer = await venue.trader("buyer", USDT="1000000")
    await seller.call("POST", ORDER, **limit("SELL", "0.01", "60000"))
    await buyer.call("POST", ORDER, **limit("BUY", "0.01", "60000"))
    assert (await venue.client.get("/api/v3/avgPrice?symbol=BTCUSDT")).json()["price"] == (
        "60000.00000000"
    )
    band = {"code": -1013, "msg": "Filter failure: PERCENT_PRICE_BY_SIDE"}
    for trader, side, price in ((buyer, "BUY", "11999.99"), (seller, "SELL", "300000.01")):
        for path in (TEST_ORDER, ORDER):
            answer = await trader.request("POST", path, **limit(side, "0.001", price))
            assert (answer.status_code, answer.json()) == (400, band), (side, path)
    assert await buyer.call("GET", "/api/v3/openOrders", symbol="BTCUSDT") == []
    assert await buyer.call("POST", TEST_ORDER, **limit("BUY", "0.001", "12000")) == {}
    await buyer.call("POST", ORDER, **limit("BUY", "0.001", "12000"))
    await seller.call("POST", ORDER, **limit("SELL", "0.001", "300000"))


async def test_an_account_may_have_200_open_orders_on_a_market(venue: Venue) -> None:
    trader = await venue.trader("busy", USDT="1000000")
    for tick in range(200):
        await trader.call("POST", ORDER, **limit("BUY", "0.001", f"{50000 + tick}"))
    for path in (TEST_ORDER, ORDER):
        answer = await trader.request("POST", path, **limit("BUY", "0.001", "49000"))
        assert (answer.status_code, answer.json()) == (
            400,
            {"code": -1013, "msg": "Filter failure: MAX_NUM_ORDERS"},
        ), path
    ioc = limit("BUY", "0.001", "49000", timeInForce="IOC")
    assert await trader.call("POST", TEST_ORDER, **ioc) == {}
    await trader.call(
        "POST", ORDER, **limit("BUY", "0.001", "49000", timeInForce="IOC")
    )  # cannot rest: not counted
    other = await venue.trader("other", USDT="1000")
    await other.call("POST", ORDER, **limit("BUY", "0.001", "49000"))
