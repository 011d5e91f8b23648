"""The secrets every process of the exchange shares, each in Secrets Manager under a value drawn
once by Secrets Manager itself: the key that encrypts API secrets at rest, the secret that signs
login tokens, and the operator's admin token. The tasks are given their ARNs and read them."""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.data_aws_secretsmanager_random_password import (
    DataAwsSecretsmanagerRandomPassword,
)
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.secretsmanager_secret import SecretsmanagerSecret
from cdktf_cdktf_provider_aws.secretsmanager_secret_version import SecretsmanagerSecretVersion
from constructs import Construct

from infrastructure.config import EnvironmentConfig

# A key of `bourse secret-key`'s kind (Fernet: 32 bytes in url-safe base64, 44 characters):
# 43 letters and digits carry 256 bits, and the padding makes them a valid encoding.
SECRET_KEY_CHARACTERS = 43


class ServiceSecrets(Construct):
    def __init__(
        self, scope: Construct, id_: str, *, config: EnvironmentConfig, key: KmsKey
    ) -> None:
        super().__init__(scope, id_)
        self._config = config
        self._key = key
        self.secret_key = self._secret(
            "secret-key",
            "encrypts the API key secrets stored in the database",
            SECRET_KEY_CHARACTERS,
            suffix="=",
        )
        self.jwt_secret = self._secret("jwt-secret", "signs and checks login tokens", 64)
        self.admin_token = self._secret(
            "admin-token", "the operator's token for deposits and withdrawals", 64
        )

    def _secret(
        self, name: str, description: str, length: int, suffix: str = ""
    ) -> SecretsmanagerSecret:
        value = DataAwsSecretsmanagerRandomPassword(
            self, f"{name}-value", password_length=length, exclude_punctuation=True
        )
        secret = SecretsmanagerSecret(
            self,
            name,
            name=f"{self._config.prefix}-{name}",
            description=f"Bourse: {description}",
            kms_key_id=self._key.arn,
        )
        # The generator draws a new value on every plan: only the first one is ever applied.
        SecretsmanagerSecretVersion(
            self,
            f"{name}-version",
            secret_id=secret.id,
            secret_string=f"{value.random_password}{suffix}",
            lifecycle=TerraformResourceLifecycle(ignore_changes=["secret_string"]),
        )
        return secret
