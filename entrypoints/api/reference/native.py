"""The routes Binance has no counterpart of: users and API keys (UserController), money
(WalletController) and the operator's transfers (AdminController)."""

from entrypoints.api.reference.endpoint import Access, Answer, Endpoint, Param
from entrypoints.api.reference.parameters import END_TIME, SIGNED_PARAMS, START_TIME
from entrypoints.api.reference.refusals import (
    BEARER,
    DISABLED,
    ILLEGAL,
    JSON_BODY,
    MANDATORY,
    NOT_FOUND,
    REJECTED,
    SIGNED,
    TAKEN,
    UNAUTHORIZED,
)
from entrypoints.api.reference.shapes import (
    EMPTY,
    MILLIS,
    array,
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
    "Deposit (operator)", Access.ADMIN, 1, description=_TRANSFER, params=(),
    refusals=(*JSON_BODY, UNAUTHORIZED, DISABLED, NOT_FOUND, TAKEN),
)  # fmt: skip
WITHDRAWAL = Endpoint(
    "Withdrawal (operator)", Access.ADMIN, 1, description=_TRANSFER, params=(),
    refusals=(*JSON_BODY, UNAUTHORIZED, DISABLED, NOT_FOUND, TAKEN, REJECTED),
)  # fmt: skip
