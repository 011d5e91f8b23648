"""Least-privilege statements: each names one action set on one store of the exchange."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocumentStatement
from cdktf_cdktf_provider_aws.dynamodb_table import DynamodbTable
from cdktf_cdktf_provider_aws.kinesis_stream import KinesisStream
from cdktf_cdktf_provider_aws.kms_key import KmsKey

from infrastructure.policies import allow

TABLE_WRITE = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"]
TABLE_READ = ["dynamodb:GetItem", "dynamodb:Query"]
STREAM_READ = [
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
    "kinesis:SubscribeToShard",
]
# What reading a stream back from a time takes, without a consumer's registration.
STREAM_REPLAY = ["kinesis:ListShards", "kinesis:GetShardIterator", "kinesis:GetRecords"]
STREAM_WRITE = ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary"]


def _sid(verb: str, name: str) -> str:
    return verb + "".join(part.capitalize() for part in name.replace("-", "_").split("_"))


def write_table(name: str, table: DynamodbTable) -> DataAwsIamPolicyDocumentStatement:
    return allow(_sid("Write", name), TABLE_WRITE, [table.arn])


def read_table(name: str, table: DynamodbTable) -> DataAwsIamPolicyDocumentStatement:
    """Query and GetItem on the table and its indexes."""
    return allow(_sid("Read", name), TABLE_READ, [table.arn, f"{table.arn}/index/*"])


def read_stream(name: str, stream: KinesisStream) -> DataAwsIamPolicyDocumentStatement:
    return allow(_sid("Consume", name), STREAM_READ, [stream.arn])


def replay_stream(name: str, stream: KinesisStream) -> DataAwsIamPolicyDocumentStatement:
    return allow(_sid("Replay", name), STREAM_REPLAY, [stream.arn])


def write_stream(name: str, stream: KinesisStream) -> DataAwsIamPolicyDocumentStatement:
    return allow(_sid("Publish", name), STREAM_WRITE, [stream.arn])


def read_secret(name: str, secret_arn: str) -> DataAwsIamPolicyDocumentStatement:
    return allow(_sid("ReadSecret", name), ["secretsmanager:GetSecretValue"], [secret_arn])


def use_key(key: KmsKey) -> DataAwsIamPolicyDocumentStatement:
    return allow("UseDataKey", ["kms:Decrypt", "kms:GenerateDataKey"], [key.arn])
