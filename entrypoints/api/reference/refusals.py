"""Every refusal a route can answer, by HTTP status and Binance code, with what it means; and
the refusals every route of a kind shares (those of its gate and its parameters)."""

from attrs import frozen


@frozen
class Refusal:
    status: int
    code: int
    meaning: str


TOO_MANY_REQUESTS = Refusal(429, -1003, "Too much request weight used; see Retry-After.")
UNAVAILABLE = Refusal(503, -1001, "A store or the market's engine is out of reach; retry.")
TIMED_OUT = Refusal(503, -1007, "No engine answered in time; find the order by clientOrderId.")
DUPLICATE_PARAMETER = Refusal(400, -1101, "A parameter was sent twice, or with one it excludes.")
ILLEGAL = Refusal(400, -1100, "A parameter's value is malformed or out of its range.")
MANDATORY = Refusal(400, -1102, "A mandatory parameter was not sent, or was empty.")
UNREAD = Refusal(400, -1104, "A parameter this endpoint does not take was sent.")
NOT_REQUIRED = Refusal(400, -1106, "A parameter was sent that this kind of order does not take.")
BAD_COMBINATION = Refusal(400, -1128, "A combination of optional parameters is invalid.")
BAD_SYMBOL = Refusal(400, -1121, "Invalid symbol: no such market.")
BAD_INTERVAL = Refusal(400, -1120, "Invalid interval.")
BAD_TIME_IN_FORCE = Refusal(400, -1115, "Invalid timeInForce.")
BAD_ORDER_TYPE = Refusal(400, -1116, "Invalid orderType.")
BAD_SIDE = Refusal(400, -1117, "Invalid side.")
FILTER_FAILURE = Refusal(
    400, -1013, "The order fails a filter of the market (tick, lot, notional)."
)
REJECTED = Refusal(
    400,
    -2010,
    "Order rejected: insufficient balance, would take, would trigger, duplicate id, market closed.",
)
CANCEL_REJECTED = Refusal(
    400, -2011, "Cancel or amend rejected: unknown order, or the market is closed (HALT, BREAK)."
)
NO_SUCH_ORDER = Refusal(400, -2013, "Order does not exist.")
REPLACE_PARTLY_FAILED = Refusal(400, -2021, "Cancel-replace partially failed (see `data`).")
REPLACE_FAILED = Refusal(400, -2022, "Cancel-replace failed (see `data`).")
BAD_TIMESTAMP = Refusal(400, -1021, "timestamp is ahead of the server's time, or too old.")
BAD_SIGNATURE = Refusal(400, -1022, "The signature is not the HMAC of what was sent.")
BAD_RECV_WINDOW = Refusal(400, -1131, "recvWindow must be at most 60000.")
UNKNOWN_LISTEN_KEY = Refusal(400, -1125, "This listenKey does not exist.")
KEY_FORMAT = Refusal(401, -2014, "No API key (or bearer token) was sent.")
KEY_REJECTED = Refusal(401, -2015, "Invalid API key.")
UNAUTHORIZED = Refusal(401, -1002, "Not authorized: no valid bearer token (or credentials).")
DISABLED = Refusal(403, -1002, "This feature is disabled on this exchange.")
NOT_FOUND = Refusal(404, -1100, "Not found.")
TAKEN = Refusal(409, -1100, "Already taken (e-mail address, or transfer reference).")
TWO_FACTOR_STATE = Refusal(
    409,
    -1100,
    "Two-factor authentication is not in the state this asks for: already enabled, "
    "not enabled, or no enrolment to confirm.",
)
WRONG_CODE = Refusal(
    401, -1002, "The two-factor code is wrong, already used, or (at login) missing."
)
TOO_MANY_CODES = Refusal(429, -1003, "Too many two-factor codes tried; see Retry-After.")
NO_SESSION = Refusal(
    403, -1002, "No session cookie, or an X-CSRF-Token header that does not match it."
)

PUBLIC = (TOO_MANY_REQUESTS, UNAVAILABLE, DUPLICATE_PARAMETER, UNREAD)
"""Any public route: its weight, its stores, and Binance's reading of the query (a parameter
sent twice, or one the route does not read)."""

SIGNED = (
    *PUBLIC, ILLEGAL, MANDATORY, BAD_TIMESTAMP, BAD_SIGNATURE, BAD_RECV_WINDOW,
    KEY_FORMAT, KEY_REJECTED, UNAUTHORIZED,
)  # fmt: skip
"""Any route taking a signed request (HMAC of an API key's secret) or a bearer token."""

API_KEY = (*PUBLIC, ILLEGAL, KEY_FORMAT, KEY_REJECTED)
"""The USER_STREAM routes, which take an API key without a signature (and no JSON body)."""

BEARER = (TOO_MANY_REQUESTS, UNAVAILABLE, UNAUTHORIZED)
"""The native account routes, which take a bearer access token."""

JSON_BODY = (TOO_MANY_REQUESTS, UNAVAILABLE, ILLEGAL)
"""A route reading a JSON body: one that is malformed or has unknown fields is refused -1100."""
