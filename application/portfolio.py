"""An account's holdings valued in one asset at the markets' last prices."""

from attrs import define

from application.funds import Funds
from application.market_data import MarketData
from domain.ledger import Balance


@define
class Holding:
    asset: str
    balance: Balance
    price: int | None
    """Minor units of the valuation asset per whole unit of `asset`; None if no market
    links the two."""
    value: int | None
    """In minor units of the valuation asset."""


@define
class Valuation:
    asset: str
    holdings: list[Holding]
    total: int


@define
class Portfolio:
    funds: Funds
    market_data: MarketData

    async def value(self, account_id: int, in_asset: str) -> Valuation:
        balances = await self.funds.balances(account_id)
        assets = self.funds.exchange.assets
        lasts = {
            market.symbol: (await self.market_data.ticker(market.symbol)).last_price
            for market in self.market_data.markets()
        }
        holdings = []
        for asset, balance in sorted(balances.items()):
            price = self.price(lasts, asset, in_asset)
            value = None if price is None else balance.total * price // assets[asset].scale
            holdings.append(Holding(asset, balance, price, value))
        return Valuation(in_asset, holdings, sum(h.value or 0 for h in holdings))

    def price(self, lasts: dict[str, int], asset: str, in_asset: str) -> int | None:
        """The last price of `asset` in `in_asset`, directly or through one other asset."""
        target = self.funds.exchange.assets[in_asset]
        if asset == in_asset:
            return target.scale
        direct = self._last(lasts, asset, in_asset)
        if direct is not None:
            return direct
        for market in self.market_data.markets():
            if market.base.code == asset:
                via = self._last(lasts, market.quote.code, in_asset)
                first = self._last(lasts, asset, market.quote.code)
                if via is not None and first is not None:
                    return first * via // market.quote.scale
        return None

    def _last(self, lasts: dict[str, int], asset: str, in_asset: str) -> int | None:
        """Last price of `asset` in `in_asset` from the market between them, either way."""
        assets = self.funds.exchange.assets
        for market in self.market_data.markets():
            last = lasts[market.symbol]
            if not last:
                continue
            if (market.base.code, market.quote.code) == (asset, in_asset):
                return last
            if (market.base.code, market.quote.code) == (in_asset, asset):
                return assets[asset].scale * assets[in_asset].scale // last
        return None
