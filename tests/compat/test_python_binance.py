"""python-binance's Client, pointed at Bourse."""

import time
from decimal import Decimal

import pytest
from binance.client import Client
from binance.exceptions import BinanceAPIException

from tests.compat.amounts import finer_than_binance
from tests.live_server import LiveServer, settled


@pytest.fixture(scope="module")
def seller(live: LiveServer) -> Client:
    return live.python_binance("pb-seller", ETH="50", BTC="5")


@pytest.fixture(scope="module")
def buyer(live: LiveServer) -> Client:
    return live.python_binance("pb-buyer", BTC="5", USDT="100000")


def test_public_data(buyer: Client) -> None:
    buyer.ping()
    assert buyer.get_server_time()["serverTime"] > 0
    info = buyer.get_symbol_info("ETHBTC")
    assert info is not None
    assert info["baseAsset"] == "ETH"
    assert info["quoteAsset"] == "BTC"


def test_a_session_of_orders(seller: Client, buyer: Client) -> None:
    resting = seller.order_limit_sell(symbol="ETHBTC", quantity="2", price="0.05")
    assert resting["status"] == "NEW"
    assert buyer.get_order_book(symbol="ETHBTC")["asks"] == [["0.05000000", "2.00000000"]]

    bought = buyer.order_market_buy(symbol="ETHBTC", quantity="0.5")
    assert bought["status"] == "FILLED"
    assert bought["fills"][0]["commissionAsset"] == "ETH"
    by_quote = buyer.order_market_buy(symbol="ETHBTC", quoteOrderQty="0.01")
    assert by_quote["executedQty"] == "0.20000000"

    ioc = buyer.order_limit_buy(symbol="ETHBTC", quantity="0.1", price="0.049", timeInForce="IOC")
    assert ioc["status"] == "EXPIRED"
    fok = buyer.order_limit_buy(symbol="ETHBTC", quantity="9", price="0.05", timeInForce="FOK")
    assert fok["status"] == "EXPIRED"
    maker = buyer.create_order(
        symbol="ETHBTC", side="BUY", type="LIMIT_MAKER", quantity="1", price="0.048"
    )
    assert buyer.get_order(symbol="ETHBTC", orderId=maker["orderId"])["status"] == "NEW"
    assert [o["orderId"] for o in buyer.get_open_orders(symbol="ETHBTC")] == [maker["orderId"]]
    canceled = buyer.cancel_order(symbol="ETHBTC", orderId=maker["orderId"])
    assert canceled["status"] == "CANCELED"

    assert seller.get_order(symbol="ETHBTC", orderId=resting["orderId"])["executedQty"] == (
        "0.70000000"
    )
    assert [t["qty"] for t in buyer.get_my_trades(symbol="ETHBTC")] == [
        "0.50000000",
        "0.20000000",
    ]
    assert len(buyer.get_all_orders(symbol="ETHBTC")) == 5
    klines = settled(
        lambda: buyer.get_klines(symbol="ETHBTC", interval="1m", limit=1),
        lambda found: bool(found) and found[0][4] == "0.05000000",
    )
    assert klines[0][4] == "0.05000000"
    ticker = settled(
        lambda: buyer.get_ticker(symbol="ETHBTC"),
        lambda found: found["lastPrice"] == "0.05000000",
    )
    assert ticker["lastPrice"] == "0.05000000"
    account = buyer.get_account()
    balances = {b["asset"]: b for b in account["balances"]}
    assert balances["ETH"]["free"] == "0.69930000"
    answers = [
        buyer.get_exchange_info(),
        [resting, bought, by_quote, ioc, maker, canceled],
        buyer.get_all_orders(symbol="ETHBTC"),
        buyer.get_my_trades(symbol="ETHBTC"),
        seller.get_my_trades(symbol="ETHBTC"),
        account,
        seller.get_account(),
    ]
    assert finer_than_binance(answers) == []

    with pytest.raises(BinanceAPIException) as refused:
        buyer.order_limit_buy(symbol="ETHBTC", quantity="0.00001", price="0.05")
    assert refused.value.code == -1013
    with pytest.raises(BinanceAPIException) as unknown:
        buyer.cancel_order(symbol="ETHBTC", orderId=999)
    assert unknown.value.code == -2011


def test_a_self_trade_shows_both_sides_and_a_prevented_one_expires(live: LiveServer) -> None:
    trader = live.python_binance("pb-self", ETH="5", USDT="10000")
    sell = trader.order_limit_sell(symbol="ETHUSDT", quantity="1", price="3000")
    buy = trader.order_limit_buy(
        symbol="ETHUSDT", quantity="1", price="3000", selfTradePreventionMode="NONE"
    )
    assert buy["status"] == "FILLED"
    mine = trader.get_my_trades(symbol="ETHUSDT")
    assert [(t["orderId"], t["isBuyer"], t["commission"], t["commissionAsset"]) for t in mine] == [
        (buy["orderId"], True, "0.00100000", "ETH"),
        (sell["orderId"], False, "3.00000000", "USDT"),
    ]

    resting = trader.order_limit_sell(symbol="ETHUSDT", quantity="1", price="3000")
    taking = trader.order_limit_buy(symbol="ETHUSDT", quantity="1", price="3000")
    assert taking["status"] == "NEW"
    assert taking["preventedMatches"][0]["makerOrderId"] == resting["orderId"]
    expired = trader.get_order(symbol="ETHUSDT", orderId=resting["orderId"])
    assert (expired["status"], expired["preventedQuantity"]) == ("EXPIRED_IN_MATCH", "1.00000000")


