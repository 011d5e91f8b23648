"""A client of the WebSocket API at /ws-api/v3 that signs its requests as ccxt and Binance's
own SDK do: every parameter but the signature, sorted by name, as `name=value` pairs."""

import asyncio
import itertools
import json
import time
from typing import Any

from adapters.security.signatures import sign

TIMEOUT_S = 10


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def signed(api_key: str, secret: str, **params: Any) -> dict[str, Any]:
    params = {"apiKey": api_key, "timestamp": int(time.time() * 1000)} | params
    payload = "&".join(f"{name}={_text(params[name])}" for name in sorted(params))
    return params | {"signature": sign(secret, payload)}


class WsApiClient:
    """Sends requests and reads their answers by id; user data events that come meanwhile
    are kept, in order, for `event`."""

    def __init__(self, socket: Any, api_key: str = "", secret: str = "") -> None:
        self.socket = socket
        self.api_key = api_key
        self.secret = secret
        self.ids = itertools.count(1)
        self.answers: dict[Any, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []

    async def send(self, method: str, params: dict[str, Any] | None = None) -> int:
        ident = next(self.ids)
        request: dict[str, Any] = {"id": ident, "method": method}
        if params is not None:
            request["params"] = params
        await self.socket.send(json.dumps(request))
        return ident

    async def answer(self, ident: Any) -> dict[str, Any]:
        while ident not in self.answers:
            await self._read()
        return self.answers.pop(ident)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        return await self.answer(await self.send(method, params or None))

    async def signed(self, method: str, **params: Any) -> dict[str, Any]:
        return await self.call(method, **signed(self.api_key, self.secret, **params))

    async def result(self, method: str, **params: Any) -> Any:
        """The result of a signed request that must succeed."""
        answer = await self.signed(method, **params)
        assert answer["status"] == 200, answer
        return answer["result"]

    async def event(self) -> dict[str, Any]:
        while not self.events:
            await self._read()
        return self.events.pop(0)

    async def _read(self) -> None:
        frame = json.loads(await asyncio.wait_for(self.socket.recv(), TIMEOUT_S))
        if "event" in frame:
            self.events.append(frame)
        else:
            self.answers[frame["id"]] = frame
