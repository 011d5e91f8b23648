"""What a client may send the app: a request body within a deadline and a size, and WebSocket
messages at a bounded rate, as Binance bounds them."""

import asyncio

from litestar.enums import ScopeType
from litestar.exceptions import ClientException
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

MAX_BODY_BYTES = 64 * 1024  # a form of order parameters, or a sign-up, is a few hundred bytes
MESSAGES_PER_SECOND = 5  # a client's messages on one WebSocket connection, as Binance allows


class BodyDeadline:
    """A request's body must arrive whole within `seconds` of its head (uvicorn would wait for
    it as long as it takes): a handler still waiting then answers 408, and the connection, with
    the rest of that body on its way, is closed."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.seconds
        arrived = late = False

        async def bounded_receive() -> ReceiveMessage:
            nonlocal arrived, late
            if arrived:  # what follows the body (a disconnect) may take as long as it does
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                late = True
                raise ClientException(
                    status_code=408, detail="The request body did not arrive in time."
                ) from None
            arrived = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def closing_send(message: Message) -> None:
            if late and message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"connection", b"close")]
            await send(message)

        await self.app(scope, bounded_receive, closing_send)


class MessageRate:
    """A bucket of `per_second` messages, refilled continuously: a burst of that many, then as
    many each second."""

    def __init__(self, per_second: float) -> None:
        self.per_second = per_second
        self.tokens = per_second
        self.last = asyncio.get_running_loop().time()

    def allows(self) -> bool:
        now = asyncio.get_running_loop().time()
        self.tokens = min(self.per_second, self.tokens + (now - self.last) * self.per_second)
        self.last = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
