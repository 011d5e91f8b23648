"""Revocation notices on the app's channels: in process, or through Redis to every process
that serves streams. A connection whose stream was opened with a credential follows that
credential's channel, and ends its stream when a notice comes."""

from collections.abc import Sequence

from attrs import define

from entrypoints.streams.hub import Publish

REVOKED = "revoked:"
REVOKED_KEYS = "revoked-keys"  # every revoked credential, for each api process's cache of keys


def revoked_channel(credential: str) -> str:
    return REVOKED + credential


@define
class StreamRevocations:
    """The `Revocations` port. `publish` is the app's, set when it starts: before that, this
    process serves no stream, and every other process checks its streams' credentials on its
    own every few seconds anyway (see `entrypoints.api.listen_key_stream`)."""

    publish: Publish | None = None

    async def revoke(self, credentials: Sequence[str]) -> None:
        if self.publish is None:
            return
        for credential in credentials:
            name = revoked_channel(credential)
            self.publish(name.encode() + b"\n{}", [name])
            self.publish(credential.encode(), [REVOKED_KEYS])
