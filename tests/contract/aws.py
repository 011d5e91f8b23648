"""A boto3 client on the session's moto server, to set up for a contract suite what its port
does not do itself (a secret's value, a stream)."""

from typing import Any

import boto3

from tests.moto_server import REGION


def boto3_client(moto_url: str, service: str) -> Any:
    return boto3.client(service, endpoint_url=moto_url, region_name=REGION)
