"""Signed account endpoints: /api/v3/account, /api/v3/account/commission, /api/v3/myTrades
and /api/v3/myPreventedMatches; and the trade fees as Binance's wallet API gives them
(/sapi/v1/asset/tradeFee), which is where ccxt reads a spot market's."""

from typing import Any

from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.di import NamedDependency

from entrypoints.api import formats
from entrypoints.api.errors import ApiError
from entrypoints.api.reference import account as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, State]
Json = dict[str, Any]


class AccountController(Controller):
    path = "/api/v3"
    tags = ["Account"]

    @get("/account", operation_id="account", operation_class=documented(reference.ACCOUNT))
    async def account(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        caller = await services.gate.private(request, 20)
        omit_zero = caller.params.text("omitZeroBalances") == "true"
        caller.params.check_all_read()
        balances = await services.funds.balances(caller.account_id)
        assets = services.funds.exchange.assets
        # Fees are the same on every market here; the first market's stand for the account.
        market = services.market_data.markets()[0]
        return {
            "makerCommission": market.maker_fee_bps,
            "takerCommission": market.taker_fee_bps,
            "buyerCommission": 0,
            "sellerCommission": 0,
            "commissionRates": {
                "maker": formats.rate(market.maker_fee_bps),
                "taker": formats.rate(market.taker_fee_bps),
                "buyer": formats.rate(0),
                "seller": formats.rate(0),
            },
            "canTrade": True,
            "canWithdraw": True,
            "canDeposit": True,
            "brokered": False,
            "requireSelfTradePrevention": False,
            "preventSor": False,
            "updateTime": services.market_data.clock.now(),
            "accountType": "SPOT",
            "balances": [
                {
                    "asset": code,
                    "free": asset.format(balances[code].available if code in balances else 0),
                    "locked": asset.format(balances[code].locked if code in balances else 0),
                }
                for code, asset in sorted(assets.items())
                if not omit_zero or (code in balances and balances[code].total)
            ],
            "permissions": ["SPOT"],
            "uid": caller.account_id,
        }

    @get(
        "/account/commission",
        operation_id="accountCommission",
        operation_class=documented(reference.COMMISSION),
    )
    async def commission(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        caller = await services.gate.private(request, 20)
        symbol = caller.params.required_text("symbol")
        caller.params.check_all_read()
        market = services.market_data.market(symbol)
        none = formats.rate(0)
        return {
            "symbol": symbol,
            "standardCommission": {
                "maker": formats.rate(market.maker_fee_bps),
                "taker": formats.rate(market.taker_fee_bps),
                "buyer": none,
                "seller": none,
            },
            "specialCommission": {"maker": none, "taker": none, "buyer": none, "seller": none},
            "taxCommission": {"maker": none, "taker": none, "buyer": none, "seller": none},
            "discount": {
                "enabledForAccount": False,
                "enabledForSymbol": False,
                "discountAsset": None,
                "discount": none,
            },
        }

    @get("/myTrades", operation_id="myTrades", operation_class=documented(reference.MY_TRADES))
    async def my_trades(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> list[Json]:
        caller = await services.gate.private(request, 20)
        params = caller.params
        symbol = params.required_text("symbol")
        order_id = params.integer("orderId", minimum=1)
        from_id = params.integer("fromId", minimum=0)
        start = params.integer("startTime", minimum=0)
        end = params.integer("endTime", minimum=0)
        limit = params.integer("limit", minimum=1, maximum=1000) or 500
        params.check_all_read()
        if from_id is not None and (start is not None or end is not None):
            raise ApiError(-1128, "Combination of optional parameters invalid.")
        market = services.market_data.market(symbol)
        trades = await services.history.trades(
            caller.account_id, symbol, order_id, from_id, start, end, limit
        )
        return [formats.account_trade(market, side) for side in trades]

    @get(
        "/myPreventedMatches",
        operation_id="myPreventedMatches",
        operation_class=documented(reference.MY_PREVENTED_MATCHES),
    )
    async def my_prevented_matches(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> list[Json]:
        by_order = services.gate.query(request).text("orderId") is not None
        caller = await services.gate.private(request, 20 if by_order else 2)
        params = caller.params
        symbol = params.required_text("symbol")
        match_id = params.integer("preventedMatchId", minimum=0)
        order_id = params.integer("orderId", minimum=1)
        from_id = params.integer("fromPreventedMatchId", minimum=0)
        limit = params.integer("limit", minimum=1, maximum=1000) or 500
        params.check_all_read()
        # Binance's combinations: a prevented match by its id, or an order's from an id on.
        if (match_id is None) == (order_id is None) or (
            match_id is not None and from_id is not None
        ):
            raise ApiError(-1128, "Combination of optional parameters invalid.")
        market = services.market_data.market(symbol)
        matches = await services.history.prevented_matches(
            caller.account_id, symbol, match_id, order_id, from_id, limit
        )
        return [formats.prevented_match(market, match) for match in matches]


class TradeFeeController(Controller):
    path = "/sapi/v1"
    tags = ["Account"]

    @get(
        "/asset/tradeFee",
        operation_id="tradeFee",
        operation_class=documented(reference.TRADE_FEE),
    )
    async def trade_fee(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> list[Json]:
        caller = await services.gate.private(request)
        symbol = caller.params.text("symbol")
        caller.params.check_all_read()
        markets = (
            [services.market_data.market(symbol)]
            if symbol is not None
            else services.market_data.markets()
        )
        return [
            {
                "symbol": market.symbol,
                "makerCommission": formats.multiplier(market.maker_fee_bps),
                "takerCommission": formats.multiplier(market.taker_fee_bps),
            }
            for market in markets
        ]
