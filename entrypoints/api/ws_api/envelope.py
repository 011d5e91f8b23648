"""Binance's WebSocket API envelope: `{"id", "method", "params"}` in, `{"id", "status",
"result" | "error", "rateLimits"}` out. Answers are put together from the bytes the endpoint
answered, never decoded and encoded again."""

from decimal import Decimal

import msgspec
from attrs import frozen

from entrypoints.api.errors import ApiError, mandatory

encode = msgspec.json.Encoder().encode
# Decimals as written: no float ever holds a price or a quantity sent as a JSON number.
decode = msgspec.json.Decoder(float_hook=Decimal).decode
INVALID_JSON = ApiError(-1135, "Invalid JSON Request")
RATE_LIMITS = "returnRateLimits"  # a parameter of the envelope, though clients sign it too


@frozen
class Call:
    ident: str | int | None
    method: str
    params: dict[str, object]  # `returnRateLimits` among them, when sent
    rate_limits: bool  # whether the answer shows `rateLimits`


class Malformed(Exception):
    """A request that cannot be read, answered to its id when it has one."""

    def __init__(self, ident: str | int | None, error: ApiError) -> None:
        super().__init__(error.msg)
        self.ident = ident
        self.error = error


def parse(text: str, rate_limits: bool) -> Call:
    """The request in a client's text frame; `rate_limits` is the connection's default."""
    try:
        request = decode(text)
    except (msgspec.DecodeError, RecursionError):  # how msgspec tells nesting too deep
        raise Malformed(None, INVALID_JSON) from None
    if not isinstance(request, dict):
        raise Malformed(None, INVALID_JSON)
    ident = request.get("id")
    if not (ident is None or isinstance(ident, str) or type(ident) is int):
        raise Malformed(None, ApiError(-1100, "Illegal characters found in parameter 'id'."))
    method = request.get("method")
    if not isinstance(method, str) or not method:
        raise Malformed(ident, mandatory("method"))
    params = request.get("params")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise Malformed(ident, ApiError(-1100, "Illegal characters found in parameter 'params'."))
    wanted = params.get(RATE_LIMITS, rate_limits)
    if not isinstance(wanted, bool):
        error = ApiError(-1100, "Illegal characters found in parameter 'returnRateLimits'.")
        raise Malformed(ident, error)
    return Call(ident, method, params, wanted)


def error_body(error: ApiError) -> bytes:
    return encode({"code": error.code, "msg": error.msg})


def rate_limits(limit: int, count: int) -> bytes:
    return encode(
        [
            {
                "rateLimitType": "REQUEST_WEIGHT",
                "interval": "MINUTE",
                "intervalNum": 1,
                "limit": limit,
                "count": count,
            }
        ]
    )


def response(ident: str | int | None, status: int, body: bytes, limits: bytes | None) -> str:
    """`body` is the result of a 200, else the error."""
    kind = b"result" if status == 200 else b"error"
    answer = b'{"id":%s,"status":%d,"%s":%s' % (encode(ident), status, kind, body)
    if limits is not None:
        answer += b',"rateLimits":' + limits
    return (answer + b"}").decode()
