"""ccxt's own binance class, pointed at Bourse, doing what a trading bot does."""

import time
from typing import Any

import pytest

from tests.compat.amounts import finer_than_binance
from tests.live_server import LiveServer, settled


@pytest.fixture(scope="module")
def maker(live: LiveServer) -> Any:
    return live.ccxt("ccxt-maker", BTC="10", USDT="1000000", ETH="100")


@pytest.fixture(scope="module")
def taker(live: LiveServer) -> Any:
    return live.ccxt("ccxt-taker", BTC="10", USDT="1000000", ETH="100")


def test_markets_load_with_binance_precision_and_limits(maker: Any) -> None:
    markets = maker.load_markets()
    btc = markets["BTC/USDT"]
    assert btc["id"] == "BTCUSDT"
    assert btc["spot"] is True
    assert btc["precision"]["price"] == 0.01
    assert btc["precision"]["amount"] == 0.00001
    assert btc["limits"]["cost"]["min"] == 5
    assert {"ETH/USDT", "ETH/BTC"} <= set(markets)


def test_a_session_of_orders(maker: Any, taker: Any) -> None:
    maker.load_markets()
    taker.load_markets()
    resting = maker.create_order("BTC/USDT", "limit", "sell", 0.5, 60000)
    assert resting["status"] == "open"
    book = taker.fetch_order_book("BTC/USDT")
    assert book["asks"][0][:2] == [60000.0, 0.5]

    bought = taker.create_order("BTC/USDT", "market", "buy", 0.1)
    assert bought["status"] == "closed"
    assert bought["filled"] == 0.1
    assert bought["fee"]["currency"] == "BTC"

    ioc = taker.create_order("BTC/USDT", "limit", "buy", 0.1, 59000, {"timeInForce": "IOC"})
    assert ioc["status"] in ("expired", "canceled")
    fok = taker.create_order("BTC/USDT", "limit", "buy", 5, 60000, {"timeInForce": "FOK"})
    assert fok["filled"] == 0
    post = taker.create_order("BTC/USDT", "limit", "buy", 0.1, 59000, {"postOnly": True})
    assert post["status"] == "open"
    with pytest.raises(Exception, match="immediately match"):
        taker.create_order("BTC/USDT", "limit", "buy", 0.1, 60000, {"postOnly": True})

    fetched = maker.fetch_order(resting["id"], "BTC/USDT")
    assert fetched["filled"] == 0.1
    assert fetched["remaining"] == 0.4
    assert [o["id"] for o in taker.fetch_open_orders("BTC/USDT")] == [post["id"]]
    canceled = taker.cancel_order(post["id"], "BTC/USDT")
    assert canceled["status"] == "canceled"
    assert taker.fetch_open_orders("BTC/USDT") == []

    mine = taker.fetch_my_trades("BTC/USDT")
    assert [(t["side"], t["amount"], t["price"]) for t in mine] == [("buy", 0.1, 60000.0)]
    trades = settled(
        lambda: taker.fetch_trades("BTC/USDT"),
        lambda found: bool(found) and found[-1]["id"] == mine[-1]["id"],
    )
    assert trades[-1]["price"] == 60000.0
    ticker = settled(lambda: taker.fetch_ticker("BTC/USDT"), lambda found: found["last"] == 60000.0)
    assert ticker["last"] == 60000.0
    candles = settled(
        lambda: taker.fetch_ohlcv("BTC/USDT", "1m", limit=5),
        lambda found: bool(found) and found[-1][4] == 60000.0,
    )
    assert candles[-1][4] == 60000.0

    balance = taker.fetch_balance()
    assert balance["BTC"]["free"] == pytest.approx(10 + 0.1 - 0.0001)
    assert balance["USDT"]["total"] == pytest.approx(1_000_000 - 6000)
    with pytest.raises(Exception, match="insufficient balance"):
        taker.create_order("BTC/USDT", "limit", "buy", 100, 60000)
    answers = [
        taker.publicGetExchangeInfo(),
        [order["info"] for order in (resting, bought, ioc, fok, fetched, canceled)],
        [trade["info"] for trade in mine + maker.fetch_my_trades("BTC/USDT")],
        balance["info"],
        maker.fetch_balance()["info"],
    ]
    assert finer_than_binance(answers) == []


