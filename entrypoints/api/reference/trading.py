"""The order routes (OrderController, OrderChangeController), as Binance's reference describes
them."""

from domain.commands import CancelReplaceMode
from domain.orders import OrderType, SelfTradePrevention, Side, TimeInForce
from entrypoints.api.order_params import NOT_SUPPORTED, ResponseType
from entrypoints.api.reference.endpoint import Access, Answer, Endpoint, Param
from entrypoints.api.reference.parameters import (
    BOOLEAN_TEXT,
    END_TIME,
    ORDER_ID,
    ORIG_CLIENT_ORDER_ID,
    SIGNED_PARAMS,
    START_TIME,
    SYMBOL,
    limit,
)
from entrypoints.api.reference.refusals import (
    BAD_ORDER_TYPE,
    BAD_SIDE,
    BAD_SYMBOL,
    BAD_TIME_IN_FORCE,
    CANCEL_REJECTED,
    FILTER_FAILURE,
    NO_SUCH_ORDER,
    NOT_REQUIRED,
    REJECTED,
    REPLACE_FAILED,
    REPLACE_PARTLY_FAILED,
    SIGNED,
    TIMED_OUT,
)
from entrypoints.api.reference.shapes import (
    CANCELED,
    CANCELED_LIST,
    EMPTY,
    MILLIS,
    ORDER,
    PLACED,
    array,
    boolean,
    choice,
    decimal,
    either,
    integer,
    nullable,
    obj,
    text,
)

CLIENT_ID_PATTERN = r"^[\.A-Z\:/a-z0-9_-]{1,36}$"
SIGNING_EXAMPLE = """Placing an order with curl and openssl, signed with your key's secret:

```
KEY=...; SECRET=...
QUERY="symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=30000"
QUERY="$QUERY&timestamp=$(date +%s000)"
SIGNATURE=$(printf '%s' "$QUERY" | openssl dgst -sha256 -hmac "$SECRET" | cut -d' ' -f2)
curl -X POST -H "X-MBX-APIKEY: $KEY" "http://127.0.0.1:8000/api/v3/order?$QUERY&signature=$SIGNATURE"
```

The parameters may be sent in the query string, in an `application/x-www-form-urlencoded` body,
or both (the signature then covers the query string followed by the body)."""

ORDER_PARAMS = (
    SYMBOL,
    Param("side", choice(Side), "BUY or SELL.", required=True, example="BUY"),
    Param(
        "type", choice(OrderType),
        "LIMIT (needs timeInForce, quantity, price), LIMIT_MAKER (quantity, price; refused if it "
        "would take), MARKET (quantity, or quoteOrderQty: how much quote asset to spend or get), "
        "STOP_LOSS and TAKE_PROFIT (quantity, and stopPrice or trailingDelta: a MARKET order once "
        "triggered), STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT (timeInForce, quantity, price, and "
        "stopPrice or trailingDelta: a limit order once triggered).",
        required=True, example="LIMIT",
    ),
    Param(
        "timeInForce", choice(TimeInForce),
        "LIMIT, STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT orders only.", example="GTC",
    ),
    Param("quantity", decimal(), "In the base asset, a multiple of the lot size.", example="0.01"),
    Param("quoteOrderQty", decimal(), "MARKET orders only: an amount of the quote asset."),
    Param(
        "price", decimal(), "A multiple of the tick size; LIMIT, LIMIT_MAKER, STOP_LOSS_LIMIT "
        "and TAKE_PROFIT_LIMIT orders only.", example="30000",
    ),
    Param(
        "stopPrice", decimal(),
        "Stop orders only: the last price that triggers it, at or above it for a STOP_LOSS buy "
        "or a TAKE_PROFIT sell, at or below it for a STOP_LOSS sell or a TAKE_PROFIT buy. "
        "Refused (-2010) if the last price already meets it.",
    ),
    Param(
        "icebergQty", decimal(),
        "LIMIT, LIMIT_MAKER, STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT orders, GTC only: the book "
        "shows this much of the order at a time, each next part at the back of its price "
        "level; less than quantity, in at most ICEBERG_PARTS parts.",
    ),
    Param(
        "trailingDelta", integer(minimum=1),
        "Stop orders only: triggers once the price turns this many basis points from its best "
        "since the stop price was reached (or since placing, without a stopPrice); within the "
        "TRAILING_DELTA filter.",
    ),
    Param(
        "newClientOrderId", text(pattern=CLIENT_ID_PATTERN),
        "Your id for the order, unique among your open orders; one is made if not sent.",
    ),
    Param(
        "selfTradePreventionMode", choice(SelfTradePrevention),
        "What happens if the order would trade against your own: NONE by default.",
    ),
    Param(
        "newOrderRespType", choice(ResponseType),
        "ACK, RESULT or FULL; FULL by default for LIMIT and MARKET, else ACK.",
    ),
    Param("strategyId", integer(), "Accepted as on Binance; not kept."),
    Param("strategyType", integer(), "Accepted as on Binance; not kept."),
    *(
        Param(name, text(), "Not supported: refused (-1106) if sent.")
        for name in NOT_SUPPORTED
    ),
)  # fmt: skip
ORDER_REFUSALS = (
    *SIGNED, BAD_SYMBOL, BAD_SIDE, BAD_ORDER_TYPE, BAD_TIME_IN_FORCE, NOT_REQUIRED,
    FILTER_FAILURE, REJECTED, TIMED_OUT,
)  # fmt: skip
NEW_ORDER = Endpoint(
    "New order (TRADE)", Access.SIGNED, 1, description=SIGNING_EXAMPLE,
    params=(*ORDER_PARAMS, *SIGNED_PARAMS), refusals=ORDER_REFUSALS,
    answer=Answer(PLACED, "The order placed, with its fills for FULL."),
)  # fmt: skip

