"""Who is calling, and may they: request weight, API keys with HMAC signatures, bearer tokens.

Request weight is charged to the caller's address and, once its signature proves the request
is the key holder's, to its API key too, both at once; X-MBX-USED-WEIGHT-1M reports the larger
of the two."""

from typing import Any

from attrs import define
from litestar import Request
from litestar.datastructures import State

from adapters.security.signatures import is_valid
from application.accounts import Accounts
from application.errors import InvalidToken
from application.ports import Clock, RateLimiter
from entrypoints import logs
from entrypoints.api.errors import ApiError, mandatory
from entrypoints.api.params import Params

DEFAULT_RECV_WINDOW = 5000
MAX_RECV_WINDOW = 60_000
AHEAD_TOLERANCE = 1000
USED_WEIGHT = "used_weight"

AnyRequest = Request[Any, Any, State]


@define
class Caller:
    account_id: int
    params: Params


@define
class Gate:
    accounts: Accounts
    clock: Clock
    limiter: RateLimiter
    weight_per_minute: int

    async def public(self, request: AnyRequest, weight: int = 1) -> Params:
        await self.charge(request, weight)
        return self.query(request)

    @staticmethod
    def query(request: AnyRequest) -> Params:
        return Params.parse(query_string(request))

    async def charge(self, request: AnyRequest, weight: int) -> None:
        """Spends request weight from the caller's address."""
        await self._spend(request, [f"ip:{_address(request)}"], weight)

    async def private(self, request: AnyRequest, weight: int = 1) -> Caller:
        """An API key with a signed request, or a bearer access token."""
        api_key = request.headers.get("x-mbx-apikey")
        if api_key is None:
            await self.charge(request, weight)
            authorization = request.headers.get("authorization", "")
            if authorization.lower().startswith("bearer "):
                return await self._bearer(request, authorization[7:].strip())
            raise ApiError(-2014, "API-key format invalid.", 401)
        try:
            caller = await self._signed(request, api_key)
        except ApiError:
            await self.charge(request, weight)
            raise
        await self._spend(request, [f"ip:{_address(request)}", f"key:{api_key}"], weight)
        return caller

    async def user(self, request: AnyRequest) -> int:
        """The user of a bearer access token, for the native account endpoints."""
        await self.charge(request, 1)
        authorization = request.headers.get("authorization", "")
        if not authorization.lower().startswith("bearer "):
            raise ApiError(-1002, "You are not authorized to execute this request.", 401)
        user_id = await self.accounts.user_of_token(authorization[7:].strip())
        logs.bind(account_id=user_id)
        return user_id

    async def _bearer(self, request: AnyRequest, token: str) -> Caller:
        try:
            user_id = await self.accounts.user_of_token(token)
        except InvalidToken:
            raise ApiError(-1002, "You are not authorized to execute this request.", 401) from None
        params = Params.parse(query_string(request), await form_body(request))
        params.ignore("timestamp", "recvWindow")
        logs.bind(account_id=user_id)
        return Caller(user_id, params)

    async def _signed(self, request: AnyRequest, api_key: str) -> Caller:
        query, form = query_string(request), await form_body(request)
        params = Params.parse(query, form)
        signature = params.text("signature")
        timestamp = params.integer("timestamp")
        if timestamp is None:
            raise mandatory("timestamp")
        window = params.integer("recvWindow", minimum=0) or DEFAULT_RECV_WINDOW
        if window > MAX_RECV_WINDOW:
            raise ApiError(-1131, "recvWindow must be less than 60000")
        now = self.clock.now()
        if timestamp > now + AHEAD_TOLERANCE:
            raise ApiError(
                -1021, "Timestamp for this request was 1000ms ahead of the server's time."
            )
        if now - timestamp > window:
            raise ApiError(-1021, "Timestamp for this request is outside of the recvWindow.")
        key = await self.accounts.api_key(api_key)
        if key is None:
            raise ApiError(-2015, "Invalid API-key, IP, or permissions for action.", 401)
        if signature is None:
            raise mandatory("signature")
        if not is_valid(key.secret, _unsigned(query) + _unsigned(form), signature):
            raise ApiError(-1022, "Signature for this request is not valid.")
        logs.bind(account_id=key.user_id)
        return Caller(key.user_id, params)

    async def _spend(self, request: AnyRequest, keys: list[str], weight: int) -> None:
        used = await self.limiter.spend(keys, weight, self.clock.now())
        state = request.scope.setdefault("state", {})
        state[USED_WEIGHT] = max(used, state.get(USED_WEIGHT, 0))


def _address(request: AnyRequest) -> str:
    return request.client.host if request.client else "unknown"


def query_string(request: AnyRequest) -> str:
    raw = request.scope.get("query_string", b"")
    return raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)


async def form_body(request: AnyRequest) -> str:
    if request.method in ("GET", "HEAD"):
        return ""
    content_type = request.headers.get("content-type", "")
    body = await request.body()
    if body and "json" in content_type:
        raise ApiError(-1100, "Parameters must be sent in the query string or as a form body.")
    return body.decode("latin-1")


def _unsigned(encoded: str) -> str:
    """The parameters as sent, less the signature: what the client signed."""
    return "&".join(part for part in encoded.split("&") if not part.startswith("signature="))
