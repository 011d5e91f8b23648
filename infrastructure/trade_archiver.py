"""The Lambda function that archives the trade stream into the trades table, packaged from
this repository's `entrypoints/lambdas` at synth time."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from cdktf import AssetType, Fn, TerraformAsset
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.lambda_event_source_mapping import (
    LambdaEventSourceMapping,
    LambdaEventSourceMappingDestinationConfig,
    LambdaEventSourceMappingDestinationConfigOnFailure,
)
from cdktf_cdktf_provider_aws.lambda_function import (
    LambdaFunction,
    LambdaFunctionDeadLetterConfig,
    LambdaFunctionEnvironment,
    LambdaFunctionLoggingConfig,
    LambdaFunctionTracingConfig,
    LambdaFunctionVpcConfig,
)
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from constructs import Construct

from infrastructure.config import EnvironmentConfig
from infrastructure.data import DataStores
from infrastructure.logs import Logs
from infrastructure.network import Network
from infrastructure.permissions import read_stream, use_key, write_table
from infrastructure.policies import allow, assume_role_policy, policy_document
from infrastructure.security_groups import SecurityGroups

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
HANDLER = "entrypoints.lambdas.trade_archiver.handler"
# Zip entries carry modification times: a fixed one keeps the package hash stable across synths.
PACKAGE_TIMESTAMP = 315_532_800
LAMBDA_MANAGED_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
)


def stage_lambda_source(destination: Path) -> Path:
    """Copies the handlers into `destination` as the importable `entrypoints.lambdas` package.

    The parent package is written empty: the Lambda runtime has none of the service's
    dependencies, so nothing the web application imports may come along.
    """
    package = destination / "entrypoints"
    shutil.rmtree(destination, ignore_errors=True)
    shutil.copytree(
        REPOSITORY_ROOT / "entrypoints" / "lambdas",
        package / "lambdas",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    (package / "__init__.py").write_text("")
    for path in [destination, *destination.rglob("*")]:
        os.utime(path, (PACKAGE_TIMESTAMP, PACKAGE_TIMESTAMP))
    return destination


class TradeArchiver(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: EnvironmentConfig,
        source: Path,
        network: Network,
        security_groups: SecurityGroups,
        data: DataStores,
        logs: Logs,
    ) -> None:
        super().__init__(scope, id_)
        name = f"{config.prefix}-trade-archiver"
        key = data.key.arn
        package = TerraformAsset(self, "package", path=str(source), type=AssetType.ARCHIVE)
        log_group = logs.group("trade-archiver-logs", f"/aws/lambda/{name}", data.key)
        self.failures = SqsQueue(
            self,
            "failures",
            name=f"{name}-failures",
            kms_master_key_id=key,
            message_retention_seconds=14 * 24 * 3600,
        )
        role = IamRole(
            self,
            "role",
            name=name,
            assume_role_policy=assume_role_policy(self, "trust", "lambda.amazonaws.com").json,
        )
        IamRolePolicy(
            self,
            "policy",
            role=role.id,
            policy=policy_document(
                self,
                "policy-document",
                [
                    read_stream("trade_stream", data.trade_stream),
                    write_table("trades", data.trades_table),
                    use_key(data.key),
                    allow("ParkFailedBatches", ["sqs:SendMessage"], [self.failures.arn]),
                    allow(
                        "WriteLogs",
                        ["logs:CreateLogStream", "logs:PutLogEvents"],
                        [f"{log_group.arn}:*"],
                    ),
                ],
            ).json,
        )
        for index, policy_arn in enumerate(LAMBDA_MANAGED_POLICIES):
            IamRolePolicyAttachment(self, f"managed-{index}", role=role.name, policy_arn=policy_arn)
        self.function = LambdaFunction(
            self,
            "function",
            function_name=name,
            role=role.arn,
            runtime="python3.12",
            architectures=["arm64"],
            handler=HANDLER,
            filename=package.path,
            source_code_hash=Fn.filebase64sha256(package.path),
            memory_size=256,
            timeout=60,
            reserved_concurrent_executions=2 * config.kinesis_shards,
            kms_key_arn=key,
            environment=LambdaFunctionEnvironment(
                variables={"BOURSE_TRADES_TABLE": data.trades_table.name}
            ),
            tracing_config=LambdaFunctionTracingConfig(mode="Active"),
            vpc_config=LambdaFunctionVpcConfig(
                subnet_ids=[subnet.id for subnet in network.private_subnets],
                security_group_ids=[security_groups.trade_archiver.id],
            ),
            dead_letter_config=LambdaFunctionDeadLetterConfig(target_arn=self.failures.arn),
            logging_config=LambdaFunctionLoggingConfig(log_format="JSON", log_group=log_group.name),
        )
        LambdaEventSourceMapping(
            self,
            "trade-stream",
            function_name=self.function.arn,
            event_source_arn=data.trade_stream.arn,
            starting_position="TRIM_HORIZON",
            batch_size=100,
            maximum_batching_window_in_seconds=1,
            parallelization_factor=2,
            bisect_batch_on_function_error=True,
            maximum_retry_attempts=5,
            function_response_types=["ReportBatchItemFailures"],
            destination_config=LambdaEventSourceMappingDestinationConfig(
                on_failure=LambdaEventSourceMappingDestinationConfigOnFailure(
                    destination_arn=self.failures.arn
                )
            ),
        )
