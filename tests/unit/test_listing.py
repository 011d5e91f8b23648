"""A market's terms, as an operator writes them, become a market exactly or are refused with
the parameter at fault named."""

import dataclasses
from decimal import Decimal

import pytest
from attrs import evolve

from adapters.memory.demo_listing import BTC, USDT, demo_markets
from domain.errors import InvalidListing
from domain.listing import MarketTerms, NewMarket, changed_market, listed_market

TERMS = MarketTerms(
    max_qty=Decimal("9000"),
    min_notional=Decimal("5"),
    max_notional=Decimal("9000000"),
    maker_commission=Decimal("0.001"),
    taker_commission=Decimal("0.001"),
)


def btc_usdt(terms: MarketTerms = TERMS, tick: str = "0.01", step: str = "0.00001") -> NewMarket:
    return NewMarket(BTC, USDT, Decimal(tick), Decimal(step), terms)


def test_the_demo_market_written_as_terms_is_the_demo_market() -> None:
    assert listed_market(btc_usdt()) == demo_markets()[0]


@pytest.mark.parametrize(
    ("listing", "parameter"),
    [
        (btc_usdt(tick="0.000000001"), "tickSize"),  # finer than USDT's 8 decimals
        (btc_usdt(step="0.000000001"), "stepSize"),
        (btc_usdt(tick="0"), "tickSize"),
        (btc_usdt(tick="0.00000001", step="0.00000001"), "stepSize"),  # notional not exact
        (btc_usdt(evolve(TERMS, max_qty=None)), "maxQty"),
        (btc_usdt(evolve(TERMS, maker_commission=None)), "makerCommission"),
        (btc_usdt(evolve(TERMS, min_qty=Decimal("0.000015"))), "minQty"),  # not whole steps
        (btc_usdt(evolve(TERMS, min_qty=Decimal("10000"))), "maxQty"),  # below minQty
        (btc_usdt(evolve(TERMS, min_price=Decimal("10"), max_price=Decimal("1"))), "maxPrice"),
        (btc_usdt(evolve(TERMS, min_notional=Decimal("9000001"))), "maxNotional"),
        (btc_usdt(evolve(TERMS, taker_commission=Decimal("0.00005"))), "takerCommission"),
        (btc_usdt(evolve(TERMS, taker_commission=Decimal("1.5"))), "takerCommission"),
        (btc_usdt(evolve(TERMS, max_num_orders=0)), "maxNumOrders"),
        (btc_usdt(evolve(TERMS, max_notional=Decimal(2**63))), "maxNotional"),
        (NewMarket(BTC, BTC, Decimal("0.01"), Decimal("0.01"), TERMS), "quoteAsset"),
    ],
)
def test_terms_that_cannot_make_a_market_are_refused(listing: NewMarket, parameter: str) -> None:
    with pytest.raises(InvalidListing) as refused:
        listed_market(listing)
    assert refused.value.parameter == parameter
    assert str(refused.value).startswith(f"Data sent for parameter '{parameter}' is not valid")


def test_a_change_keeps_the_grid_and_what_it_does_not_name() -> None:
    market = demo_markets()[0]
    changed = changed_market(
        market, MarketTerms(taker_commission=Decimal("0.0025"), min_notional=Decimal("10"))
    )
    assert changed == dataclasses.replace(market, taker_fee_bps=25, min_notional=10 * 10**8)


def test_a_change_that_contradicts_the_rest_is_refused() -> None:
    with pytest.raises(InvalidListing, match="'maxQty'"):
        changed_market(demo_markets()[0], MarketTerms(max_qty=Decimal("0.00001") / 2))
