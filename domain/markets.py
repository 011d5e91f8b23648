"""Markets: what trades against what, in which increments, at which fees."""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from domain.assets import MAX_HOLDINGS, Asset, to_minor
from domain.errors import (
    FilterFailure,
    InvalidAmount,
    InvalidListing,
    InvalidOrder,
    MarketFilter,
)
from domain.orders import SelfTradePrevention, Side

BASIS_POINTS: Final = 10_000
MAX_COUNT: Final = 100_000  # the most open orders, algo orders or iceberg parts a filter may allow


@dataclass(frozen=True)
class PriceBand:
    """PERCENT_PRICE_BY_SIDE: how far from the average price of the last `average_minutes` a
    limit order may be priced, by side, as multipliers in basis points (Binance's BTCUSDT:
    from 0.2 to 5 times, on either side, around the last 5 minutes)."""

    bid_up: int = 5 * BASIS_POINTS
    bid_down: int = BASIS_POINTS // 5
    ask_up: int = 5 * BASIS_POINTS
    ask_down: int = BASIS_POINTS // 5
    average_minutes: int = 5


class BandLimits:
    """The limit prices PERCENT_PRICE_BY_SIDE allows around one average price (0: no trade
    yet, no band), by side: `average * down <= price * BASIS_POINTS <= average * up`, drawn
    once for each average. Prices in minor units are past what the compiled code multiplies
    natively, and orders in a row meet the same average."""

    def __init__(self, band: PriceBand, average: int) -> None:
        self.band = band
        self.average = average
        self.lowest_bid = -(-average * band.bid_down // BASIS_POINTS)
        self.highest_bid = average * band.bid_up // BASIS_POINTS
        self.lowest_ask = -(-average * band.ask_down // BASIS_POINTS)
        self.highest_ask = average * band.ask_up // BASIS_POINTS

    def check(self, side: Side, price: int) -> None:
        if not self.average:
            return
        if side is Side.BUY:
            allowed = self.lowest_bid <= price <= self.highest_bid
        else:
            allowed = self.lowest_ask <= price <= self.highest_ask
        if not allowed:
            raise FilterFailure(MarketFilter.PERCENT_PRICE_BY_SIDE)


@dataclass(frozen=True)
class TrailingDeltaLimits:
    """TRAILING_DELTA: the trailing deltas allowed, in basis points, for stops that trigger on
    a rise ("above": STOP_LOSS buys, TAKE_PROFIT sells) and on a fall ("below")."""

    min_above: int = 10
    max_above: int = 2000
    min_below: int = 10
    max_below: int = 2000

    def allows(self, delta: int, above: bool) -> bool:
        low, high = (self.min_above, self.max_above) if above else (self.min_below, self.max_below)
        return low <= delta <= high


@dataclass(frozen=True)
class Market:
    """A spot market. Prices are quote minor units per whole base unit, quantities base minor
    units; `tick_size * lot_size` must be a whole number of quote minor units per base unit,
    so that every notional is exact. A market whose filters or fees contradict each other is
    refused as it is made (`InvalidListing`, naming the parameter as the admin API calls it)."""

    symbol: str
    base: Asset
    quote: Asset
    tick_size: int
    lot_size: int
    min_quantity: int
    max_quantity: int
    min_notional: int
    max_notional: int
    min_price: int
    max_price: int = 0
    market_max_quantity: int = 0
    maker_fee_bps: int = 0
    taker_fee_bps: int = 0
    default_stp: SelfTradePrevention = SelfTradePrevention.EXPIRE_MAKER
    """The self-trade prevention of an order that names none, as on Binance's spot markets."""
    allowed_stps: tuple[SelfTradePrevention, ...] = tuple(SelfTradePrevention)
    price_band: PriceBand = PriceBand()
    max_num_orders: int = 200
    """MAX_NUM_ORDERS: the most open orders an account may have on the market."""
    max_num_algo_orders: int = 5
    """MAX_NUM_ALGO_ORDERS: the most open stop orders an account may have on the market."""
    trailing_deltas: TrailingDeltaLimits = TrailingDeltaLimits()
    iceberg_parts: int = 10
    """ICEBERG_PARTS: the most parts an iceberg order may be shown in."""
    max_num_iceberg_orders: int = 10
    """MAX_NUM_ICEBERG_ORDERS: the most open iceberg orders an account may have here."""
    max_num_order_lists: int = 20
    """MAX_NUM_ORDER_LISTS: the most open order lists an account may have on the market."""
    stop_market_margin_bps: int = 500
    """How far above its trigger price a STOP_LOSS or TAKE_PROFIT buy, given by quantity, may
    pay once triggered: what it holds while it waits (see `domain.stops`)."""

    def __post_init__(self) -> None:
        problem = next(_problems(self), None)
        if problem is not None:
            raise InvalidListing(*problem)

    def notional(self, price: int, quantity: int) -> int:
        """The exact quote amount of `quantity` at `price`."""
        tick = self.tick_size
        if price % tick or quantity % self.lot_size:
            return price * quantity // self.base.scale
        # On the grids, the same amount from smaller factors, which the compiled code multiplies
        # natively (a price in minor units is past that): whole lots times a tick are a whole
        # number of base units, as `tick_size * lot_size` is.
        return price // tick * (quantity * tick // self.base.scale)

    def affordable_quantity(self, price: int, quote_amount: int) -> int:
        """The most whole lots that `quote_amount` buys (or must be sold to raise) at `price`."""
        quantity = quote_amount * self.base.scale // price
        return quantity - quantity % self.lot_size

    def price(self, value: Decimal | str) -> int:
        """Parses a limit price, refusing one off the tick grid or out of range."""
        try:
            price = to_minor(value, self.quote.precision)
        except InvalidAmount as error:
            raise FilterFailure(MarketFilter.PRICE_FILTER) from error
        self.check_price(price)
        return price

    def quantity(self, value: Decimal | str) -> int:
        try:
            return to_minor(value, self.base.precision)
        except InvalidAmount as error:
            raise FilterFailure(MarketFilter.LOT_SIZE) from error

    def quote_amount(self, value: Decimal | str) -> int:
        try:
            return to_minor(value, self.quote.precision)
        except InvalidAmount as error:
            raise FilterFailure(MarketFilter.NOTIONAL) from error

    def check_price(self, price: int) -> None:
        if (
            price < self.min_price
            or (self.max_price and price > self.max_price)
            or price % self.tick_size
        ):
            raise FilterFailure(MarketFilter.PRICE_FILTER)

    def check_limit_quantity(self, quantity: int) -> None:
        if not self.min_quantity <= quantity <= self.max_quantity or quantity % self.lot_size:
            raise FilterFailure(MarketFilter.LOT_SIZE)

    def check_market_quantity(self, quantity: int) -> None:
        ceiling = self.market_max_quantity or self.max_quantity
        if not self.min_quantity <= quantity <= ceiling or quantity % self.lot_size:
            raise FilterFailure(MarketFilter.MARKET_LOT_SIZE)

    def self_trade_prevention(self, asked: SelfTradePrevention | None) -> SelfTradePrevention:
        """The mode an order gets: the one it asks for, if the market allows it, or the
        market's default."""
        if asked is None:
            return self.default_stp
        if asked not in self.allowed_stps:
            raise InvalidOrder(
                "This symbol does not allow the specified self-trade prevention mode."
            )
        return asked

    def check_notional(self, notional: int) -> None:
        if not self.min_notional <= notional <= self.max_notional:
            raise FilterFailure(MarketFilter.NOTIONAL)

    def maker_fee(self, received: int) -> int:
        return _fee(received, self.maker_fee_bps)

    def taker_fee(self, received: int) -> int:
        return _fee(received, self.taker_fee_bps)


def _fee(received: int, bps: int) -> int:
    # Fees round up to the next minor unit: the exchange never undercharges by rounding.
    return -(-received * bps // BASIS_POINTS)


def _problems(market: Market) -> Iterator[tuple[str, str]]:
    """What contradicts itself in the market, as (parameter, why)."""
    base, quote = market.base, market.quote
    if base.code == quote.code:
        yield "quoteAsset", "the same asset as baseAsset"
    amounts = {
        "tickSize": market.tick_size, "stepSize": market.lot_size,
        "minQty": market.min_quantity, "maxQty": market.max_quantity,
        "minPrice": market.min_price, "maxPrice": market.max_price,
        "marketMaxQty": market.market_max_quantity,
        "minNotional": market.min_notional, "maxNotional": market.max_notional,
    }  # fmt: skip
    for name, amount in amounts.items():
        if not 0 <= amount <= MAX_HOLDINGS:
            yield name, "out of range"
    if market.tick_size <= 0 or market.lot_size <= 0:
        yield ("tickSize" if market.tick_size <= 0 else "stepSize"), "must be positive"
    if (market.tick_size * market.lot_size) % base.scale:
        yield "stepSize", f"tickSize x stepSize is finer than {quote.code} allows"
    if market.min_quantity < market.lot_size or market.min_quantity % market.lot_size:
        yield "minQty", "must be a whole number of steps, at least one"
    if market.max_quantity < market.min_quantity:
        yield "maxQty", "below minQty"
    if market.market_max_quantity and market.market_max_quantity < market.min_quantity:
        yield "marketMaxQty", "below minQty"
    if market.min_price < market.tick_size or market.min_price % market.tick_size:
        yield "minPrice", "must be a whole number of ticks, at least one"
    if market.max_price and market.max_price < market.min_price:
        yield "maxPrice", "below minPrice"
    if market.max_notional < market.min_notional:
        yield "maxNotional", "below minNotional"
    for name, bps in (("makerCommission", market.maker_fee_bps),
                      ("takerCommission", market.taker_fee_bps)):  # fmt: skip
        if not 0 <= bps <= BASIS_POINTS:
            yield name, "must be from 0 to 1"
    for name, count in (("maxNumOrders", market.max_num_orders),
                        ("maxNumAlgoOrders", market.max_num_algo_orders),
                        ("icebergParts", market.iceberg_parts)):  # fmt: skip
        if not 1 <= count <= MAX_COUNT:
            yield name, f"must be from 1 to {MAX_COUNT}"
