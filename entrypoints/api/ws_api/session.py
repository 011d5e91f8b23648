"""One connection to the WebSocket API: its requests, answered as each completes, several at
a time (those on one market in the order they came, as a market's engine needs them), and its
user data subscriptions, all on one queue of outgoing frames."""

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from attrs import define, field
from litestar import WebSocket
from litestar.channels import ChannelsPlugin

from application.errors import ApplicationError, RateLimited
from application.records import ApiKey
from entrypoints.api.errors import ApiError, application_refusal, log_unexpected, mandatory
from entrypoints.api.gate import rejected_key
from entrypoints.api.params import Params
from entrypoints.api.services import Services
from entrypoints.api.ws_api import envelope
from entrypoints.api.ws_api.dispatch import Answer, call
from entrypoints.api.ws_api.methods import (
    ENDPOINTS,
    Endpoint,
    method_name,
    signature_payload,
    texts,
)
from entrypoints.api.ws_api.user_data import UserData

QUEUE_LIMIT = 2000  # frames waiting for a slow client
MAX_IN_FLIGHT = 1000  # requests a connection may have waiting for their answers
POLICY_VIOLATION = 1008
SIGNING = ("apiKey", "signature", "timestamp", "recvWindow")
REFUSAL_WEIGHT = 1  # what a request refused before it reaches its endpoint costs

LocalMethod = Callable[["ApiSession", dict[str, object]], Awaitable[Answer]]


@define
class Logon:
    key: ApiKey
    since: int


