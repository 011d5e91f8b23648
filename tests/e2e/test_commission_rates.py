"""An account's commission rates, as Binance's spot API and its wallet API give them."""

from tests.e2e.conftest import Venue


async def test_the_account_s_commission_rates_on_a_market(venue: Venue) -> None:
    trader = await venue.trader("fees")
    zero = "0.00000000"
    assert await trader.call("GET", "/api/v3/account/commission", symbol="ETHBTC") == {
        "symbol": "ETHBTC",
        "standardCommission": {
            "maker": "0.00100000", "taker": "0.00100000", "buyer": zero, "seller": zero,
        },
        "specialCommission": {"maker": zero, "taker": zero, "buyer": zero, "seller": zero},
        "taxCommission": {"maker": zero, "taker": zero, "buyer": zero, "seller": zero},
        "discount": {
            "enabledForAccount": False, "enabledForSymbol": False, "discountAsset": None,
            "discount": zero,
        },
    }  # fmt: skip
    unknown = await trader.request("GET", "/api/v3/account/commission", symbol="XRPUSDT")
    assert (unknown.status_code, unknown.json()["code"]) == (400, -1121)
    missing = await trader.request("GET", "/api/v3/account/commission")
    assert missing.json() == {
        "code": -1102,
        "msg": "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    }


async def test_trade_fees_as_the_wallet_api_gives_them(venue: Venue) -> None:
    trader = await venue.trader("fees")
    fee = {"makerCommission": "0.001", "takerCommission": "0.001"}
    assert await trader.call("GET", "/sapi/v1/asset/tradeFee", symbol="BTCUSDT") == [
        {"symbol": "BTCUSDT"} | fee
    ]
    every = await trader.call("GET", "/sapi/v1/asset/tradeFee")
    assert every == [{"symbol": s} | fee for s in ("BTCUSDT", "ETHUSDT", "ETHBTC")]
