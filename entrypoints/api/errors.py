"""Every refusal as Binance words it: an HTTP 4xx with `{"code": -NNNN, "msg": "..."}`; and
every other error, a bug, told once in the log and answered as Binance's -1000."""

import logging
from collections.abc import Callable
from typing import Any

from litestar import Request, Response
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.types import Scope

from application import metrics
from application.accounts import InvalidSignUp
from application.errors import (
    AlreadyListed,
    ApplicationError,
    BackendTimeout,
    ConcurrentChange,
    EmailTaken,
    FeatureDisabled,
    InvalidCredentials,
    MarketUnavailable,
    NotFound,
    RateLimited,
    ReferenceTaken,
    TooManyOrders,
    Unavailable,
)
from application.frozen_accounts import AccountFrozen
from application.operators import AdminWithoutTwoFactor, NotAnAdmin
from application.two_factor import TwoFactorState
from domain.errors import (
    DomainError,
    DuplicateOrder,
    FilterFailure,
    InsufficientBalance,
    InvalidAmend,
    InvalidAmount,
    InvalidListing,
    InvalidOrder,
    MarketClosed,
    MarketClosedToChanges,
    OcoLegMisplaced,
    OcoPrices,
    UnknownAsset,
    UnknownMarket,
    UnknownOrder,
    UnsupportedOrder,
    WouldTake,
    WouldTrigger,
)
from entrypoints.api.request_ids import request_id

logger = logging.getLogger(__name__)
AnyRequest = Request[Any, Any, Any]


class ApiError(Exception):
    """A refusal decided at the edge: bad parameters, credentials or signatures."""

    def __init__(self, code: int, msg: str, status: int = 400) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.status = status


def mandatory(name: str) -> ApiError:
    return ApiError(
        -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    )


def illegal(name: str, legal: str) -> ApiError:
    return ApiError(
        -1100, f"Illegal characters found in parameter '{name}'; legal range is '{legal}'."
    )


# Domain refusals: (code, status); the message is the error's own, Binance's where it has one.
DOMAIN_CODES: dict[type[DomainError], int] = {
    FilterFailure: -1013,
    InvalidOrder: -1013,
    InvalidAmend: -1013,
    InsufficientBalance: -2010,
    WouldTake: -2010,
    WouldTrigger: -2010,
    UnsupportedOrder: -2010,
    OcoPrices: -2010,
    DuplicateOrder: -2010,
    MarketClosed: -2010,
    MarketClosedToChanges: -2011,
    UnknownOrder: -2011,
    UnknownMarket: -1121,
    UnknownAsset: -1100,
    InvalidListing: -1130,
    InvalidAmount: -1100,
}

APPLICATION_CODES: dict[type[ApplicationError], tuple[int, int]] = {
    InvalidSignUp: (-1100, 400),
    EmailTaken: (-1100, 409),
    ReferenceTaken: (-1100, 409),
    AlreadyListed: (-1130, 409),
    ConcurrentChange: (-1100, 409),
    TwoFactorState: (-1100, 409),
    InvalidCredentials: (-1002, 401),
    NotAnAdmin: (-1002, 403),
    AdminWithoutTwoFactor: (-1002, 403),
    AccountFrozen: (-2010, 400),
    FeatureDisabled: (-1002, 403),
    NotFound: (-1100, 404),
    MarketUnavailable: (-1001, 503),
    BackendTimeout: (-1007, 503),
    Unavailable: (-1001, 503),
    TooManyOrders: (-1015, 429),
}


def body(code: int, msg: str, status: int) -> Response[dict[str, object]]:
    return Response({"code": code, "msg": msg}, status_code=status)


def on_api_error(_: AnyRequest, error: ApiError) -> Response[dict[str, object]]:
    return body(error.code, error.msg, error.status)


OCO_LEG_CODES = {
    "A limit order in a buy OCO must be below.": -1165,
    "A limit order in a sell OCO must be above.": -1166,
    "At least one OCO order must be contingent.": -1168,
    "A stop loss order in a buy OCO must be above.": -1196,
    "A stop loss order in a sell OCO must be below.": -1197,
    "A take profit order in a buy OCO must be below.": -1198,
    "A take profit order in a sell OCO must be above.": -1199,
}
"""Binance's code for each rule of where an OCO's orders stand, by its message."""


def domain_code(error: DomainError) -> int:
    if isinstance(error, OcoLegMisplaced):
        return OCO_LEG_CODES.get(str(error), -1013)
    return next((c for kind, c in DOMAIN_CODES.items() if isinstance(error, kind)), -1013)


def on_domain_error(_: AnyRequest, error: DomainError) -> Response[dict[str, object]]:
    return body(domain_code(error), str(error), 400)


def application_refusal(error: ApplicationError) -> tuple[int, int]:
    """The code and the status an application error is answered with."""
    if isinstance(error, RateLimited):
        metrics.rate_limited.inc()
        return -1003, 429
    return next(
        (found for kind, found in APPLICATION_CODES.items() if isinstance(error, kind)),
        (-1000, 400),
    )


def on_application_error(_: AnyRequest, error: ApplicationError) -> Response[dict[str, object]]:
    code, status = application_refusal(error)
    response = body(code, str(error), status)
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(max(1, -(-error.retry_after // 1000)))
    return response


def on_http_error(request: AnyRequest, error: HTTPException) -> Response[dict[str, object]]:
    if error.status_code >= 500:
        return on_unexpected_error(request, error)
    response = _http_refusal(error)
    # Such as the Allow of a 405, which tells the client what it may do instead.
    response.headers.update(error.headers or {})
    return response


def _http_refusal(error: HTTPException) -> Response[dict[str, object]]:
    if isinstance(error, NotFoundException):
        return body(-1000, "Not found.", 404)
    if isinstance(error, ValidationException) and isinstance(error.extra, list):
        problems = "; ".join(_problem(found) for found in error.extra)
        return body(-1100, f"Invalid request body: {problems}.", 400)
    if error.status_code == 400:
        return body(-1100, f"Malformed request body: {error.detail}", 400)
    return body(-1000, str(error.detail), error.status_code)


def _problem(found: object) -> str:
    if not isinstance(found, dict):
        return str(found)
    key = found.get("key")
    where = f" in '{key}'" if key and key != "data" else ""
    return f"{found.get('message')}{where}"


def log_unexpected(error: BaseException, scope: Scope) -> None:
    """At ERROR, which the root logger Litestar sets up shows whatever uvicorn's own level;
    with the request id the client was given, so that its report finds the traceback."""
    logger.error(
        "Unexpected error on %s %r (request id %s)",  # the path quoted: it may hold a newline
        scope.get("method", "WEBSOCKET"),
        scope["path"],
        request_id(scope),
        exc_info=error,
    )


def on_unexpected_error(request: AnyRequest, error: Exception) -> Response[dict[str, object]]:
    log_unexpected(error, request.scope)
    return body(-1000, "An unknown error occurred while processing the request.", 500)


async def log_websocket_error(error: Exception, scope: Scope) -> None:
    """Litestar closes the connection (4500) without a word: this tells it, once. Exception
    handlers apply to HTTP only, where `on_unexpected_error` tells it instead."""
    if scope["type"] == ScopeType.WEBSOCKET:
        log_unexpected(error, scope)


EXCEPTION_HANDLERS: dict[int | type[Exception], Callable[[AnyRequest, Any], Response[Any]]] = {
    ApiError: on_api_error,
    DomainError: on_domain_error,
    ApplicationError: on_application_error,
    HTTPException: on_http_error,
    Exception: on_unexpected_error,
}
