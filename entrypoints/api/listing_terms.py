"""The bodies of the listing routes: a market's terms in Binance's filter names, amounts as
decimal strings in the market's assets, commissions as rates (0.001 is 0.1%)."""

from decimal import Decimal
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from domain.listing import MarketTerms
from domain.market_status import MarketStatus
from domain.markets import Market
from entrypoints.api import formats
from entrypoints.api.admin_guard import Reason
from entrypoints.api.params import DECIMAL_RANGE

Amount = Annotated[str, Meta(pattern=DECIMAL_RANGE)]
Count = Annotated[int, Meta(ge=0, le=2**31 - 1)]
AssetCode = Annotated[str, Meta(pattern=r"^[A-Z0-9]{2,10}$")]


class TermsChange(Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """The filters and commissions to change; those not sent stay as they are; and why."""

    reason: Reason
    min_price: Amount | None = None
    max_price: Amount | None = None
    min_qty: Amount | None = None
    max_qty: Amount | None = None
    market_max_qty: Amount | None = None
    min_notional: Amount | None = None
    max_notional: Amount | None = None
    maker_commission: Amount | None = None
    taker_commission: Amount | None = None
    max_num_orders: Count | None = None
    max_num_algo_orders: Count | None = None
    iceberg_parts: Count | None = None

    def terms(self) -> MarketTerms:
        return MarketTerms(
            min_price=_decimal(self.min_price),
            max_price=_decimal(self.max_price),
            min_qty=_decimal(self.min_qty),
            max_qty=_decimal(self.max_qty),
            market_max_qty=_decimal(self.market_max_qty),
            min_notional=_decimal(self.min_notional),
            max_notional=_decimal(self.max_notional),
            maker_commission=_decimal(self.maker_commission),
            taker_commission=_decimal(self.taker_commission),
            max_num_orders=self.max_num_orders,
            max_num_algo_orders=self.max_num_algo_orders,
            iceberg_parts=self.iceberg_parts,
        )


class NewListing(TermsChange, kw_only=True):
    """A new market over two listed assets, its symbol their codes together; some terms have
    no default."""

    base_asset: AssetCode
    quote_asset: AssetCode
    tick_size: Amount
    step_size: Amount
    max_qty: Amount
    min_notional: Amount
    max_notional: Amount
    maker_commission: Amount
    taker_commission: Amount


class NewAsset(Struct, forbid_unknown_fields=True):
    asset: AssetCode
    precision: Annotated[int, Meta(ge=0, le=18)]
    reason: Reason


def audited(body: Struct) -> dict[str, str]:
    """What an admin sent, as the audit log keeps an act's parameters: each field sent, by
    its name in the API, but the reason (which the log keeps apart)."""
    sent = msgspec.to_builtins(body)
    return {
        name: str(value) for name, value in sent.items() if name != "reason" and value is not None
    }


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def listing_view(market: Market, status: MarketStatus) -> dict[str, Any]:
    """The market as exchangeInfo shows it, with its commissions."""
    return {
        **formats.symbol_info(market, status),
        "makerCommission": formats.rate(market.maker_fee_bps),
        "takerCommission": formats.rate(market.taker_fee_bps),
    }