@define(eq=False)
class ApiSession:
    socket: WebSocket[Any, Any, Any]
    services: Services
    address: str
    return_rate_limits: bool
    connected_since: int
    user_data: UserData
    local_methods: dict[str, LocalMethod]
    logon: Logon | None = None
    outbox: "asyncio.Queue[str]" = field(factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    lagging: bool = False
    in_flight: set["asyncio.Task[None]"] = field(factory=set)
    tails: dict[str, "asyncio.Task[None]"] = field(factory=dict)  # the last request per market

    @classmethod
    def open(
        cls,
        socket: WebSocket[Any, Any, Any],
        services: Services,
        channels: ChannelsPlugin,
        local_methods: dict[str, LocalMethod],
    ) -> "ApiSession":
        clock = services.user_streams.clock
        session = cls(
            socket,
            services,
            socket.client.host if socket.client else "unknown",
            socket.query_params.get("returnRateLimits") != "false",
            clock.now(),
            UserData(channels, lambda frame: session.send(frame), clock),
            local_methods,
        )
        return session

    def send(self, frame: str) -> None:
        if self.lagging:
            return
        try:
            self.outbox.put_nowait(frame)
        except asyncio.QueueFull:
            self.lagging = True

    async def send_loop(self) -> None:
        while True:
            frame = await self.outbox.get()
            if self.lagging:
                await self.socket.close(POLICY_VIOLATION, "Too slow: messages were piling up.")
                return
            await self.socket.send_text(frame)

    def receive(self, text: str) -> None:
        """Starts answering a client's frame."""
        try:
            request = envelope.parse(text, self.return_rate_limits)
        except envelope.Malformed as malformed:
            self._start(self._refuse(malformed.ident, malformed.error, self.return_rate_limits))
            return
        if len(self.in_flight) >= MAX_IN_FLIGHT:
            busy = envelope.error_body(ApiError(-1003, "Too many requests queued.", 429))
            self.send(envelope.response(request.ident, 429, busy, None))
            return
        symbol = request.params.get("symbol")
        market = symbol if isinstance(symbol, str) else None
        task = self._start(self._answer(request, self.tails.get(market) if market else None))
        if market is not None:
            self.tails[market] = task
            task.add_done_callback(lambda done: self._forget_tail(market, done))

    async def close(self) -> None:
        for task in list(self.in_flight):
            task.cancel()
        await asyncio.gather(*self.in_flight, return_exceptions=True)
        await self.user_data.close()

    async def charge(self, weight: int, key: ApiKey | None = None) -> int:
        keys = [] if key is None else [f"key:{key.api_key}"]
        return await self.services.gate.spend(self.address, keys, weight)

    async def authenticate(self, params: dict[str, str]) -> ApiKey:
        """The API key a signed request speaks for: its own, signed, or the session's."""
        checked = Params(list(params.items()))
        api_key = params.get("apiKey")
        if api_key is not None:
            payload = signature_payload(params)
            return await self.services.gate.verified(api_key, checked, payload, self.address)
        if self.logon is None:
            raise mandatory("apiKey")
        self.services.gate.check_time(checked)
        return await self.logged_on_key()

    async def logged_on_key(self) -> ApiKey:
        """The session's key as it is now: a key that no longer holds (deleted, restricted to
        other addresses) ends the session."""
        assert self.logon is not None
        key = await self.services.accounts.api_key(self.logon.key.api_key)
        if key is None or not key.allows(self.address):
            self.log_out()
            raise rejected_key()
        return key

    def log_out(self) -> None:
        self.logon = None
        self.user_data.end_where(lambda subscription: subscription.by_logon)

    def _start(self, work: Awaitable[None]) -> "asyncio.Task[None]":
        task = asyncio.ensure_future(work)
        self.in_flight.add(task)
        task.add_done_callback(self.in_flight.discard)
        return task

    def _forget_tail(self, market: str, done: "asyncio.Task[None]") -> None:
        if self.tails.get(market) is done:
            del self.tails[market]

    async def _answer(self, request: envelope.Call, after: "asyncio.Task[None] | None") -> None:
        try:
            ready = await self._prepare(request)
            if after is not None:
                await asyncio.wait([after])
            answer = await ready()
        except (ApiError, ApplicationError) as error:
            await self._refuse(request.ident, error, request.rate_limits)
            return
        except Exception as error:  # a bug: told in the log, answered as REST answers one
            log_unexpected(error, self.socket.scope)
            failed = ApiError(-1000, "An unknown error occurred while processing the request.")
            answer = Answer(500, envelope.error_body(failed), None)
        self._reply(request, answer)

    async def _prepare(self, request: envelope.Call) -> Callable[[], Awaitable[Answer]]:
        """What answers the request once its turn comes. A request's parameters are read, and
        its signature and receive window checked, as it arrives: one that waits its turn
        behind others on its market is not refused for the wait."""
        name = method_name(request.method)
        endpoint = ENDPOINTS.get(name)
        if endpoint is not None:
            return await self._rest(endpoint, request.params)
        local = self.local_methods.get(name)
        if local is None:
            raise ApiError(-1020, "This operation is not supported.")
        return functools.partial(local, self, request.params)

    async def _rest(
        self, endpoint: Endpoint, sent: dict[str, object]
    ) -> Callable[[], Awaitable[Answer]]:
        params = texts(sent)
        verified = None
        if endpoint.signed:
            verified = await self.authenticate(params)
            for name in SIGNING:
                params.pop(name, None)
        params.pop(envelope.RATE_LIMITS, None)
        return functools.partial(
            call, self.socket.app, self.socket.scope, endpoint, params, verified
        )

    async def _refuse(
        self, ident: str | int | None, error: ApiError | ApplicationError, rate_limits: bool
    ) -> None:
        if isinstance(error, ApiError):
            status, body = error.status, envelope.error_body(error)
        else:
            code, status = application_refusal(error)
            body = envelope.error_body(ApiError(code, str(error), status))
        used = None
        if not isinstance(error, RateLimited):
            with contextlib.suppress(RateLimited):
                used = await self.charge(REFUSAL_WEIGHT)
        self._reply(envelope.Call(ident, "", {}, rate_limits), Answer(status, body, used))

    def _reply(self, request: envelope.Call, answer: Answer) -> None:
        limits = None
        if request.rate_limits and answer.used_weight is not None:
            limits = envelope.rate_limits(self.services.gate.weight_per_minute, answer.used_weight)
        self.send(envelope.response(request.ident, answer.status, answer.body, limits))
