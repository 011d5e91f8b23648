"""Domain and application objects in Binance's JSON shapes; amounts as decimal strings."""

from decimal import Decimal
from typing import Any

from application.history import AccountTrade
from application.history_ports import PublicTrade
from application.market_data import AggregateTrade, BookTicker
from application.order_count import OrderLimit
from application.records import Depth, OrderRecord
from domain.assets import format_minor
from domain.candles import Candle
from domain.events import PreventedMatch, Trade
from domain.market_status import MarketStatus
from domain.markets import BASIS_POINTS, Market
from domain.orders import OrderType
from domain.ticker import TickerStats

ORDER_TYPES = [
    OrderType.LIMIT.value,
    OrderType.LIMIT_MAKER.value,
    OrderType.MARKET.value,
    OrderType.STOP_LOSS.value,
    OrderType.STOP_LOSS_LIMIT.value,
    OrderType.TAKE_PROFIT.value,
    OrderType.TAKE_PROFIT_LIMIT.value,
]

Json = dict[str, Any]


def price(market: Market, minor: int) -> str:
    return market.quote.format(minor)


def quantity(market: Market, minor: int) -> str:
    return market.base.format(minor)


def rate(bps: int) -> str:
    return format_minor(bps * 10**8 // BASIS_POINTS, 8)


def order_limit(limit: OrderLimit) -> Json:
    return {
        "rateLimitType": "ORDERS",
        "interval": limit.interval,
        "intervalNum": limit.interval_num,
        "limit": limit.limit,
    }


def multiplier(bps: int) -> str:
    """A multiplier as Binance prints it: "5", "0.2"."""
    return format(Decimal(bps).scaleb(-4).normalize(), "f")


def symbol_info(market: Market, status: MarketStatus) -> Json:
    return {
        "symbol": market.symbol,
        "status": status.value,
        "baseAsset": market.base.code,
        "baseAssetPrecision": market.base.precision,
        "quoteAsset": market.quote.code,
        "quotePrecision": market.quote.precision,
        "quoteAssetPrecision": market.quote.precision,
        "baseCommissionPrecision": market.base.precision,
        "quoteCommissionPrecision": market.quote.precision,
        "orderTypes": ORDER_TYPES,
        "icebergAllowed": True,
        "ocoAllowed": True,
        "otoAllowed": True,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": True,
        "cancelReplaceAllowed": True,
        "amendAllowed": True,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": price(market, market.min_price),
                "maxPrice": price(market, market.max_price),
                "tickSize": price(market, market.tick_size),
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": quantity(market, market.min_quantity),
                "maxQty": quantity(market, market.max_quantity),
                "stepSize": quantity(market, market.lot_size),
            },
            {
                "filterType": "MARKET_LOT_SIZE",
                "minQty": quantity(market, market.min_quantity),
                "maxQty": quantity(market, market.market_max_quantity or market.max_quantity),
                "stepSize": quantity(market, market.lot_size),
            },
            {
                "filterType": "NOTIONAL",
                "minNotional": price(market, market.min_notional),
                "applyMinToMarket": True,
                "maxNotional": price(market, market.max_notional),
                "applyMaxToMarket": False,
                "avgPriceMins": 5,
            },
            {
                "filterType": "PERCENT_PRICE_BY_SIDE",
                "bidMultiplierUp": multiplier(market.price_band.bid_up),
                "bidMultiplierDown": multiplier(market.price_band.bid_down),
                "askMultiplierUp": multiplier(market.price_band.ask_up),
                "askMultiplierDown": multiplier(market.price_band.ask_down),
                "avgPriceMins": market.price_band.average_minutes,
            },
            {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": market.max_num_orders},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": market.max_num_algo_orders},
            {"filterType": "ICEBERG_PARTS", "limit": market.iceberg_parts},
            {
                "filterType": "MAX_NUM_ICEBERG_ORDERS",
                "maxNumIcebergOrders": market.max_num_iceberg_orders,
            },
            {"filterType": "MAX_NUM_ORDER_LISTS", "maxNumOrderLists": market.max_num_order_lists},
            {
                "filterType": "TRAILING_DELTA",
                "minTrailingAboveDelta": market.trailing_deltas.min_above,
                "maxTrailingAboveDelta": market.trailing_deltas.max_above,
                "minTrailingBelowDelta": market.trailing_deltas.min_below,
                "maxTrailingBelowDelta": market.trailing_deltas.max_below,
            },
        ],
        "permissions": [],
        "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": market.default_stp.value,
        "allowedSelfTradePreventionModes": [mode.value for mode in market.allowed_stps],
    }


