"""Each api process keeps the API keys it has read for a few seconds (`Accounts.api_key`): the
revocation notices of every process tell it to forget a key at once when the key is deleted or
restricted, so that a revoked key stops signing requests everywhere, not seconds later."""

from collections.abc import Awaitable, Callable

from attrs import frozen
from litestar import Litestar
from litestar.channels import ChannelsPlugin

from application.accounts import Accounts
from entrypoints.api.delivery import Delivery
from entrypoints.streams.revocations import REVOKED_KEYS


@frozen
class ForgetRevokedKeys:
    """The recipient of the notices: each names the credential revoked."""

    accounts: Accounts

    def deliver(self, message: bytes) -> None:
        self.accounts.forget_api_key(message.decode())


def follow_revocations(
    channels: ChannelsPlugin, accounts: Accounts
) -> Callable[[Litestar], Awaitable[None]]:
    """A start-up hook (run once the channels have started) subscribing to the notices."""

    async def follow(_: Litestar) -> None:
        subscriber = await channels.subscribe([REVOKED_KEYS])
        assert isinstance(subscriber, Delivery)
        subscriber.recipient = ForgetRevokedKeys(accounts)

    return follow
