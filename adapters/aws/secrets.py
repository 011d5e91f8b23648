"""Secrets read from AWS Secrets Manager, by name or ARN."""

from botocore.exceptions import ClientError

from adapters.aws.clients import AwsClients, error_code, reachable
from application.errors import SecretMissing


class SecretsManagerSecrets:
    def __init__(self, clients: AwsClients) -> None:
        self._clients = clients

    async def read(self, secret_id: str) -> str:
        client = await self._clients.client("secretsmanager")
        try:
            with reachable("secret store"):
                answer = await client.get_secret_value(SecretId=secret_id)
        except ClientError as error:
            if error_code(error) in ("ResourceNotFoundException", "InvalidRequestException"):
                raise SecretMissing(f"No secret {secret_id}: {error_code(error)}") from error
            raise
        value = answer.get("SecretString")
        if not isinstance(value, str):
            raise SecretMissing(f"The secret {secret_id} holds no text")
        return value
