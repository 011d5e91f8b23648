"""Where logs go: encrypted CloudWatch log groups, and the bucket for AWS access logs."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.data_aws_elb_service_account import DataAwsElbServiceAccount
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from infrastructure.buckets import SecureBucket
from infrastructure.config import EnvironmentConfig
from infrastructure.policies import allow

LOAD_BALANCER_LOG_PREFIX = "alb"


class Logs(Construct):
    def __init__(
        self, scope: Construct, id_: str, *, config: EnvironmentConfig, account_id: str
    ) -> None:
        super().__init__(scope, id_)
        self._config = config
        name = f"{config.prefix}-access-logs-{account_id}"
        load_balancer_account = DataAwsElbServiceAccount(self, "load-balancer-account")
        # Load balancer access logs can only be delivered to SSE-S3 buckets, hence no KMS key.
        self.access_log_bucket = SecureBucket(
            self,
            "access-logs",
            name=name,
            key=None,
            access_log_bucket=None,
            expiration_days=config.log_retention_days,
            policy_statements=[
                allow(
                    "LoadBalancerWritesAccessLogs",
                    ["s3:PutObject"],
                    [f"arn:aws:s3:::{name}/{LOAD_BALANCER_LOG_PREFIX}/AWSLogs/{account_id}/*"],
                    aws=load_balancer_account.arn,
                ),
            ],
        ).bucket

    def group(
        self, id_: str, name: str, key: KmsKey, provider: AwsProvider | None = None
    ) -> CloudwatchLogGroup:
        return CloudwatchLogGroup(
            self,
            id_,
            name=name,
            retention_in_days=self._config.log_retention_days,
            kms_key_id=key.arn,
            provider=provider,
        )
