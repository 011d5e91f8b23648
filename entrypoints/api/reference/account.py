"""The account routes (AccountController) and the user data stream keys
(UserStreamController), as Binance's reference describes them."""

from litestar.openapi.spec import OpenAPIType, Schema

from domain.orders import SelfTradePrevention
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
    UNAUTHORIZED,
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
    nullable,
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

COMMISSION = Endpoint(
    "Query commission rates (USER_DATA)", Access.SIGNED, 20,
    description="The fee rates the account pays on one market, as fractions of the amount "
    "traded: the market's standard rates, plus the special and tax rates (always zero here), "
    "and the discount for paying fees in another asset (never offered here).",
    params=(SYMBOL, *SIGNED_PARAMS),
    refusals=(*SIGNED, BAD_SYMBOL),
    answer=Answer(
        obj(
            symbol=text(), standardCommission=_RATES, specialCommission=_RATES,
            taxCommission=_RATES,
            discount=obj(
                enabledForAccount=boolean(), enabledForSymbol=boolean(),
                discountAsset=nullable(text()), discount=decimal(),
            ),
        ),
        "The market's commission rates for this account.",
    ),
)  # fmt: skip
_MATCHED = obj(
    symbol=text(), preventedMatchId=integer(minimum=0),
    takerOrderId=integer(minimum=1), makerSymbol=text(), makerOrderId=integer(minimum=1),
    tradeGroupId=integer(), selfTradePreventionMode=choice(SelfTradePrevention),
    price=decimal(), transactTime=MILLIS,
)  # fmt: skip
_PREVENTED_MATCH = Schema(
    type=OpenAPIType.OBJECT,
    properties={
        **(_MATCHED.properties or {}),
        "takerPreventedQuantity": decimal("Only when the mode took quantity from the taker."),
        "makerPreventedQuantity": decimal("Only when the mode took quantity from the maker."),
    },
    required=_MATCHED.required,
)
MY_PREVENTED_MATCHES = Endpoint(
    "Query prevented matches (USER_DATA)", Access.SIGNED, "2 by preventedMatchId, 20 by orderId",
    description="The account's orders that would have traded with each other and were stopped "
    "by self-trade prevention. Ask either for one prevented match (`preventedMatchId`) or for "
    "an order's (`orderId`, optionally from `fromPreventedMatchId` on); any other combination "
    "is refused (-1128).",
    params=(
        SYMBOL,
        Param("preventedMatchId", integer(minimum=0), "One prevented match, by its id."),
        Param("orderId", integer(minimum=1), "The prevented matches this order took part in."),
        Param(
            "fromPreventedMatchId", integer(minimum=0),
            "With `orderId`: start from this prevented match id, inclusive.",
        ),
        limit(500, 1000), *SIGNED_PARAMS,
    ),
    refusals=(*SIGNED, BAD_SYMBOL, BAD_COMBINATION),
    answer=Answer(array(_PREVENTED_MATCH), "The prevented matches, oldest first."),
)  # fmt: skip
TRADE_FEE = Endpoint(
    "Trade fee (USER_DATA)", Access.SIGNED, 1,
    description="The maker and taker fee of each market, as fractions of the amount traded "
    "(Binance's wallet API; ccxt reads a market's fee here).",
    params=(
        Param(
            "symbol", text(), "One market only; every market if not sent.", example="BTCUSDT"
        ),
        *SIGNED_PARAMS,
    ),
    refusals=(*SIGNED, BAD_SYMBOL),
    answer=Answer(
        array(obj(symbol=text(), makerCommission=decimal(), takerCommission=decimal())),
        "One entry per market asked for.",
    ),
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
    params=_UNSIGNED, refusals=(*API_KEY, UNAUTHORIZED),
    answer=Answer(obj(listenKey=text()), "The new listen key."),
)  # fmt: skip
KEEP_ALIVE_USER_STREAM = Endpoint(
    "Keepalive user data stream (USER_STREAM)", Access.USER_STREAM, 2,
    params=(_LISTEN_KEY, *_UNSIGNED),
    refusals=(*API_KEY, UNAUTHORIZED, MANDATORY, UNKNOWN_LISTEN_KEY),
    answer=Answer(EMPTY, "Kept alive for 60 more minutes."),
)  # fmt: skip
CLOSE_USER_STREAM = Endpoint(
    "Close user data stream (USER_STREAM)", Access.USER_STREAM, 2,
    params=(_LISTEN_KEY, *_UNSIGNED),
    refusals=(*API_KEY, UNAUTHORIZED, MANDATORY, UNKNOWN_LISTEN_KEY),
    answer=Answer(EMPTY, "Closed."),
)  # fmt: skip
