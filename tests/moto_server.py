"""A moto server on loopback, one per test session, shared by every suite that needs AWS: the
real aioboto3 (and boto3) clients talk to it over HTTP, as they would to AWS. It fails the test,
never skips it, when it cannot start."""

import os
import uuid
from collections.abc import Iterator

import pytest

from benchmarks.servers import moto_server

REGION = "eu-west-1"
# moto takes any credentials; the clients find these through the standard chain.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
}


def unique(name: str) -> str:
    """A resource name no other test of the session uses on the shared server."""
    return f"{name}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    saved = {name: os.environ.get(name) for name in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    try:
        with moto_server(tmp_path_factory.mktemp("moto") / "moto.log") as url:
            yield url
    except (OSError, RuntimeError) as error:
        pytest.fail(f"moto's server could not start ({error}): pip install 'moto[server]'")
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
