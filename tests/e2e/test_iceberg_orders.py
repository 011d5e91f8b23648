"""Iceberg orders over REST: the depth shows only their shown part, each next part queues at
the back of its level, and what Binance refuses is refused with its codes."""

from decimal import Decimal

import pytest

from tests.e2e.conftest import Venue

ORDER = "/api/v3/order"


def sell(quantity: str, price: str, **extra: str) -> dict[str, str]:
    return {
        "symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "timeInForce": "GTC",
        "quantity": quantity, "price": price,
    } | extra  # fmt: skip


async def asks(venue: Venue) -> list[tuple[Decimal, Decimal]]:
    depth = (await venue.client.get("/api/v3/depth?symbol=BTCUSDT")).json()
    return [(Decimal(p), Decimal(q)) for p, q in depth["asks"]]


async def test_an_iceberg_shows_one_part_at_a_time(venue: Venue) -> None:
    info = (await venue.client.get("/api/v3/exchangeInfo?symbol=BTCUSDT")).json()["symbols"][0]
    assert info["icebergAllowed"] is True
    assert {"filterType": "ICEBERG_PARTS", "limit": 10} in info["filters"]
    seller = await venue.trader("seller", BTC="5")
    other = await venue.trader("other", BTC="5")
    buyer = await venue.trader("buyer", USDT="1000000")
    iceberg = await seller.call("POST", ORDER, **sell("3", "60000", icebergQty="1"))
    await other.call("POST", ORDER, **sell("0.5", "60000"))
    assert await asks(venue) == [(Decimal(60000), Decimal("1.5"))]
    shown = await seller.call("GET", ORDER, symbol="BTCUSDT", orderId=iceberg["orderId"])
    assert Decimal(shown["icebergQty"]) == 1 and Decimal(shown["origQty"]) == 3
    bought = await buyer.call(
        "POST", ORDER, symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
        quantity="2", price="60000",
    )  # fmt: skip
    # The iceberg's first part, the plain order, then the iceberg's next part.
    assert [Decimal(f["qty"]) for f in bought["fills"]] == [1, Decimal("0.5"), Decimal("0.5")]
    assert await asks(venue) == [(Decimal(60000), Decimal("0.5"))]


@pytest.mark.parametrize(
    ("extra", "code", "msg"),
    [
        ({"icebergQty": "0.2"}, -1013, "Filter failure: ICEBERG_PARTS"),
        ({"icebergQty": "3"}, -2010, "IcebergQty exceeds QTY."),
        ({"icebergQty": "1", "timeInForce": "IOC"}, -2010, "Unsupported order combination"),
        ({"icebergQty": "0.000001"}, -1013, "Filter failure: LOT_SIZE"),
        ({"icebergQty": "1e1"}, -1100,
         "Illegal characters found in parameter 'icebergQty'; legal range is "
         "'^([0-9]{1,20})(\\.[0-9]{1,20})?$'."),
    ],
)  # fmt: skip
async def test_bad_icebergs_are_refused(
    venue: Venue, extra: dict[str, str], code: int, msg: str
) -> None:
    seller = await venue.trader("seller", BTC="5")
    response = await seller.request("POST", ORDER, **sell("3", "60000", **extra))
    assert (response.status_code, response.json()) == (400, {"code": code, "msg": msg})
    assert await seller.call("GET", "/api/v3/allOrders", symbol="BTCUSDT") == []


async def test_a_market_order_takes_no_iceberg(venue: Venue) -> None:
    seller = await venue.trader("seller", BTC="5")
    response = await seller.request(
        "POST", ORDER, symbol="BTCUSDT", side="SELL", type="MARKET", quantity="1", icebergQty="0.5"
    )
    assert response.json() == {
        "code": -1106,
        "msg": "Parameter 'icebergQty' sent when not required.",
    }
