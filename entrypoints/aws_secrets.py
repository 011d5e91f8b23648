"""`aws` mode's secrets, as the task definitions hand them: by ARN, read from Secrets Manager
when a process starts. The database's credentials are read apart (`DatabaseCredentials`): RDS
rotates them while the process runs."""

import attrs
from sqlalchemy import make_url

from adapters.aws.clients import AwsClients
from adapters.aws.secrets import SecretsManagerSecrets
from adapters.postgres.credentials import DatabaseCredentials
from application.identity_ports import SecretSource
from entrypoints.settings import AwsSettings, Settings


async def read_secrets(settings: Settings, secrets: SecretSource) -> Settings:
    """The settings with the values of the secrets that `settings.aws` names."""
    aws = _aws(settings)
    return attrs.evolve(
        settings,
        secret_key=await secrets.read(aws.secret_key_secret_arn),
        jwt_secret=await secrets.read(aws.jwt_secret_arn),
        admin_token=await secrets.read(aws.admin_token_secret_arn),
        redis_password=(
            await secrets.read(aws.redis_auth_secret_arn) if aws.redis_auth_secret_arn else None
        ),
    )


async def read_from_aws(settings: Settings) -> Settings:
    async with AwsClients(_aws(settings).region, _aws(settings).endpoint_url) as clients:
        return await read_secrets(settings, SecretsManagerSecrets(clients))


async def signed_in_database_url(settings: Settings) -> str:
    """The database's address with the user and password its secret holds now, for the one
    connection `bourse migrate` needs (the roles sign in through `database_credentials`)."""
    aws = _aws(settings)
    async with AwsClients(aws.region, aws.endpoint_url) as clients:
        user, password = await database_credentials(settings, clients).current()
    url = make_url(settings.database_url).set(username=user, password=password)
    return url.render_as_string(hide_password=False)


def database_credentials(settings: Settings, clients: AwsClients) -> DatabaseCredentials:
    return DatabaseCredentials(SecretsManagerSecrets(clients), _aws(settings).database_secret_arn)


def _aws(settings: Settings) -> AwsSettings:
    if settings.aws is None:
        raise ValueError("not in aws mode")
    return settings.aws
