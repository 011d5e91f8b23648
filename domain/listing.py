"""A market's terms as an operator writes them (decimals in its assets' units, commissions as
rates), turned into a `Market` exactly or refused, naming the parameter at fault.

Tick and step sizes are set once, at listing: every resting order's price and quantity lie on
the market's grid, whose product keeps each notional exact, and a new grid could leave them off
it. Every other filter and both commissions may change later. The filters not listed here
(PERCENT_PRICE_BY_SIDE, TRAILING_DELTA, the self-trade prevention modes) are the same for every
market: `Market`'s defaults."""

from dataclasses import replace
from decimal import Decimal
from typing import Any

from attrs import frozen

from domain.assets import Asset
from domain.errors import InvalidAmount, InvalidListing
from domain.markets import BASIS_POINTS, Market


@frozen
class MarketTerms:
    """The filters and fees asked for; None leaves a filter as it is (or, at listing, takes
    its default: one step, one tick, no maximum price, the limit order's maximum quantity)."""

    min_price: Decimal | None = None
    max_price: Decimal | None = None
    min_qty: Decimal | None = None
    max_qty: Decimal | None = None
    market_max_qty: Decimal | None = None
    min_notional: Decimal | None = None
    max_notional: Decimal | None = None
    maker_commission: Decimal | None = None
    taker_commission: Decimal | None = None
    max_num_orders: int | None = None
    max_num_algo_orders: int | None = None
    iceberg_parts: int | None = None


@frozen
class NewMarket:
    """A listing: the market's assets and grid, and its first terms (of which `max_qty`, the
    notional bounds and both commissions must be given)."""

    base: Asset
    quote: Asset
    tick_size: Decimal
    step_size: Decimal
    terms: MarketTerms


def listed_market(listing: NewMarket) -> Market:
    base, quote, terms = listing.base, listing.quote, listing.terms
    required = {
        "maxQty": terms.max_qty,
        "minNotional": terms.min_notional,
        "maxNotional": terms.max_notional,
        "makerCommission": terms.maker_commission,
        "takerCommission": terms.taker_commission,
    }
    for name, value in required.items():
        if value is None:
            raise InvalidListing(name, "required to list a market")
    tick = _minor("tickSize", listing.tick_size, quote)
    step = _minor("stepSize", listing.step_size, base)
    market = Market(
        symbol=base.code + quote.code,
        base=base,
        quote=quote,
        tick_size=tick,
        lot_size=step,
        min_quantity=step,
        max_quantity=step,  # the terms set it below
        min_notional=0,
        max_notional=0,
        min_price=tick,
    )
    return changed_market(market, terms)


def changed_market(market: Market, terms: MarketTerms) -> Market:
    """The market with `terms` applied, its grid unchanged."""
    base, quote = market.base, market.quote
    amounts = {
        "min_price": ("minPrice", terms.min_price, quote),
        "max_price": ("maxPrice", terms.max_price, quote),
        "min_quantity": ("minQty", terms.min_qty, base),
        "max_quantity": ("maxQty", terms.max_qty, base),
        "market_max_quantity": ("marketMaxQty", terms.market_max_qty, base),
        "min_notional": ("minNotional", terms.min_notional, quote),
        "max_notional": ("maxNotional", terms.max_notional, quote),
    }
    changes: dict[str, Any] = {
        field: _minor(name, value, asset)
        for field, (name, value, asset) in amounts.items()
        if value is not None
    }
    for field, name, rate in (
        ("maker_fee_bps", "makerCommission", terms.maker_commission),
        ("taker_fee_bps", "takerCommission", terms.taker_commission),
    ):
        if rate is not None:
            changes[field] = _basis_points(name, rate)
    counts = {
        "max_num_orders": terms.max_num_orders,
        "max_num_algo_orders": terms.max_num_algo_orders,
        "iceberg_parts": terms.iceberg_parts,
    }
    changes.update({field: count for field, count in counts.items() if count is not None})
    return replace(market, **changes)


def _minor(name: str, value: Decimal, asset: Asset) -> int:
    try:
        return asset.to_minor(value)
    except InvalidAmount:
        raise InvalidListing(
            name, f"finer than {asset.code}'s {asset.precision} decimals"
        ) from None


def _basis_points(name: str, rate: Decimal) -> int:
    bps = rate * BASIS_POINTS
    if not bps.is_finite() or bps != bps.to_integral_value():
        raise InvalidListing(name, "must be a whole number of basis points (0.0001)")
    return int(bps)
