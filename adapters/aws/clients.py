"""The AWS clients (aioboto3): credentials from the standard chain, on AWS's own endpoints or
on the one endpoint a local run names (a moto server), opened on first use and closed together."""

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

import aioboto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from application.errors import Unavailable

# A request that hangs is retried rather than waited on: AWS answers in milliseconds.
CLIENT_CONFIG = Config(
    connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"}
)


class AwsClients:
    def __init__(self, region: str | None, endpoint_url: str | None = None) -> None:
        self._session = aioboto3.Session(region_name=region)
        self._endpoint_url = endpoint_url
        self._clients: dict[str, Any] = {}
        self._opened = contextlib.AsyncExitStack()
        self._lock = asyncio.Lock()

    async def client(self, service: str) -> Any:
        """The one client of `service` ("kinesis", "secretsmanager", "s3", ...)."""
        async with self._lock:
            if service not in self._clients:
                self._clients[service] = await self._opened.enter_async_context(
                    self._session.client(
                        service, endpoint_url=self._endpoint_url, config=CLIENT_CONFIG
                    )
                )
            return self._clients[service]

    async def close(self) -> None:
        self._clients.clear()
        await self._opened.aclose()

    async def __aenter__(self) -> "AwsClients":
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@contextlib.contextmanager
def reachable(what: str) -> Iterator[None]:
    """Turns AWS being out of reach (or refusing for a while: throttling, 5xx), inside the
    block, into `Unavailable`; any other refusal is left to the caller."""
    try:
        yield
    except BotoCoreError as error:
        raise Unavailable(f"The {what} is unavailable ({type(error).__name__}).") from error
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if status >= 500 or "Throttl" in error_code(error) or "Exceeded" in error_code(error):
            raise Unavailable(f"The {what} is unavailable ({error_code(error)}).") from error
        raise
