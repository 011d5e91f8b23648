"""The routes Binance has no counterpart of: users and API keys (UserController), money
(WalletController), the operator's transfers (AdminController) and markets
(AdminMarketsController)."""

from domain.market_status import MarketStatus
from entrypoints.api.reference.endpoint import Access, Answer, Endpoint, Param
from entrypoints.api.reference.parameters import END_TIME, SIGNED_PARAMS, START_TIME
from entrypoints.api.reference.refusals import (
    ADMIN,
    BAD_SYMBOL,
    BEARER,
    DISABLED,
    ILLEGAL,
    INVALID_LISTING,
    JSON_BODY,
    LISTED,
    MANDATORY,
    NO_SESSION,
    NOT_FOUND,
    REJECTED,
    SIGNED,
    TAKEN,
    TIMED_OUT,
    TOO_MANY_CODES,
    TOO_MANY_REQUESTS,
    TWO_FACTOR_STATE,
    UNAUTHORIZED,
    UNAVAILABLE,
    UNKNOWN_ASSET,
    WRONG_CODE,
)
from entrypoints.api.reference.shapes import (
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

_IN_BODY = "The JSON body holds every parameter; unknown fields are refused (-1100)."
SIGN_UP = Endpoint(
    "Sign up", Access.NONE, 10, description=_IN_BODY, params=(),
    refusals=(*JSON_BODY, TAKEN),
)  # fmt: skip
LOGIN = Endpoint(
    "Log in", Access.NONE, 10,
    description=f"An access token (for the bearer routes) and a refresh token. {_IN_BODY}",
    params=(), refusals=(*JSON_BODY, UNAUTHORIZED),
)  # fmt: skip
REFRESH = Endpoint(
    "Refresh the access token", Access.NONE, 1, description=_IN_BODY, params=(),
    refusals=(*JSON_BODY, UNAUTHORIZED),
)  # fmt: skip
LOGOUT = Endpoint(
    "Log out", Access.BEARER, 1, description="Ends the session of the access token.",
    params=(), refusals=BEARER, answer=Answer(EMPTY, "Logged out."),
)  # fmt: skip
CREATE_API_KEY = Endpoint(
    "Create an API key", Access.BEARER, 1,
    description="An API key and its secret, shown this once. The body is optional: "
    '`{"label": "..."}` names the key.',
    params=(), refusals=(*BEARER, ILLEGAL), optional_body=True,
)  # fmt: skip
LIST_API_KEYS = Endpoint(
    "List the API keys", Access.BEARER, 1, description="Without their secrets.", params=(),
    refusals=BEARER,
)  # fmt: skip
RESTRICT_API_KEY = Endpoint(
    "Restrict an API key", Access.BEARER, 1,
    description="Sets whether the key may trade (`enableTrading`) and the only addresses or "
    "networks it is taken from (`ipRestrict`); without a body, anything from anywhere. The "
    "streams and subscriptions the key opened end.",
    params=(Param("api_key", text(), "The API key to restrict.", location="path"),),
    refusals=(*BEARER, ILLEGAL, NOT_FOUND), optional_body=True,
)  # fmt: skip
DELETE_API_KEY = Endpoint(
    "Delete an API key", Access.BEARER, 1,
    params=(Param("api_key", text(), "The API key to delete.", location="path"),),
    refusals=(*BEARER, ILLEGAL, NOT_FOUND), answer=Answer(EMPTY, "Deleted."),
)  # fmt: skip

_CODE_BODY = (
    'The JSON body holds the code: `{"code": "123456"}`, a current code of the authenticator '
    "app{or_recovery}; unknown fields are refused (-1100). At most 5 codes a minute are tried."
)
_RECOVERY_CODES = Answer(
    obj(recoveryCodes=array(text())),
    "The recovery codes, shown this once: each stands in for a code once, when the "
    "authenticator is lost.",
)
TWO_FACTOR_STATUS = Endpoint(
    "Two-factor authentication status", Access.BEARER, 1,
    description="Whether logging in asks for a two-factor code, and how many unused recovery "
    "codes are left.",
    params=(), refusals=BEARER,
    answer=Answer(
        obj(enabled=boolean(), recoveryCodesLeft=integer(minimum=0)),
        "The login's two-factor authentication.",
    ),
)  # fmt: skip
ENROL_TWO_FACTOR = Endpoint(
    "Enrol an authenticator app", Access.BEARER, 1,
    description="A new TOTP secret, to add to an authenticator app from its otpauth URI or by "
    "scanning its QR code. It takes effect once confirmed with a code "
    "(POST /api/v1/two-factor/enable); enrolling again replaces an unconfirmed secret.",
    params=(), refusals=(*BEARER, NOT_FOUND, TWO_FACTOR_STATE),
    answer=Answer(
        obj(
            secret=text("The TOTP secret, in base 32."),
            otpauthUri=text("The otpauth:// URI an authenticator app takes."),
            qrCode=text("The URI as a QR code: an SVG image in a data: URI."),
        ),
        "The secret to enrol.",
    ),
)  # fmt: skip
ENABLE_TWO_FACTOR = Endpoint(
    "Enable two-factor authentication", Access.BEARER, 1,
    description="Confirms the enrolment with a code of the app; from then on, logging in asks "
    "for a code too. " + _CODE_BODY.replace("{or_recovery}", ""),
    params=(), refusals=(*BEARER, ILLEGAL, WRONG_CODE, TWO_FACTOR_STATE, TOO_MANY_CODES),
    answer=_RECOVERY_CODES,
)  # fmt: skip
DISABLE_TWO_FACTOR = Endpoint(
    "Disable two-factor authentication", Access.BEARER, 1,
    description="Logging in no longer asks for a code; the recovery codes are dropped. "
    + _CODE_BODY.replace("{or_recovery}", ", or an unused recovery code"),
    params=(), refusals=(*BEARER, ILLEGAL, WRONG_CODE, TWO_FACTOR_STATE, TOO_MANY_CODES),
    answer=Answer(EMPTY, "Disabled."),
)  # fmt: skip
RENEW_RECOVERY_CODES = Endpoint(
    "Renew the recovery codes", Access.BEARER, 1,
    description="A new set of recovery codes; the old ones stop working. "
    + _CODE_BODY.replace("{or_recovery}", ""),
    params=(), refusals=(*BEARER, ILLEGAL, WRONG_CODE, TWO_FACTOR_STATE, TOO_MANY_CODES),
    answer=_RECOVERY_CODES,
)  # fmt: skip

_SESSION = Answer(
    obj(
        access_token=text("For the bearer routes; keep it in memory."),
        expires_in=integer("Seconds the access token lasts.", minimum=0),
        csrf_token=text("To send as X-CSRF-Token when refreshing or ending the session."),
        token_type=choice(["bearer"]),
    ),
    "An access token and the session's CSRF token; the refresh token is set in the httpOnly "
    "`bourse_refresh` cookie, and the CSRF token in the `bourse_csrf` cookie too.",
)
_SESSION_COOKIE = (
    Param(
        "X-CSRF-Token", text(), "The session's CSRF token, as the session's start gave it.",
        required=True, location="header",
    ),
    Param(
        "bourse_refresh", text(), "The session's refresh token, set by the session's start.",
        required=True, location="cookie",
    ),
)  # fmt: skip
START_SESSION = Endpoint(
    "Log in from a browser", Access.NONE, 10,
    description="Logs in as POST /api/v1/auth/login does, for the web page: the refresh token "
    "comes in an httpOnly, SameSite=Strict cookie that no script can read. The JSON body: "
    '`{"email": ..., "password": ..., "two_factor_code": ...}`, the code only once two-factor '
    "authentication is enabled; unknown fields are refused (-1100).",
    params=(),
    refusals=(*JSON_BODY, UNAUTHORIZED, WRONG_CODE, TOO_MANY_CODES),
    answer=_SESSION,
)  # fmt: skip
REFRESH_SESSION = Endpoint(
    "Refresh a browser session", Access.NONE, 1,
    description="A new access token and new cookies, on the session's cookie and its CSRF "
    "token; the old refresh token stops working.",
    params=_SESSION_COOKIE,
    refusals=(TOO_MANY_REQUESTS, UNAVAILABLE, NO_SESSION, UNAUTHORIZED),
    answer=_SESSION,
)  # fmt: skip
END_SESSION = Endpoint(
    "Log out from a browser", Access.NONE, 1,
    description="Ends the session of the cookie, and the user data streams its logins opened; "
    "both cookies are deleted.",
    params=_SESSION_COOKIE,
    refusals=(TOO_MANY_REQUESTS, UNAVAILABLE, NO_SESSION),
    answer=Answer(EMPTY, "Logged out."),
)  # fmt: skip

PORTFOLIO = Endpoint(
    "Portfolio", Access.SIGNED, 5,
    description="The account's holdings, each valued at the last price in `asset`.",
    params=(
        Param("asset", text(), "The asset to value in; USDT if not sent."),
        *SIGNED_PARAMS,
    ),
    refusals=SIGNED,
)  # fmt: skip
_LINE = obj(
    entryId=integer(), time=MILLIS, kind=text(), reference=text(),
    asset=text(), availableChange=text(), lockedChange=text(),
    available=decimal(), locked=decimal(),
)  # fmt: skip
STATEMENTS = Endpoint(
    "Statement", Access.SIGNED, 10,
    description="Every change of the account's balances, from the journal.",
    params=(
        Param("asset", text(), "One asset; every asset if not sent."),
        START_TIME, END_TIME,
        Param("format", choice(["json", "csv"]), "json (the default) or csv."),
        *SIGNED_PARAMS,
    ),
    refusals=SIGNED,
    answer=Answer(array(_LINE), "The statement's lines, oldest first."),
    more_answers=(Answer(text(), "As CSV with format=csv.", media_type="text/csv"),),
)  # fmt: skip
FAUCET = Endpoint(
    "Faucet", Access.SIGNED, 1,
    description="Demo funds, where the exchange allows them. Parameters as a signed request's, "
    'or with a bearer token as a JSON object of strings: `{"asset": "USDT", "amount": "1000"}`.',
    params=(
        Param("asset", text(), "The asset to receive.", required=True, example="USDT"),
        Param("amount", decimal(), "How much.", required=True, example="1000"),
        *SIGNED_PARAMS,
    ),
    refusals=(*SIGNED, MANDATORY, DISABLED),
)  # fmt: skip
_TRANSFER = (
    "Made once per `reference`: a retry answers as the first did, and a reference already "
    f"used for another transfer is refused (409). {_IN_BODY}"
)
DEPOSIT = Endpoint(
    "Deposit (operator)", Access.ADMIN_OR_TOKEN, 1, description=_TRANSFER, params=(),
    refusals=(*JSON_BODY, *ADMIN, DISABLED, NOT_FOUND, TAKEN),
)  # fmt: skip
WITHDRAWAL = Endpoint(
    "Withdrawal (operator)", Access.ADMIN_OR_TOKEN, 1, description=_TRANSFER, params=(),
    refusals=(*JSON_BODY, *ADMIN, DISABLED, NOT_FOUND, TAKEN, REJECTED),
)  # fmt: skip
SET_MARKET_STATUS = Endpoint(
    "Set a market's status (operator)", Access.ADMIN, 1,
    description="Changes what the market takes from now on, as Binance's symbol statuses do: "
    "`TRADING` everything; `CANCEL_ONLY` cancels and amendments alone; `HALT` (an incident) and "
    "`BREAK` (maintenance) no command on its orders at all, which stay in the book. Refused "
    "orders answer -2010, refused cancels and amendments -2011, both with \"Market is "
    "closed.\". The change is an engine command of the market: in its sequence, recorded with "
    "its `reason`, shown by exchangeInfo's `status` and the `<symbol>@marketStatus` stream. "
    f"{_IN_BODY}",
    params=(Param("symbol", text(), "The market.", example="BTCUSDT", location="path"),),
    refusals=(*JSON_BODY, *ADMIN, BAD_SYMBOL, TIMED_OUT),
    answer=Answer(
        obj(symbol=text(), status=choice(MarketStatus), reason=text(), time=MILLIS),
        "The market's status, as committed.",
        {"symbol": "BTCUSDT", "status": "HALT", "reason": "incident 42", "time": 1700000000000},
    ),
)  # fmt: skip

_LISTED = (
    "Every process takes it without a restart: at once on the notice the change sends, or "
    "within seconds on its own re-reading of the listings."
)
_TERMS = (
    "Filters are named as exchangeInfo names them (`minPrice`, `maxPrice`, `minQty`, `maxQty`, "
    "`marketMaxQty`, `minNotional`, `maxNotional`, `maxNumOrders`, `maxNumAlgoOrders`, "
    "`icebergParts`), amounts as decimal strings in the market's assets; `makerCommission` and "
    "`takerCommission` are rates (`0.001` is 0.1%), charged on the asset received."
)
_LISTING = obj(
    symbol=text(), status=choice(MarketStatus), baseAsset=text(), quoteAsset=text(),
    filters=array(obj()), makerCommission=decimal(), takerCommission=decimal(),
)  # fmt: skip
LIST_ASSET = Endpoint(
    "List an asset (operator)", Access.ADMIN, 1,
    description="Lists an asset under its code (2 to 10 capitals or digits) with its precision "
    "(decimals of its minor unit, 0 to 18), so that markets over it can be listed and it can "
    f"be deposited. Refused with 409 if listed already. {_IN_BODY}",
    params=(),
    refusals=(*JSON_BODY, UNAUTHORIZED, DISABLED, LISTED),
    answer=Answer(obj(asset=text(), precision=integer()), "The asset listed.",
                  {"asset": "SOL", "precision": 8}),
)  # fmt: skip
LIST_MARKET = Endpoint(
    "List a market (operator)", Access.ADMIN, 1,
    description="Lists the market of `baseAsset` against `quoteAsset` (both listed), its symbol "
    "their codes together, trading at once. `tickSize` and `stepSize` are set for good; "
    f"`maxQty`, `minNotional`, `maxNotional` and both commissions are required. {_TERMS} "
    "Refused with -1130 when a filter contradicts another or is finer than its asset's "
    f"precision, 409 when the symbol is listed already; nothing changes then. {_LISTED} "
    f"{_IN_BODY}",
    params=(),
    refusals=(*JSON_BODY, UNAUTHORIZED, DISABLED, UNKNOWN_ASSET, INVALID_LISTING, LISTED),
    answer=Answer(_LISTING, "The market as exchangeInfo shows it, with its commissions."),
)  # fmt: skip
CHANGE_MARKET = Endpoint(
    "Change a market's filters and fees (operator)", Access.ADMIN, 1,
    description="Changes the filters and commissions sent; the others stay. Answered once the "
    "market's engine has taken the change, in its order of commands: every order sent after "
    "the answer meets the new terms, and a resting order pays the maker commission in force "
    "when it trades; an order resting already stays in the book whatever its filters. If the "
    "engine does not answer (503), the change is kept all the same and the engine takes it "
    f"when it serves the market again. {_TERMS} {_LISTED} {_IN_BODY}",
    params=(Param("symbol", text(), "The market.", example="BTCUSDT", location="path"),),
    refusals=(*JSON_BODY, UNAUTHORIZED, DISABLED, BAD_SYMBOL, INVALID_LISTING, TIMED_OUT),
    answer=Answer(_LISTING, "The market as exchangeInfo shows it, with its commissions."),
)  # fmt: skip
