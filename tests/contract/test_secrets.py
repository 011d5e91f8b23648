"""The SecretSource port, in memory and on Secrets Manager (moto): a secret is read by its name
or ARN, read anew after a rotation, and a missing one is told apart."""

from collections.abc import Callable

import pytest

from adapters.aws.clients import AwsClients
from adapters.aws.secrets import SecretsManagerSecrets
from adapters.memory.secrets import MemorySecrets
from application.errors import SecretMissing
from application.identity_ports import SecretSource
from tests.contract.aws import boto3_client
from tests.moto_server import unique

Store = Callable[[str, str], str]  # puts a secret's value; the id to read it by


@pytest.fixture(params=["memory", "secretsmanager"])
def secrets(request: pytest.FixtureRequest) -> tuple[SecretSource, Store]:
    if request.param == "memory":
        memory = MemorySecrets()

        def put_in_memory(name: str, value: str) -> str:
            memory.put(name, value)
            return name

        return memory, put_in_memory
    moto_url: str = request.getfixturevalue("moto_url")
    clients: AwsClients = request.getfixturevalue("aws_clients")
    client = boto3_client(moto_url, "secretsmanager")

    def put_in_aws(name: str, value: str) -> str:
        try:
            return str(client.create_secret(Name=name, SecretString=value)["ARN"])
        except client.exceptions.ResourceExistsException:
            return str(client.put_secret_value(SecretId=name, SecretString=value)["ARN"])

    return SecretsManagerSecrets(clients), put_in_aws


async def test_a_secret_is_read_by_the_id_it_was_stored_under(
    secrets: tuple[SecretSource, Store],
) -> None:
    source, put = secrets
    name = unique("bourse-jwt-secret")
    secret_id = put(name, "s3cr3t value")

    assert await source.read(secret_id) == "s3cr3t value"


async def test_a_rotated_secret_is_read_with_its_new_value(
    secrets: tuple[SecretSource, Store],
) -> None:
    source, put = secrets
    name = unique("bourse-database")
    secret_id = put(name, '{"username": "bourse", "password": "first"}')
    assert await source.read(secret_id) == '{"username": "bourse", "password": "first"}'

    put(name, '{"username": "bourse", "password": "second"}')

    assert await source.read(secret_id) == '{"username": "bourse", "password": "second"}'


async def test_a_missing_secret_is_told_apart(secrets: tuple[SecretSource, Store]) -> None:
    source, _ = secrets

    with pytest.raises(SecretMissing):
        await source.read(unique("bourse-nothing"))
