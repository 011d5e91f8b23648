"""What a client may send the app: a request body within a deadline and a size, and WebSocket
messages at a bounded rate, as Binance bounds them."""

import asyncio

from litestar.exceptions import ClientException
from litestar.types import Receive, ReceiveMessage

MAX_BODY_BYTES = 64 * 1024  # a form of order parameters, or a sign-up, is a few hundred bytes
MESSAGES_PER_SECOND = 5  # a client's messages on one WebSocket connection, as Binance allows


class BodyDeadline:
    """A request's body must arrive whole within `seconds` of its head (uvicorn would wait for
    it as long as it takes): a handler still waiting then answers 408, and the connection, with
    the rest of that body on its way, is closed (`late`: `entrypoints.api.middleware`)."""

    __slots__ = ("_receive", "arrived", "deadline", "late")

    def __init__(self, receive: Receive, seconds: float) -> None:
        self._receive = receive
        self.deadline = asyncio.get_running_loop().time() + seconds
        self.arrived = self.late = False

    async def receive(self) -> ReceiveMessage:
        if self.arrived:  # what follows the body (a disconnect) may take as long as it does
            return await self._receive()
        try:
            async with asyncio.timeout_at(self.deadline):
                message = await self._receive()
        except TimeoutError:
            self.late = True
            raise ClientException(
                status_code=408, detail="The request body did not arrive in time."
            ) from None
        self.arrived = message["type"] != "http.request" or not message.get("more_body", False)
        return message


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
