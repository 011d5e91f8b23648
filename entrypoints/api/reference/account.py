"""The account routes (AccountController) and the user data stream keys
(UserStreamController), as Binance's reference describes them."""

from entrypoints.api.reference.endpoint import Access, Answer, Endpoint, Param
from entrypoints.api.reference.parameters import (
    BOOLEAN_TEXT,
    END_TIME,
    SIGNED_PARAMS,
    START_TIME,
    SYMBOL,
    from_id,
    limit,
)
from entrypoints.api.reference.refusals import (
    API_KEY,
    BAD_COMBINATION,
    BAD_SYMBOL,
    MANDATORY,
    SIGNED,
    UNKNOWN_LISTEN_KEY,
)
from entrypoints.api.reference.shapes import (
    ASSET,
    EMPTY,
    MILLIS,
    array,
    boolean,
    choice,
    decimal,
    integer,
    obj,
    text,
)

_RATES = obj(maker=decimal(), taker=decimal(), buyer=decimal(), seller=decimal())
ACCOUNT = Endpoint(
    "Account information (USER_DATA)", Access.SIGNED, 20,
    params=(
        Param("omitZeroBalances", BOOLEAN_TEXT, "true: leave out the assets with no balance."),
        *SIGNED_PARAMS,
    ),
    refusals=SIGNED,
    answer=Answer(
        obj(
            makerCommission=integer(), takerCommission=integer(), buyerCommission=integer(),
            sellerCommission=integer(), commissionRates=_RATES, canTrade=boolean(),
            canWithdraw=boolean(), canDeposit=boolean(), updateTime=MILLIS,
            accountType=choice(["SPOT"]),
            balances=array(obj(asset=ASSET, free=decimal(), locked=decimal())),
            permissions=array(text()), uid=integer(),
        ),
        "The account's fee rates and balances (free, and locked by open orders).",
    ),
)  # fmt: skip
_ACCOUNT_TRADE = obj(
    symbol=text(), id=integer(minimum=1), orderId=integer(minimum=1), orderListId=integer(),
    price=decimal(), qty=decimal(), quoteQty=decimal(), commission=decimal(),
    commissionAsset=ASSET, time=MILLIS, isBuyer=boolean(), isMaker=boolean(),
    isBestMatch=boolean(),
)  # fmt: skip
MY_TRADES = Endpoint(
    "Account trade list (USER_DATA)", Access.SIGNED, 20,
    description="`fromId` cannot be sent with `startTime` or `endTime`.",
    params=(
        SYMBOL, Param("orderId", integer(minimum=1), "Only this order's trades."),
        from_id("trade"), START_TIME, END_TIME, limit(500, 1000), *SIGNED_PARAMS,
    ),
    refusals=(*SIGNED, BAD_SYMBOL, BAD_COMBINATION),
    answer=Answer(array(_ACCOUNT_TRADE), "The account's trades, oldest first."),
)  # fmt: skip

_UNSIGNED = tuple(
    Param(p.name, p.schema, "Accepted from clients that sign everything; not checked.")
    for p in SIGNED_PARAMS
)
_LISTEN_KEY = Param("listenKey", text(), "The key to keep alive or close.", required=True)
OPEN_USER_STREAM = Endpoint(
    "Start user data stream (USER_STREAM)", Access.USER_STREAM, 2,
    description="A listen key for the stream `/ws/<listenKey>`; it expires after 60 minutes "
    "unless kept alive.",
    params=_UNSIGNED, refusals=API_KEY,
    answer=Answer(obj(listenKey=text()), "The new listen key."),
)  # fmt: skip
KEEP_ALIVE_USER_STREAM = Endpoint(
    "Keepalive user data stream (USER_STREAM)", Access.USER_STREAM, 2,
    params=(_LISTEN_KEY, *_UNSIGNED), refusals=(*API_KEY, MANDATORY, UNKNOWN_LISTEN_KEY),
    answer=Answer(EMPTY, "Kept alive for 60 more minutes."),
)  # fmt: skip
CLOSE_USER_STREAM = Endpoint(
    "Close user data stream (USER_STREAM)", Access.USER_STREAM, 2,
    params=(_LISTEN_KEY, *_UNSIGNED), refusals=(*API_KEY, MANDATORY, UNKNOWN_LISTEN_KEY),
    answer=Answer(EMPTY, "Closed."),
)  # fmt: skip
