"""A seeded session on the engine: market makers quote around a drifting price, takers trade
against them, and the outcome is printed in decimals, with the ledger's totals checked."""

import random
from collections import Counter

from adapters.memory.demo_listing import demo_markets
from domain.commands import CancelOrder, Deposit, PlaceOrder
from domain.events import Trade
from domain.exchange import Exchange
from domain.ledger import EXTERNAL_ACCOUNT, FEE_ACCOUNT
from domain.orders import OrderType, Side

SYMBOL = "BTCUSDT"
MAKERS = (1, 2)
TAKERS = (3, 4, 5)


def run_demo(orders: int, seed: int) -> None:
    rng = random.Random(seed)
    exchange = Exchange(demo_markets())
    state = exchange.state(SYMBOL)
    market = state.market
    for account in MAKERS + TAKERS:
        exchange.deposit(Deposit(account, "USDT", market.quote.to_minor("1000000")))
        exchange.deposit(Deposit(account, "BTC", market.base.to_minor("20")))
    fair = market.price("60000")
    trades: list[Trade] = []
    placed: Counter[str] = Counter()
    for step in range(orders):
        fair += rng.randint(-3, 3) * market.tick_size
        account = rng.choice(MAKERS + TAKERS)
        side = rng.choice(list(Side))
        if account in MAKERS:
            ticks = rng.randint(1, 25)
            price = (
                fair - ticks * market.tick_size
                if side is Side.BUY
                else fair + ticks * market.tick_size
            )
            command = PlaceOrder(
                account, SYMBOL, side, OrderType.LIMIT,
                quantity=rng.randint(1, 50) * 1000 * market.lot_size, price=price, timestamp=step,
            )  # fmt: skip
        else:
            command = PlaceOrder(
                account, SYMBOL, side, OrderType.MARKET,
                quantity=rng.randint(1, 30) * 1000 * market.lot_size, timestamp=step,
            )  # fmt: skip
        trades.extend(e for e in exchange.place(command) if isinstance(e, Trade))
        placed[command.type.value] += 1
        if len(state.book.orders) > 60:
            oldest = next(iter(state.book.orders.values()))
            exchange.cancel(CancelOrder(oldest.account_id, SYMBOL, oldest.order_id))
            placed["canceled"] += 1

    quote, base = market.quote, market.base
    print(f"Bourse demo: {SYMBOL}, {orders} orders ({dict(placed)}), {len(trades)} trades\n")
    print(f"{'bids':>30} | asks")
    bids, asks = state.book.depth(Side.BUY, 8), state.book.depth(Side.SELL, 8)
    for bid, ask in zip(bids, asks, strict=False):
        print(
            f"{base.format(bid[1]):>14} @ {quote.format(bid[0]):<13} | "
            f"{quote.format(ask[0])} x {base.format(ask[1])}"
        )
    print("\nlast trades:")
    for trade in trades[-5:]:
        taker = "sell" if trade.buyer_is_maker else "buy"
        print(
            f"  #{trade.trade_id} {taker:4} {base.format(trade.quantity)} "
            f"@ {quote.format(trade.price)}"
        )
    print("\nbalances (available / locked):")
    totals: Counter[str] = Counter()
    for account, asset, balance in sorted(exchange.ledger.balances()):
        if account == EXTERNAL_ACCOUNT:
            continue
        totals[asset] += balance.total
        name = "fees" if account == FEE_ACCOUNT else f"account {account}"
        unit = exchange.assets[asset]
        print(
            f"  {name:<10} {asset:<5} {unit.format(balance.available):>22} "
            f"/ {unit.format(balance.locked)}"
        )
    deposited = {asset: -exchange.ledger.balance(EXTERNAL_ACCOUNT, asset).total for asset in totals}
    status = "conserved" if deposited == dict(totals) else "NOT CONSERVED"
    print(f"\nevery asset's total equals what was deposited: {status}")
