"""The channels' subscriber of this app: it hands each message straight to its recipient (the
followers of a stream, a subscription of the WebSocket API, a notice's reader) instead of
queueing it twice."""

from typing import Protocol

from litestar.channels import Subscriber


class Recipient(Protocol):
    def deliver(self, message: bytes) -> None: ...


class Delivery(Subscriber):
    recipient: Recipient | None = None

    def put_nowait(self, item: bytes | None) -> bool:
        if item is not None and self.recipient is not None:
            self.recipient.deliver(item)
        return True

    async def put(self, item: bytes | None) -> None:
        self.put_nowait(item)
