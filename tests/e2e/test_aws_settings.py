"""`aws` mode's settings: the names infrastructure/ outputs (see tests/infrastructure/
test_synth.py), and the secrets they name, read into the settings the processes run with."""

import attrs
import pytest

from adapters.memory.secrets import MemorySecrets
from entrypoints.aws_secrets import read_secrets
from entrypoints.settings import REQUIRED_AWS_VARIABLES, AwsSettings, Settings

ENVIRONMENT = {name: f"bourse-{name.lower()}" for name in REQUIRED_AWS_VARIABLES} | {
    "BOURSE_DATABASE_HOST": "db.example.internal",
    "BOURSE_DATABASE_PORT": "6432",
    "BOURSE_DATABASE_NAME": "bourse",
    "BOURSE_REDIS_AUTH_SECRET_ARN": "bourse-cache-auth-token",
}


def test_every_output_of_the_stack_it_needs_must_be_given() -> None:
    given = {k: v for k, v in ENVIRONMENT.items() if k != "BOURSE_TRADE_STREAM"}

    with pytest.raises(ValueError, match="BOURSE_TRADE_STREAM"):
        AwsSettings.from_env(given)


def test_the_database_is_reached_over_tls_unless_told_otherwise() -> None:
    aws = AwsSettings.from_env(ENVIRONMENT)

    assert aws.database_url == "postgresql+asyncpg://db.example.internal:6432/bourse?ssl=require"
    assert (aws.region, aws.endpoint_url) == (None, None)
    assert AwsSettings.from_env(
        ENVIRONMENT | {"BOURSE_DATABASE_SSL": "disable"}
    ).database_url.endswith("?ssl=disable")


async def test_the_secrets_named_are_read_into_the_settings() -> None:
    aws = AwsSettings.from_env(ENVIRONMENT)
    secrets = MemorySecrets()
    for name, value in [
        (aws.secret_key_secret_arn, "a secret key"),
        (aws.jwt_secret_arn, "a jwt secret"),
        (aws.admin_token_secret_arn, "an admin token"),
        ("bourse-cache-auth-token", "an auth token"),
    ]:
        secrets.put(name, value)
    settings = Settings("aws", "random", None, False, 6000, aws=aws)

    read = await read_secrets(settings, secrets)

    assert (read.secret_key, read.jwt_secret, read.admin_token) == (
        "a secret key",
        "a jwt secret",
        "an admin token",
    )
    assert read.redis_password == "an auth token"
    without_auth = attrs.evolve(aws, redis_auth_secret_arn=None)  # a local Redis
    read = await read_secrets(attrs.evolve(settings, aws=without_auth), secrets)
    assert read.redis_password is None
