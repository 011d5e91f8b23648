"""A market listed through the admin API while the server runs trades at once through ccxt's
binance class, in every deployment (split: listed through the api process, run by the engine
process, its book read from the market data's snapshots)."""

from typing import Any

import httpx

from tests.live_server import LiveServer, settled

DOT_USDT = {
    "baseAsset": "DOT", "quoteAsset": "USDT", "tickSize": "0.001", "stepSize": "0.01",
    "maxQty": "1000000", "minNotional": "1", "maxNotional": "1000000",
    "makerCommission": "0.0005", "takerCommission": "0.001",
}  # fmt: skip


def test_a_market_listed_live_trades_at_once_through_ccxt(live: LiveServer) -> None:
    headers = live.admin_headers("ccxt-lister")
    why = {"reason": "a new market for the ccxt test"}
    with httpx.Client(base_url=live.base_url, headers=headers, timeout=10) as admin:
        asset = admin.post("/api/v1/admin/assets", json={"asset": "DOT", "precision": 8} | why)
        assert asset.status_code == 200, asset.text
        listed = admin.post("/api/v1/admin/markets", json=DOT_USDT | why)
        assert listed.status_code == 200, listed.text

    maker = live.ccxt("ccxt-dot-maker", DOT="100")
    taker = live.ccxt("ccxt-dot-taker", USDT="10000")
    market = taker.load_markets()["DOT/USDT"]
    assert market["id"] == "DOTUSDT"
    assert market["precision"]["price"] == 0.001
    assert market["precision"]["amount"] == 0.01
    assert market["limits"]["cost"]["min"] == 1
    maker.load_markets()

    resting = maker.create_order("DOT/USDT", "limit", "sell", 30, 7.5)
    assert resting["status"] == "open"
    book: Any = settled(lambda: taker.fetch_order_book("DOT/USDT"), lambda b: bool(b["asks"]))
    assert book["asks"][0][:2] == [7.5, 30.0]

    bought = taker.create_order("DOT/USDT", "market", "buy", 10)
    assert bought["status"] == "closed"
    assert bought["filled"] == 10
    assert (bought["fee"]["currency"], bought["fee"]["cost"]) == ("DOT", 0.01)
    assert maker.fetch_order(resting["id"], "DOT/USDT")["remaining"] == 20
    assert taker.fetch_balance()["DOT"]["free"] == 9.99
    trades = settled(lambda: taker.fetch_trades("DOT/USDT"), bool)
    assert [(t["price"], t["amount"]) for t in trades] == [(7.5, 10)]