def depth(market: Market, book: Depth) -> Json:
    return {
        "lastUpdateId": book.last_update_id,
        "bids": [[price(market, p), quantity(market, q)] for p, q in book.bids],
        "asks": [[price(market, p), quantity(market, q)] for p, q in book.asks],
    }


def public_trade(market: Market, trade: PublicTrade) -> Json:
    return {
        "id": trade.trade_id,
        "price": price(market, trade.price),
        "qty": quantity(market, trade.quantity),
        "quoteQty": price(market, trade.quote_quantity),
        "time": trade.timestamp,
        "isBuyerMaker": trade.buyer_is_maker,
        "isBestMatch": True,
    }


def aggregate_trade(market: Market, trade: AggregateTrade) -> Json:
    return {
        "a": trade.aggregate_id,
        "p": price(market, trade.price),
        "q": quantity(market, trade.quantity),
        "f": trade.first_trade_id,
        "l": trade.last_trade_id,
        "T": trade.timestamp,
        "m": trade.buyer_is_maker,
        "M": True,
    }


def kline(market: Market, candle: Candle) -> list[Any]:
    return [
        candle.open_time,
        price(market, candle.open),
        price(market, candle.high),
        price(market, candle.low),
        price(market, candle.close),
        quantity(market, candle.volume),
        candle.close_time,
        price(market, candle.quote_volume),
        candle.trades,
        quantity(market, candle.taker_buy_volume),
        price(market, candle.taker_buy_quote_volume),
        "0",
    ]