_RATES = obj(maker=decimal(), taker=decimal())
TEST_NEW_ORDER = Endpoint(
    "Test new order (TRADE)", Access.SIGNED, 1,
    description="Checks an order as POST /api/v3/order would, without placing it.",
    params=(
        *ORDER_PARAMS,
        Param("computeCommissionRates", BOOLEAN_TEXT, "true: answer the order's fee rates."),
        *SIGNED_PARAMS,
    ),
    refusals=(*SIGNED, BAD_SYMBOL, BAD_SIDE, BAD_ORDER_TYPE, BAD_TIME_IN_FORCE, NOT_REQUIRED,
              FILTER_FAILURE, REJECTED),
    answer=Answer(
        either(
            EMPTY,
            obj(
                standardCommissionForOrder=_RATES, taxCommissionForOrder=_RATES,
                discount=obj(
                    enabledForAccount=boolean(), enabledForSymbol=boolean(),
                    discountAsset=nullable(text()), discount=decimal(),
                ),
            ),
        ),
        "{} or, with computeCommissionRates=true, the rates.",
    ),
)  # fmt: skip

_BY_ORDER = (SYMBOL, ORDER_ID, ORIG_CLIENT_ORDER_ID)
QUERY_ORDER = Endpoint(
    "Query order (USER_DATA)", Access.SIGNED, 4, params=(*_BY_ORDER, *SIGNED_PARAMS),
    refusals=(*SIGNED, BAD_SYMBOL, NO_SUCH_ORDER), answer=Answer(ORDER, "The order."),
)  # fmt: skip
CANCEL_ORDER = Endpoint(
    "Cancel order (TRADE)", Access.SIGNED, 1,
    params=(
        *_BY_ORDER,
        Param("newClientOrderId", text(pattern=CLIENT_ID_PATTERN), "The cancel's own id."),
        Param("cancelRestrictions", text(), "Accepted as on Binance; changes nothing."),
        *SIGNED_PARAMS,
    ),
    refusals=(*SIGNED, BAD_SYMBOL, CANCEL_REJECTED, TIMED_OUT),
    answer=Answer(CANCELED, "The canceled order."),
)  # fmt: skip
OPEN_ORDERS = Endpoint(
    "Current open orders (USER_DATA)", Access.SIGNED, "6 with symbol, 80 without",
    params=(
        Param("symbol", SYMBOL.schema, "One market; every market if not sent."),
        *SIGNED_PARAMS,
    ),
    refusals=(*SIGNED, BAD_SYMBOL), answer=Answer(array(ORDER), "The open orders."),
)  # fmt: skip
CANCEL_OPEN_ORDERS = Endpoint(
    "Cancel all open orders on a symbol (TRADE)", Access.SIGNED, 1,
    params=(SYMBOL, *SIGNED_PARAMS),
    refusals=(*SIGNED, BAD_SYMBOL, CANCEL_REJECTED, TIMED_OUT),
    answer=Answer(
        array(either(CANCELED, CANCELED_LIST)),
        "The orders canceled; those of an order list together, as the list.",
    ),
)  # fmt: skip
ALL_ORDERS = Endpoint(
    "All orders (USER_DATA)", Access.SIGNED, 20,
    params=(
        SYMBOL, Param("orderId", integer(minimum=1), "From this order id on."),
        START_TIME, END_TIME, limit(500, 1000), *SIGNED_PARAMS,
    ),
    refusals=(*SIGNED, BAD_SYMBOL), answer=Answer(array(ORDER), "Orders, oldest first."),
)  # fmt: skip
AMEND_KEEP_PRIORITY = Endpoint(
    "Order Amend Keep Priority (TRADE)", Access.SIGNED, 4,
    description="Lowers an open order's quantity without losing its place in the book.",
    params=(
        *_BY_ORDER,
        Param("newQty", decimal(), "The new quantity, below the current.", required=True),
        *SIGNED_PARAMS,
    ),
    refusals=(*SIGNED, BAD_SYMBOL, FILTER_FAILURE, CANCEL_REJECTED, TIMED_OUT),
    answer=Answer(
        obj(transactTime=MILLIS, executionId=integer(), amendedOrder=ORDER), "The amended order."
    ),
)  # fmt: skip
CANCEL_REPLACE = Endpoint(
    "Cancel an existing order and send a new order (TRADE)", Access.SIGNED, 1,
    description="Cancels one order and places another in one request. Under STOP_ON_FAILURE a "
    "failed cancel is refused as a cancel is (-2011); otherwise a failure of either part "
    "answers 400 with -2021 (one failed) or -2022 (both failed), the outcome in `data`.",
    params=(
        Param(
            "cancelReplaceMode", choice(CancelReplaceMode),
            "STOP_ON_FAILURE: place only if the cancel succeeded; ALLOW_FAILURE: place anyway.",
            required=True,
        ),
        Param("cancelOrderId", integer(minimum=1), "The order to cancel (or its client id)."),
        Param("cancelOrigClientOrderId", text(), "The client id of the order to cancel."),
        Param("cancelNewClientOrderId", text(pattern=CLIENT_ID_PATTERN), "The cancel's id."),
        Param("cancelRestrictions", text(), "Accepted as on Binance; changes nothing."),
        Param("orderRateLimitExceededMode", text(), "Accepted as on Binance; changes nothing."),
        *ORDER_PARAMS, *SIGNED_PARAMS,
    ),
    refusals=(
        *SIGNED, BAD_SYMBOL, BAD_SIDE, BAD_ORDER_TYPE, BAD_TIME_IN_FORCE, NOT_REQUIRED,
        FILTER_FAILURE, CANCEL_REJECTED, TIMED_OUT, REPLACE_PARTLY_FAILED, REPLACE_FAILED,
    ),
    answer=Answer(
        obj(
            cancelResult=choice(["SUCCESS"]), newOrderResult=choice(["SUCCESS"]),
            cancelResponse=CANCELED, newOrderResponse=PLACED,
        ),
        "Both parts succeeded.",
    ),
)  # fmt: skip
UNFILLED_ORDER_COUNT = Endpoint(
    "Query unfilled order count (USER_DATA)", Access.SIGNED, 40,
    description="How many orders the account placed that have not filled, in each window of "
    "the ORDERS limits (10 seconds and one day): past a limit, new orders are refused (429, "
    "-1015). The same counts come in the X-MBX-ORDER-COUNT-10S and -1D headers of every order "
    "placed.",
    params=SIGNED_PARAMS,
    refusals=SIGNED,
    answer=Answer(
        array(obj(
            rateLimitType=choice(["ORDERS"]), interval=choice(["SECOND", "MINUTE", "DAY"]),
            intervalNum=integer(minimum=1), limit=integer(minimum=0),
            count=integer("Unfilled orders counted in the current window.", minimum=0),
        )),
        "One entry per limit.",
    ),
)  # fmt: skip
