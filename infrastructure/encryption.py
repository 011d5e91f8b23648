"""The customer-managed KMS keys every store, stream, log group and topic is encrypted with."""

from __future__ import annotations

import json
from typing import Any

from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from infrastructure.config import EnvironmentConfig

KEY_USE = [
    "kms:Encrypt*",
    "kms:Decrypt*",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:Describe*",
]


class Encryption(Construct):
    """`data_key` protects the region's data; `edge_key` the us-east-1 logs of the CDN firewall."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: EnvironmentConfig,
        account_id: str,
        edge_provider: AwsProvider,
    ) -> None:
        super().__init__(scope, id_)
        self.data_key = self._key("data", config, config.region, account_id, None)
        self.edge_key = self._key("edge", config, "us-east-1", account_id, edge_provider)

    def _key(
        self,
        name: str,
        config: EnvironmentConfig,
        region: str,
        account_id: str,
        provider: AwsProvider | None,
    ) -> KmsKey:
        key = KmsKey(
            self,
            f"{name}-key",
            description=f"{config.prefix} {name} encryption",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps(key_policy(region, account_id)),
            provider=provider,
        )
        KmsAlias(
            self,
            f"{name}-key-alias",
            name=f"alias/{config.prefix}-{name}",
            target_key_id=key.key_id,
            provider=provider,
        )
        return key


def key_policy(region: str, account_id: str) -> dict[str, Any]:
    """In a key policy the resource "*" is the key itself."""
    same_account = {"StringEquals": {"aws:SourceAccount": account_id}}
    return {
        "Version": "2012-10-17",
        "Statement": [
            # The account's IAM policies decide which of its roles may use the key.
            _grant("AccountAdministers", {"AWS": f"arn:aws:iam::{account_id}:root"}, ["kms:*"]),
            _grant(
                "CloudWatchLogsEncrypt",
                {"Service": f"logs.{region}.amazonaws.com"},
                KEY_USE,
                {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": (
                            f"arn:aws:logs:{region}:{account_id}:log-group:*"
                        )
                    }
                },
            ),
            # Alarms publish to the encrypted SNS topic as the CloudWatch service.
            _grant(
                "CloudWatchAlarmsPublish",
                {"Service": "cloudwatch.amazonaws.com"},
                ["kms:Decrypt", "kms:GenerateDataKey*"],
                same_account,
            ),
            # CloudFront reads the encrypted static assets through origin access control.
            _grant(
                "CloudFrontReadsStaticAssets",
                {"Service": "cloudfront.amazonaws.com"},
                ["kms:Decrypt"],
                same_account,
            ),
        ],
    }


def _grant(
    sid: str,
    principal: dict[str, str],
    actions: list[str],
    condition: dict[str, Any] | None = None,
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": actions,
        "Resource": "*",
    }
    if condition is not None:
        statement["Condition"] = condition
    return statement
