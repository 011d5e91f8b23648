"""Every store of the exchange: Aurora, Redis, DynamoDB history tables, Kinesis event
streams and the S3 archive, each encrypted with the environment's customer key."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.dynamodb_table import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTableGlobalSecondaryIndex,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableServerSideEncryption,
    DynamodbTableTtl,
)
from cdktf_cdktf_provider_aws.kinesis_stream import KinesisStream, KinesisStreamStreamModeDetails
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.s3_bucket_intelligent_tiering_configuration import (
    S3BucketIntelligentTieringConfiguration,
    S3BucketIntelligentTieringConfigurationTiering,
)
from constructs import Construct

from infrastructure.backup import Backups
from infrastructure.buckets import SecureBucket
from infrastructure.cache import Cache
from infrastructure.config import EnvironmentConfig
from infrastructure.database import TradingDatabase
from infrastructure.logs import Logs
from infrastructure.network import Network
from infrastructure.security_groups import SecurityGroups
from infrastructure.service_secrets import ServiceSecrets


class DataStores(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: EnvironmentConfig,
        network: Network,
        security_groups: SecurityGroups,
        key: KmsKey,
        logs: Logs,
        account_id: str,
    ) -> None:
        super().__init__(scope, id_)
        self._config = config
        self.key = key
        self.database = TradingDatabase(
            self,
            "database",
            config=config,
            network=network,
            security_group=security_groups.database,
            key=key,
        )
        self.cache = Cache(
            self,
            "cache",
            config=config,
            network=network,
            security_group=security_groups.cache,
            key=key,
            logs=logs,
        )
        self.service_secrets = ServiceSecrets(self, "service-secrets", config=config, key=key)
        # Filled by the trade archiver from the trade stream; read by trade id, and by time on
        # the `by-time` index (docs/deploy.md lists the access patterns).
        self.trades_table = self._table(
            "trades",
            ("symbol", "S"),
            ("tradeId", "N"),
            stream=True,
            time_index=("timeTradeId", "S"),
        )
        # Filled by the candle builder; the klines of `aws` mode are read from it.
        self.candles_table = self._table("candles", ("series", "S"), ("openTime", "N"))
        self.book_snapshots_table = self._table(
            "book-snapshots", ("symbol", "S"), ("sequence", "N"), expiry_attribute="expiresAt"
        )
        # Each market's 24-hour ticker, kept by the market data for every api process.
        self.tickers_table = self._table("tickers", ("symbol", "S"))
        self.trade_stream = self._stream("trades")
        self.order_stream = self._stream("orders")
        Backups(
            self,
            "backups",
            config=config,
            key=key,
            resource_arns=[
                self.database.cluster.arn,
                self.trades_table.arn,
                self.candles_table.arn,
                self.book_snapshots_table.arn,
            ],
        )
        archive = SecureBucket(
            self,
            "archive",
            name=f"{config.prefix}-archive-{account_id}",
            key=key,
            access_log_bucket=logs.access_log_bucket,
        )
        self.archive_bucket = archive.bucket
        S3BucketIntelligentTieringConfiguration(
            self,
            "archive-tiering",
            bucket=self.archive_bucket.id,
            name="archive-after-quiet-months",
            status="Enabled",
            tiering=[
                S3BucketIntelligentTieringConfigurationTiering(
                    access_tier="ARCHIVE_ACCESS", days=90
                ),
                S3BucketIntelligentTieringConfigurationTiering(
                    access_tier="DEEP_ARCHIVE_ACCESS", days=180
                ),
            ],
        )

    def _table(
        self,
        name: str,
        partition_key: tuple[str, str],
        sort_key: tuple[str, str] | None = None,
        *,
        stream: bool = False,
        expiry_attribute: str | None = None,
        time_index: tuple[str, str] | None = None,
    ) -> DynamodbTable:
        """With `time_index`, the sort key of a global secondary index `by-time` on the same
        partition key, projecting whole items, so that a time range is one Query."""
        keys = [
            partition_key,
            *([sort_key] if sort_key else []),
            *([time_index] if time_index else []),
        ]
        return DynamodbTable(
            self,
            f"{name}-table",
            name=f"{self._config.prefix}-{name}",
            billing_mode="PAY_PER_REQUEST",
            hash_key=partition_key[0],
            range_key=sort_key[0] if sort_key else None,
            attribute=[
                DynamodbTableAttribute(name=key_name, type=key_type) for key_name, key_type in keys
            ],
            global_secondary_index=[
                DynamodbTableGlobalSecondaryIndex(
                    name="by-time",
                    hash_key=partition_key[0],
                    range_key=time_index[0],
                    projection_type="ALL",
                )
            ]
            if time_index is not None
            else None,
            point_in_time_recovery=DynamodbTablePointInTimeRecovery(enabled=True),
            server_side_encryption=DynamodbTableServerSideEncryption(
                enabled=True, kms_key_arn=self.key.arn
            ),
            deletion_protection_enabled=True,
            stream_enabled=stream,
            stream_view_type="NEW_IMAGE" if stream else None,
            ttl=DynamodbTableTtl(attribute_name=expiry_attribute, enabled=True)
            if expiry_attribute is not None
            else None,
        )

    def _stream(self, name: str) -> KinesisStream:
        return KinesisStream(
            self,
            f"{name}-stream",
            name=f"{self._config.prefix}-{name}",
            shard_count=self._config.kinesis_shards,
            stream_mode_details=KinesisStreamStreamModeDetails(stream_mode="PROVISIONED"),
            retention_period=self._config.kinesis_retention_hours,
            encryption_type="KMS",
            kms_key_id=self.key.arn,
            shard_level_metrics=["IncomingRecords", "IteratorAgeMilliseconds"],
        )
