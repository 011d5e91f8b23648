"""Login sessions for the web page: the refresh token in an httpOnly, SameSite=Strict cookie
that no script can read, the access token in the answer (the page keeps it in memory), and a
CSRF token that every use of the cookie must echo in a header. The CSRF token is also set in a
cookie of its own that the page's script reads after a reload; other origins can read neither.
Native endpoints (Binance has none)."""

import hmac
from typing import Any

from litestar import Controller, Request, Response, delete, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import JSONBody
from msgspec import Struct

from application.accounts import REFRESH_LIFETIME_MS, Tokens
from entrypoints.api.errors import ApiError
from entrypoints.api.reference import native as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services
from entrypoints.api.user_stream import BEARER_OWNER
from entrypoints.api.users import PASSWORD_WEIGHT, Login

AnyRequest = Request[Any, Any, Any]
PATH = "/api/v1/auth/session"
REFRESH_COOKIE = "bourse_refresh"
CSRF_COOKIE = "bourse_csrf"
CSRF_HEADER = "X-CSRF-Token"


class SessionView(Struct):
    access_token: str
    expires_in: int
    csrf_token: str  # to send as X-CSRF-Token when refreshing or ending the session
    token_type: str = "bearer"


def cookies(request: AnyRequest, refresh_token: str, csrf_token: str) -> list[Cookie]:
    """The pair of cookies; an empty refresh token deletes both."""
    max_age = REFRESH_LIFETIME_MS // 1000 if refresh_token else 0
    # Behind the load balancer the scheme is the client's, from X-Forwarded-Proto.
    secure = request.url.scheme == "https"
    return [
        Cookie(
            REFRESH_COOKIE, value=refresh_token, max_age=max_age, path=PATH, secure=secure,
            httponly=True, samesite="strict",
        ),
        Cookie(
            CSRF_COOKIE, value=csrf_token, max_age=max_age, path="/", secure=secure,
            httponly=False, samesite="strict",
        ),
    ]  # fmt: skip


def started(request: AnyRequest, services: Services, tokens: Tokens) -> Response[SessionView]:
    csrf = services.accounts.csrf_token(tokens.refresh_token)
    return Response(
        SessionView(tokens.access_token, tokens.expires_in, csrf),
        cookies=cookies(request, tokens.refresh_token, csrf),
    )


def refresh_cookie(request: AnyRequest, services: Services) -> str:
    """The refresh token of the cookie, when the request's CSRF header matches it."""
    refresh_token = request.cookies.get(REFRESH_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    expected = services.accounts.csrf_token(refresh_token)
    if not refresh_token or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise ApiError(-1002, "Missing or invalid CSRF token or session cookie.", 403)
    return refresh_token


class BrowserSessionController(Controller):
    path = PATH
    tags = ["Users"]

    @post(
        "",
        operation_id="startBrowserSession",
        operation_class=documented(reference.START_SESSION),
        status_code=200,
    )
    async def start(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        data: JSONBody[Login],
    ) -> Response[SessionView]:
        """Logs in as `/api/v1/auth/login` does; the refresh token comes as a cookie."""
        await services.gate.charge(request, PASSWORD_WEIGHT)
        tokens = await services.accounts.login(data.email, data.password, data.two_factor_code)
        return started(request, services, tokens)

    @post(
        "/refresh",
        operation_id="refreshBrowserSession",
        operation_class=documented(reference.REFRESH_SESSION),
        status_code=200,
    )
    async def refresh(
        self, request: AnyRequest, services: NamedDependency[Services]
    ) -> Response[SessionView]:
        """A new access token, and new cookies: the old refresh token stops working."""
        await services.gate.charge(request, 1)
        tokens = await services.accounts.refresh(refresh_cookie(request, services))
        return started(request, services, tokens)

    @delete(
        "",
        operation_id="endBrowserSession",
        operation_class=documented(reference.END_SESSION),
        status_code=200,
    )
    async def end(
        self, request: AnyRequest, services: NamedDependency[Services]
    ) -> Response[dict[str, Any]]:
        """Logs out: the session ends and both cookies are deleted."""
        await services.gate.charge(request, 1)
        user_id = await services.accounts.end_session(refresh_cookie(request, services))
        if user_id is not None:  # what the account's logins opened ends with this one
            await services.user_streams.revoke(f"{BEARER_OWNER}{user_id}")
        return Response({}, cookies=cookies(request, "", ""))