def test_a_stop_loss_limit_and_an_iceberg(live: LiveServer) -> None:
    trader = live.python_binance("pb-stops", ETH="10", BTC="10")
    other = live.python_binance("pb-stops-other", ETH="10", BTC="10")
    trader.order_limit_sell(symbol="ETHBTC", quantity="0.1", price="0.05")
    other.order_market_buy(symbol="ETHBTC", quantity="0.1")  # whatever the book asks
    stop = trader.create_order(
        symbol="ETHBTC", side="SELL", type="STOP_LOSS_LIMIT", timeInForce="GTC",
        quantity="1", price="0.029", stopPrice="0.03",
    )  # fmt: skip
    waiting = trader.get_order(symbol="ETHBTC", orderId=stop["orderId"])
    assert (Decimal(waiting["stopPrice"]), waiting["isWorking"]) == (Decimal("0.03"), False)
    iceberg = trader.order_limit(
        symbol="ETHBTC", side="SELL", quantity="2", price="0.07", icebergQty="0.5"
    )
    # Split, the book is the market data's, which follows the engine's events a moment later.
    for _ in range(50):
        depth = other.get_order_book(symbol="ETHBTC")
        shown = [(Decimal(price), Decimal(quantity)) for price, quantity in depth["asks"]]
        if (Decimal("0.07"), Decimal("0.5")) in shown:
            break
        time.sleep(0.1)
    assert (Decimal("0.07"), Decimal("0.5")) in shown
    with pytest.raises(BinanceAPIException, match="would trigger immediately"):
        trader.create_order(
            symbol="ETHBTC", side="SELL", type="STOP_LOSS", quantity="1", stopPrice="0.5"
        )
    for order in (stop, iceberg):
        trader.cancel_order(symbol="ETHBTC", orderId=order["orderId"])


def test_an_oco_placed_listed_and_canceled_by_one_order(live: LiveServer) -> None:
    """`create_oco_order` sends the current route (orderList/oco) with above and below orders;
    canceling either order cancels both."""
    trader = live.python_binance("pb-oco", BTC="1")
    placed = trader.create_oco_order(
        symbol="BTCUSDT", side="SELL", quantity="0.1", aboveType="LIMIT_MAKER",
        abovePrice="150000", belowType="STOP_LOSS", belowStopPrice="1000",
    )  # fmt: skip
    assert (placed["contingencyType"], placed["listOrderStatus"]) == ("OCO", "EXECUTING")
    stop, limit = placed["orderReports"]
    assert (stop["type"], limit["type"]) == ("STOP_LOSS", "LIMIT_MAKER")
    assert [found["orderListId"] for found in trader.get_open_oco_orders()] == [
        placed["orderListId"]
    ]
    balance = trader.get_asset_balance(asset="BTC")
    assert (balance["free"], balance["locked"]) == ("0.90000000", "0.10000000")
    trader.cancel_order(symbol="BTCUSDT", orderId=limit["orderId"])
    assert trader.get_order(symbol="BTCUSDT", orderId=stop["orderId"])["status"] == "CANCELED"
    assert trader.get_open_oco_orders() == []
    with pytest.raises(BinanceAPIException) as refused:
        trader.create_oco_order(
            symbol="BTCUSDT", side="SELL", quantity="0.1", aboveType="STOP_LOSS",
            aboveStopPrice="150000", belowType="LIMIT_MAKER", belowPrice="1000",
        )  # fmt: skip
    assert refused.value.code == -1197


def test_an_oto_and_an_otoco_placed_and_listed(live: LiveServer) -> None:
    """python-binance's `v3_post_order_list_oto` and `_otoco` send the routes' parameters as
    given: the pending orders wait PENDING_NEW, and show in the open orders and lists."""
    trader = live.python_binance("pb-oto", USDT="1000")
    working = {
        "symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY",
        "workingPrice": "1000", "workingQuantity": "0.1", "workingTimeInForce": "GTC",
    }  # fmt: skip
    placed = trader.v3_post_order_list_oto(
        pendingType="LIMIT", pendingSide="SELL", pendingPrice="150000",
        pendingQuantity="0.0999", pendingTimeInForce="GTC", **working,
    )  # fmt: skip
    assert (placed["contingencyType"], placed["listOrderStatus"]) == ("OTO", "EXECUTING")
    assert [r["status"] for r in placed["orderReports"]] == ["NEW", "PENDING_NEW"]
    triple = trader.v3_post_order_list_otoco(
        pendingSide="SELL", pendingQuantity="0.0999", pendingAboveType="LIMIT_MAKER",
        pendingAbovePrice="150000", pendingBelowType="STOP_LOSS", pendingBelowStopPrice="900",
        **working,
    )  # fmt: skip
    assert len(triple["orderReports"]) == 3
    statuses = [o["status"] for o in trader.get_open_orders(symbol="BTCUSDT")]
    assert statuses == ["NEW", "PENDING_NEW", "NEW", "PENDING_NEW", "PENDING_NEW"]
    assert [found["orderListId"] for found in trader.get_open_oco_orders()] == [
        placed["orderListId"], triple["orderListId"],
    ]  # fmt: skip
    balance = trader.get_asset_balance(asset="USDT")
    assert (balance["free"], balance["locked"]) == ("800.00000000", "200.00000000")