def ticker_24h(market: Market, stats: TickerStats, book: BookTicker) -> Json:
    change = stats.last_price - stats.open_price if stats.count else 0
    percent = (
        format_minor(change * 100_000 // stats.open_price, 3)
        if stats.count and stats.open_price
        else "0.000"
    )
    weighted = stats.quote_volume * market.base.scale // stats.volume if stats.volume else 0
    return {
        "symbol": market.symbol,
        "priceChange": price(market, change),
        "priceChangePercent": percent,
        "weightedAvgPrice": price(market, weighted),
        "prevClosePrice": price(market, stats.prev_close_price),
        "lastPrice": price(market, stats.last_price),
        "lastQty": quantity(market, stats.last_quantity),
        "bidPrice": price(market, book.bid_price),
        "bidQty": quantity(market, book.bid_quantity),
        "askPrice": price(market, book.ask_price),
        "askQty": quantity(market, book.ask_quantity),
        "openPrice": price(market, stats.open_price),
        "highPrice": price(market, stats.high_price),
        "lowPrice": price(market, stats.low_price),
        "volume": quantity(market, stats.volume),
        "quoteVolume": price(market, stats.quote_volume),
        "openTime": stats.open_time,
        "closeTime": stats.close_time,
        "firstId": stats.first_trade_id,
        "lastId": stats.last_trade_id,
        "count": stats.count,
    }


def book_ticker(market: Market, book: BookTicker) -> Json:
    return {
        "symbol": market.symbol,
        "bidPrice": price(market, book.bid_price),
        "bidQty": quantity(market, book.bid_quantity),
        "askPrice": price(market, book.ask_price),
        "askQty": quantity(market, book.ask_quantity),
    }


def order(market: Market, record: OrderRecord) -> Json:
    """An order as GET /api/v3/order shows it. A STOP_LOSS or TAKE_PROFIT buy shows no price,
    as on Binance, though it has one, the most it pays (`domain.stops`)."""
    shown = (
        {"trailingDelta": record.trailing_delta, "trailingTime": record.trailing_time}
        if record.trailing_delta
        else {}
    )
    return (
        {
            "symbol": record.symbol,
            "orderId": record.order_id,
            "orderListId": record.order_list_id,
            "clientOrderId": record.client_order_id,
            "price": price(market, 0 if record.type.is_market else record.price),
            "origQty": quantity(market, record.quantity),
            "executedQty": quantity(market, record.executed),
            "cummulativeQuoteQty": price(market, record.cumulative_quote),
            "status": record.status.value,
            "timeInForce": record.time_in_force.value,
            "type": record.type.value,
            "side": record.side.value,
            "stopPrice": price(market, record.stop_price),
            "icebergQty": quantity(market, record.iceberg_quantity),
            "time": record.created_at,
            "updateTime": record.updated_at,
            "isWorking": record.working_time >= 0,
            "workingTime": record.working_time,
            "origQuoteOrderQty": price(market, record.quote_quantity),
            "selfTradePreventionMode": record.stp.value,
        }
        | shown
        | prevented_quantity(market, record)
    )


def prevented_quantity(market: Market, record: OrderRecord) -> Json:
    """What an order that self-trade prevention touched shows of it; nothing otherwise."""
    if record.prevented_match_id is None:
        return {}
    return {
        "preventedMatchId": record.prevented_match_id,
        "preventedQuantity": quantity(market, record.prevented_quantity),
    }


def prevented_match(market: Market, match: PreventedMatch) -> Json:
    """A prevented match as GET /api/v3/myPreventedMatches shows it: each order's prevented
    quantity only where the mode took some from that side."""
    found: Json = {
        "symbol": match.symbol,
        "preventedMatchId": match.prevented_match_id,
        "takerOrderId": match.taker_order_id,
        "makerSymbol": match.symbol,
        "makerOrderId": match.maker_order_id,
        "tradeGroupId": -1,
        "selfTradePreventionMode": match.mode.value,
        "price": price(market, match.price),
    }
    return found | prevented_quantities(market, match) | {"transactTime": match.timestamp}


def prevented_quantities(market: Market, match: PreventedMatch) -> Json:
    found = {}
    if match.mode.expires_taker or match.mode.decrements:
        found["takerPreventedQuantity"] = quantity(market, match.taker_prevented_quantity)
    if match.mode.expires_maker or match.mode.decrements:
        found["makerPreventedQuantity"] = quantity(market, match.maker_prevented_quantity)
    return found


def fill(market: Market, order_id: int, trade: Trade) -> Json:
    buying = trade.buyer_order_id == order_id
    return {
        "price": price(market, trade.price),
        "qty": quantity(market, trade.quantity),
        "commission": (
            quantity(market, trade.buyer_fee) if buying else price(market, trade.seller_fee)
        ),
        "commissionAsset": market.base.code if buying else market.quote.code,
        "tradeId": trade.trade_id,
    }


def account_trade(market: Market, side: AccountTrade) -> Json:
    """A trade as GET /api/v3/myTrades shows it, from the account's side."""
    trade, buying = side.trade, side.is_buyer
    return {
        "symbol": market.symbol,
        "id": trade.trade_id,
        "orderId": side.order_id,
        "orderListId": side.order_list_id,
        "price": price(market, trade.price),
        "qty": quantity(market, trade.quantity),
        "quoteQty": price(market, trade.quote_quantity),
        "commission": (
            quantity(market, trade.buyer_fee) if buying else price(market, trade.seller_fee)
        ),
        "commissionAsset": market.base.code if buying else market.quote.code,
        "time": trade.timestamp,
        "isBuyer": buying,
        "isMaker": buying == trade.buyer_is_maker,
        "isBestMatch": True,
    }
