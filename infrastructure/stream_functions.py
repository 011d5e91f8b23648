"""The Lambda functions on the trade stream, packaged together from this repository's
`entrypoints/lambdas` at synth time: the trade archiver, which copies trades into the trades
table, and the candle builder, which folds them into the candles table (the one writer of
stored candles in `aws` mode)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from cdktf import Fn, TerraformAsset
from cdktf_cdktf_provider_aws.dynamodb_table import DynamodbTable
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
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from constructs import Construct

from infrastructure.config import EnvironmentConfig
from infrastructure.data import DataStores
from infrastructure.logs import Logs
from infrastructure.network import Network
from infrastructure.permissions import read_stream, read_table, use_key, write_table
from infrastructure.policies import allow, assume_role_policy, policy_document

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
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


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    handler: str
    table_name: str  # "trades": the handler finds its table's in BOURSE_TRADES_TABLE
    table: DynamodbTable
    security_group: SecurityGroup
    # Writes the completed days of trades to the archive bucket (`entrypoints.lambdas`).
    archives_days: bool = False

    @property
    def table_variable(self) -> str:
        return f"BOURSE_{self.table_name.upper()}_TABLE"


class StreamFunction(Construct):
    """One function consuming the trade stream, reporting partial-batch failures; batches it
    keeps failing on are parked in a queue of its own."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        spec: FunctionSpec,
        config: EnvironmentConfig,
        package: TerraformAsset,
        network: Network,
        data: DataStores,
        logs: Logs,
    ) -> None:
        super().__init__(scope, id_)
        name = f"{config.prefix}-{spec.name}"
        key = data.key.arn
        log_group = logs.group(f"{spec.name}-logs", f"/aws/lambda/{name}", data.key)
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
        statements = [
            read_stream("trade_stream", data.trade_stream),
            read_table(spec.table_name, spec.table),
            write_table(spec.table_name, spec.table),
            use_key(data.key),
            allow("ParkFailedBatches", ["sqs:SendMessage"], [self.failures.arn]),
            allow(
                "WriteLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [f"{log_group.arn}:*"]
            ),
        ]
        environment = {spec.table_variable: spec.table.name}
        if spec.archives_days:
            bucket = data.archive_bucket
            statements += [
                # Listing lets a day not archived yet be told apart (404, not 403).
                allow("FindArchivedDays", ["s3:ListBucket"], [bucket.arn]),
                allow("ArchiveDays", ["s3:GetObject", "s3:PutObject"], [f"{bucket.arn}/trades/*"]),
            ]
            environment["BOURSE_ARCHIVE_BUCKET"] = bucket.bucket
        IamRolePolicy(
            self,
            "policy",
            role=role.id,
            policy=policy_document(self, "policy-document", statements).json,
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
            handler=spec.handler,
            filename=package.path,
            source_code_hash=Fn.filebase64sha256(package.path),
            memory_size=256,
            timeout=60,
            reserved_concurrent_executions=2 * config.kinesis_shards,
            kms_key_arn=key,
            environment=LambdaFunctionEnvironment(variables=environment),
            tracing_config=LambdaFunctionTracingConfig(mode="Active"),
            vpc_config=LambdaFunctionVpcConfig(
                subnet_ids=[subnet.id for subnet in network.private_subnets],
                security_group_ids=[spec.security_group.id],
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
            # Records of one partition key (a market) go to one batch at a time, in order.
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
