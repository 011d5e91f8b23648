"""Who is calling, and may they: request weight, API keys with HMAC signatures, bearer tokens.

Request weight is charged to the caller's address and, once its signature proves the request
is the key holder's, to its API key too, both at once; X-MBX-USED-WEIGHT-1M reports the larger
of the two. A WebSocket API request reaches the REST handlers with its key already verified by
its connection (`VERIFIED_KEY` in the request's state), and is charged the same."""

from typing import Any

from attrs import define
from litestar import Request
from litestar.datastructures import State

from adapters.security.signatures import verify
from application.accounts import Accounts
from application.errors import InvalidToken
from application.limit_ports import RateLimiter
from application.order_count import UnfilledOrders
from application.ports import Clock
from application.records import ApiKey
from entrypoints import logs
from entrypoints.api.errors import ApiError, mandatory
from entrypoints.api.params import Params

DEFAULT_RECV_WINDOW = 5000
MAX_RECV_WINDOW = 60_000
AHEAD_TOLERANCE = 1000
USED_WEIGHT = "used_weight"
VERIFIED_KEY = "verified_api_key"
ORDER_COUNTS = "order_counts"

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
    unfilled_orders: UnfilledOrders

    async def public(self, request: AnyRequest, weight: int = 1) -> Params:
        await self.charge(request, weight)
        return self.query(request)

    @staticmethod
    def query(request: AnyRequest) -> Params:
        return Params.parse(query_string(request))

    async def charge(self, request: AnyRequest, weight: int) -> None:
        """Spends request weight from the caller's address."""
        await self._spend(request, [f"ip:{client_address(request)}"], weight)

    async def private(self, request: AnyRequest, weight: int = 1, trade: bool = False) -> Caller:
        """An API key with a signed request, or a bearer access token. An endpoint that
        trades (`trade`) takes only the keys allowed to."""
        address = client_address(request)
        verified: ApiKey | None = request.scope.get("state", {}).get(VERIFIED_KEY)
        api_key = request.headers.get("x-mbx-apikey")
        if verified is None and api_key is None:
            await self.charge(request, weight)
            authorization = request.headers.get("authorization", "")
            if authorization.lower().startswith("bearer "):
                return await self._bearer(request, authorization[7:].strip())
            raise ApiError(-2014, "API-key format invalid.", 401)
        try:
            query, form = query_string(request), await form_body(request)
            params = Params.parse(query, form)
            if verified is None:
                assert api_key is not None
                payload = _unsigned(query) + _unsigned(form)
                verified = await self.verified(api_key, params, payload, address)
            if not verified.allows(address) or (trade and not verified.can_trade):
                raise rejected_key()
        except ApiError:
            await self.charge(request, weight)
            raise
        await self._spend(request, [f"ip:{address}", f"key:{verified.api_key}"], weight)
        logs.bind(account_id=verified.user_id)
        return Caller(verified.user_id, params)

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

    async def verified(self, api_key: str, params: Params, payload: str, address: str) -> ApiKey:
        """The key of a signed request: sent in time, within its window, from an address the
        key allows, and signed over `payload` (what the client signed) by the key's holder."""
        signature = params.text("signature")
        self.check_time(params)
        key = await self.accounts.api_key(api_key)
        if key is None or not key.allows(address):
            raise rejected_key()
        if signature is None:
            raise mandatory("signature")
        if not verify(key, payload, signature):
            raise ApiError(-1022, "Signature for this request is not valid.")
        return key

    def check_time(self, params: Params) -> None:
        """A signed request must arrive within its window (`recvWindow`) of its timestamp."""
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

    async def spend(self, address: str, keys: list[str], weight: int) -> int:
        """Charges `weight` to the address and the API keys `keys` and returns the most weight
        in use of them."""
        return await self.limiter.spend([f"ip:{address}", *keys], weight, self.clock.now())

    async def count_order(self, request: AnyRequest, account_id: int) -> None:
        """Counts a new order against the account's ORDERS limits (or refuses it, -1015), and
        has the answer tell the counts, as Binance's X-MBX-ORDER-COUNT-* headers do."""
        counts = await self.unfilled_orders.place(account_id)
        limits = self.unfilled_orders.limits
        state = request.scope.setdefault("state", {})
        state[ORDER_COUNTS] = [
            (limit.name, count) for limit, count in zip(limits, counts, strict=True)
        ]

    async def _spend(self, request: AnyRequest, keys: list[str], weight: int) -> None:
        used = await self.limiter.spend(keys, weight, self.clock.now())
        state = request.scope.setdefault("state", {})
        state[USED_WEIGHT] = max(used, state.get(USED_WEIGHT, 0))


def rejected_key() -> ApiError:
    """Binance's answer to an unknown key, or one used beyond its permissions."""
    return ApiError(-2015, "Invalid API-key, IP, or permissions for action.", 401)


def client_address(request: AnyRequest) -> str:
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
