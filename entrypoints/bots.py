"""Demo bots: market makers quoting around a drifting price, takers hitting them, and a trader
who protects each position it buys with a trailing stop-loss, a take-profit and an OCO, trading
through the same use cases as any client, so that a new exchange shows a live book at once."""

import asyncio
import contextlib
import random
from decimal import Decimal

from application.accounts import Accounts
from application.funds import Funds
from application.history import OPEN
from application.trading import PlacedOrder, Trading
from domain.commands import CancelOrder, OcoLeg, PlaceOco, PlaceOrder
from domain.errors import DomainError
from domain.markets import BASIS_POINTS, Market
from domain.orders import OrderType, Side

START_PRICES = {"BTCUSDT": "60000", "ETHUSDT": "3000", "ETHBTC": "0.05"}
BOT_FUNDS = {"USDT": "50000000", "BTC": "1000", "ETH": "20000"}
LEVELS = 6
QUOTE_EVERY = 0.5  # seconds
TAKE_EVERY = 0.7  # seconds
PROTECT_EVERY = 2.0  # seconds
TRAILING_BIPS = 30  # the protective stop trails the best price by 0.3%
PROFIT_BIPS = 30  # and the take-profit waits for a rise of 0.3%


async def bot_account(accounts: Accounts, funds: Funds, name: str) -> int:
    """Signs the bot up (or finds it again) and funds it."""
    email = f"{name}@bots.bourse.local"
    async with accounts.unit_of_work() as uow:
        user = await uow.users.by_email(email)
    if user is None:
        user = await accounts.sign_up(email, accounts.ids.token())
        for asset, amount in BOT_FUNDS.items():
            reference = f"bot funding {name} {asset}"
            await funds.deposit(user.user_id, asset, Decimal(amount), reference)
    return user.user_id


async def make_market(trading: Trading, account_id: int, market: Market, seed: int) -> None:
    rng = random.Random(seed)
    fair = market.price(START_PRICES[market.symbol])
    tick = market.tick_size
    step = max(tick, fair // 20_000 // tick * tick)
    await trading.cancel_all(account_id, market.symbol)
    quoted: list[int] = []
    while True:
        fair = max(step * 10, fair + rng.randint(-3, 3) * step)
        quoting = []
        for level in range(1, LEVELS + 1):
            for side in Side:
                offset = level * step + rng.randint(0, 2) * tick
                price = fair - offset if side is Side.BUY else fair + offset
                placed = await _place(
                    trading, market, account_id, side, OrderType.LIMIT, price, rng
                )
                if placed is not None:
                    quoting.append(placed.order.order_id)
        for order_id in quoted:  # the new quotes stand before the old ones go
            with contextlib.suppress(DomainError):  # it traded away meanwhile
                await trading.cancel(CancelOrder(account_id, market.symbol, order_id))
        quoted = quoting
        await asyncio.sleep(QUOTE_EVERY)


async def take(trading: Trading, account_id: int, markets: list[Market], seed: int) -> None:
    rng = random.Random(seed)
    while True:
        await asyncio.sleep(TAKE_EVERY * rng.uniform(0.5, 1.5))
        market = rng.choice(markets)
        side = rng.choice(list(Side))
        await _place(trading, market, account_id, side, OrderType.MARKET, 0, rng)


async def protect(trading: Trading, account_id: int, markets: list[Market], seed: int) -> None:
    """Buys, then sells a third of what it bought under a trailing STOP_LOSS, a third under a
    TAKE_PROFIT_LIMIT and a third under an OCO (a LIMIT_MAKER above, a STOP_LOSS below); buys
    again on a market once none of them waits there any more."""
    rng = random.Random(seed)
    while True:
        await asyncio.sleep(PROTECT_EVERY * rng.uniform(0.5, 1.5))
        market = rng.choice(markets)
        async with trading.unit_of_work() as uow:
            waiting = await uow.orders.of_account(account_id, market.symbol, OPEN, limit=1)
        if not waiting:
            await _protected_position(trading, account_id, market, rng)


async def _protected_position(
    trading: Trading, account_id: int, market: Market, rng: random.Random
) -> None:
    last = trading.exchange.state(market.symbol).last_price
    if not last:
        return
    half = _quantity(market, last, rng)
    buy = PlaceOrder(account_id, market.symbol, Side.BUY, OrderType.MARKET, 3 * half)
    take_at = -(-last * (BASIS_POINTS + PROFIT_BIPS) // BASIS_POINTS // market.tick_size)
    take_at *= market.tick_size
    stop_at = last * (BASIS_POINTS - PROFIT_BIPS) // BASIS_POINTS // market.tick_size
    stop_at *= market.tick_size
    stop = PlaceOrder(
        account_id, market.symbol, Side.SELL, OrderType.STOP_LOSS, half,
        trailing_delta=TRAILING_BIPS,
    )  # fmt: skip
    take_profit = PlaceOrder(
        account_id, market.symbol, Side.SELL, OrderType.TAKE_PROFIT_LIMIT, half, take_at,
        stop_price=take_at,
    )  # fmt: skip
    oco = PlaceOco(
        account_id, market.symbol, Side.SELL, half,
        above=OcoLeg(OrderType.LIMIT_MAKER, price=take_at),
        below=OcoLeg(OrderType.STOP_LOSS, stop_price=stop_at),
    )  # fmt: skip
    for command in (buy, stop, take_profit, oco):
        try:
            if isinstance(command, PlaceOco):
                await trading.place_oco(command)
            else:
                await trading.place(command)
        except DomainError:
            return  # the book moved on, or the funds ran short: it tries again later


def _quantity(market: Market, reference: int, rng: random.Random) -> int:
    """A size worth about 10 to 500 times the market's minimum notional at `reference`."""
    lots_for_minimum = -(-market.min_notional * market.base.scale // reference) // market.lot_size
    return max(1, lots_for_minimum) * rng.randint(10, 500) * market.lot_size


async def _place(
    trading: Trading,
    market: Market,
    account_id: int,
    side: Side,
    order_type: OrderType,
    price: int,
    rng: random.Random,
) -> PlacedOrder | None:
    reference = price or market.price(START_PRICES[market.symbol])
    quantity = _quantity(market, reference, rng)
    command = PlaceOrder(account_id, market.symbol, side, order_type, quantity, price)
    try:
        return await trading.place(command)
    except DomainError:
        return None  # a bot that runs short of funds or meets an empty book just waits


async def run_bots(accounts: Accounts, funds: Funds, trading: Trading) -> None:
    markets = [state.market for state in trading.exchange.markets.values()]
    tasks = []
    for index, market in enumerate(markets):
        maker = await bot_account(accounts, funds, f"maker-{market.symbol.lower()}")
        tasks.append(make_market(trading, maker, market, seed=index))
    taker = await bot_account(accounts, funds, "taker")
    tasks.append(take(trading, taker, markets, seed=99))
    protector = await bot_account(accounts, funds, "protector")
    tasks.append(protect(trading, protector, markets, seed=7))
    await asyncio.gather(*tasks)
