"""Freeze notices on the app's channels: a process that freezes or unfreezes an account tells
every api process (in process, or through Redis), and each reads its frozen accounts from the
store again at once instead of when its few cached seconds pass."""

from collections.abc import Awaitable, Callable

from attrs import define, frozen
from litestar import Litestar
from litestar.channels import ChannelsPlugin

from application.frozen_accounts import FrozenAccounts
from entrypoints.api.delivery import Delivery
from entrypoints.streams.hub import Publish

FREEZES = "freezes"


@define
class ChannelFreezeNotices:
    """The `FreezeNotices` port. `publish` is the app's, set when it starts; before that no
    process is told, and each learns within its cache's few seconds."""

    publish: Publish | None = None

    async def tell(self, account_id: int) -> None:
        if self.publish is not None:
            self.publish(str(account_id).encode(), [FREEZES])


@frozen
class RereadFreezes:
    frozen: FrozenAccounts

    def deliver(self, message: bytes) -> None:
        self.frozen.forget()


def follow_freezes(
    channels: ChannelsPlugin, frozen: FrozenAccounts
) -> Callable[[Litestar], Awaitable[None]]:
    """A start-up hook (run once the channels have started) subscribing to the notices."""

    async def follow(_: Litestar) -> None:
        subscriber = await channels.subscribe([FREEZES])
        assert isinstance(subscriber, Delivery)
        subscriber.recipient = RereadFreezes(frozen)

    return follow