def test_trading_fees(maker: Any) -> None:
    maker.load_markets()
    fee = maker.fetch_trading_fee("ETH/BTC")
    assert (fee["symbol"], fee["maker"], fee["taker"]) == ("ETH/BTC", 0.001, 0.001)


def test_stops_and_icebergs(maker: Any, taker: Any) -> None:
    """A bot's protective stop-loss (`triggerPrice`, and Binance's own `stopPrice`), a
    take-profit, and an iceberg, on ETH/USDT traded at 3,000 first."""
    maker.load_markets()
    taker.load_markets()
    maker.create_order("ETH/USDT", "limit", "sell", 0.1, 3000)
    taker.create_order("ETH/USDT", "limit", "buy", 0.1, 3000)
    stop = maker.create_order("ETH/USDT", "limit", "sell", 1, 2800, {"triggerPrice": 2900})
    fetched = maker.fetch_order(stop["id"], "ETH/USDT")
    assert fetched["info"]["type"] == "STOP_LOSS_LIMIT"
    assert (fetched["status"], fetched["triggerPrice"]) == ("open", 2900.0)
    market_stop = maker.create_order("ETH/USDT", "market", "sell", 0.5, None, {"stopPrice": 2850})
    assert maker.fetch_order(market_stop["id"], "ETH/USDT")["info"]["type"] == "STOP_LOSS"
    take_profit = maker.create_order(
        "ETH/USDT", "limit", "sell", 0.5, 3300, {"takeProfitPrice": 3200}
    )
    assert maker.fetch_order(take_profit["id"], "ETH/USDT")["info"]["type"] == "TAKE_PROFIT_LIMIT"
    with pytest.raises(Exception, match="would trigger immediately"):
        maker.create_order("ETH/USDT", "limit", "sell", 1, 2800, {"triggerPrice": 3100})
    iceberg = maker.create_order("ETH/USDT", "limit", "sell", 3, 3100, {"icebergQty": 1})
    assert float(maker.fetch_order(iceberg["id"], "ETH/USDT")["info"]["icebergQty"]) == 1
    # Split, the book is the market data's, which follows the engine's events a moment later.
    for _ in range(50):
        asks = [ask[:2] for ask in taker.fetch_order_book("ETH/USDT")["asks"]]
        if [3100.0, 1.0] in asks:
            break
        time.sleep(0.1)
    assert [3100.0, 1.0] in asks
    # A trade at 2,900 triggers the stop-loss limit, which rests at 2,800 on the book.
    taker.create_order("ETH/USDT", "limit", "buy", 1, 2900)
    maker.create_order("ETH/USDT", "limit", "sell", 0.1, 2900)
    assert maker.fetch_order(stop["id"], "ETH/USDT")["info"]["isWorking"] is True
    for order in (stop, market_stop, take_profit, iceberg):
        if maker.fetch_order(order["id"], "ETH/USDT")["status"] == "open":
            assert maker.cancel_order(order["id"], "ETH/USDT")["status"] == "canceled"


def test_canceling_one_order_of_an_oco_cancels_the_other(maker: Any) -> None:
    """An OCO sent through ccxt's implicit API (it names the list and both orders), then one
    of its orders canceled the ccxt way."""
    maker.load_markets()
    placed = maker.private_post_orderlist_oco({
        "symbol": "ETHUSDT", "side": "SELL", "quantity": "1",
        "aboveType": "LIMIT_MAKER", "abovePrice": "9000",
        "belowType": "STOP_LOSS_LIMIT", "belowStopPrice": "1000", "belowPrice": "990",
        "belowTimeInForce": "GTC",
    })  # fmt: skip
    stop_id, limit_id = (str(order["orderId"]) for order in placed["orders"])
    fetched = maker.fetch_order(limit_id, "ETH/USDT")
    assert (fetched["status"], fetched["info"]["orderListId"]) == (
        "open", placed["orderListId"],
    )  # fmt: skip
    assert maker.cancel_order(stop_id, "ETH/USDT")["status"] == "canceled"
    assert maker.fetch_order(limit_id, "ETH/USDT")["status"] == "canceled"
    open_ids = {order["id"] for order in maker.fetch_open_orders("ETH/USDT")}
    assert not open_ids & {stop_id, limit_id}
