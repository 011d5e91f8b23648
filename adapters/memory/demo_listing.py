"""What a new memory store lists, as a database migrated to 0014 does: the demo markets
BTCUSDT, ETHUSDT and ETHBTC, written in decimals as an operator would."""

from decimal import Decimal

from domain.assets import Asset
from domain.markets import Market

USDT = Asset("USDT", 8)
BTC = Asset("BTC", 8)
ETH = Asset("ETH", 8)

FEE_BPS = 10  # 0.10% maker and taker, charged in the asset received


def spot_market(
    base: Asset,
    quote: Asset,
    tick: str,
    lot: str,
    max_quantity: str,
    min_notional: str,
    max_notional: str,
) -> Market:
    tick_size = quote.to_minor(Decimal(tick))
    return Market(
        symbol=base.code + quote.code,
        base=base,
        quote=quote,
        tick_size=tick_size,
        min_price=tick_size,
        lot_size=base.to_minor(Decimal(lot)),
        min_quantity=base.to_minor(Decimal(lot)),
        max_quantity=base.to_minor(Decimal(max_quantity)),
        min_notional=quote.to_minor(Decimal(min_notional)),
        max_notional=quote.to_minor(Decimal(max_notional)),
        maker_fee_bps=FEE_BPS,
        taker_fee_bps=FEE_BPS,
    )


def demo_markets() -> list[Market]:
    return [
        spot_market(BTC, USDT, "0.01", "0.00001", "9000", "5", "9000000"),
        spot_market(ETH, USDT, "0.01", "0.0001", "90000", "5", "9000000"),
        # Binance's lot is 0.0001: ours is coarser so that tick x lot is one satoshi and every
        # notional is exact (docs/precision.md).
        spot_market(ETH, BTC, "0.00001", "0.001", "90000", "0.0001", "1000"),
    ]
