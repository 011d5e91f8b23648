"""ElastiCache Redis: sessions, rate limits and the pub/sub that fans events out to sockets."""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.data_aws_secretsmanager_random_password import (
    DataAwsSecretsmanagerRandomPassword,
)
from cdktf_cdktf_provider_aws.elasticache_replication_group import (
    ElasticacheReplicationGroup,
    ElasticacheReplicationGroupLogDeliveryConfiguration,
)
from cdktf_cdktf_provider_aws.elasticache_subnet_group import ElasticacheSubnetGroup
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.secretsmanager_secret import SecretsmanagerSecret
from cdktf_cdktf_provider_aws.secretsmanager_secret_version import SecretsmanagerSecretVersion
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from constructs import Construct

from infrastructure.config import EnvironmentConfig
from infrastructure.logs import Logs
from infrastructure.network import Network
from infrastructure.security_groups import REDIS_PORT


class Cache(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: EnvironmentConfig,
        network: Network,
        security_group: SecurityGroup,
        key: KmsKey,
        logs: Logs,
    ) -> None:
        super().__init__(scope, id_)
        name = f"{config.prefix}-cache"
        token = DataAwsSecretsmanagerRandomPassword(
            self,
            "auth-token-value",
            password_length=64,
            # Redis AUTH tokens may not contain these characters.
            exclude_characters="/\"@ '\\",
        )
        self.auth_secret = SecretsmanagerSecret(
            self,
            "auth-token",
            name=f"{name}-auth-token",
            description="AUTH token of the Redis replication group",
            kms_key_id=key.arn,
        )
        # The generator draws a new value on every plan: only the first one is ever applied.
        SecretsmanagerSecretVersion(
            self,
            "auth-token-version",
            secret_id=self.auth_secret.id,
            secret_string=token.random_password,
            lifecycle=TerraformResourceLifecycle(ignore_changes=["secret_string"]),
        )
        subnets = ElasticacheSubnetGroup(
            self,
            "subnets",
            name=name,
            subnet_ids=[subnet.id for subnet in network.isolated_subnets],
        )
        slow_log = logs.group("cache-slow-log", f"/{config.prefix}/redis/slow-log", key)
        self.replication_group = ElasticacheReplicationGroup(
            self,
            "replication-group",
            replication_group_id=name,
            description="Bourse sessions, rate limits and event fan-out",
            engine="redis",
            engine_version="7.1",
            node_type=config.redis_node_type,
            num_cache_clusters=1 + config.redis_replicas,
            preferred_cache_cluster_azs=network.availability_zones[: 1 + config.redis_replicas],
            automatic_failover_enabled=True,
            multi_az_enabled=True,
            port=REDIS_PORT,
            subnet_group_name=subnets.name,
            security_group_ids=[security_group.id],
            at_rest_encryption_enabled="true",
            kms_key_id=key.arn,
            transit_encryption_enabled=True,
            auth_token=token.random_password,
            auto_minor_version_upgrade="true",
            snapshot_retention_limit=7,
            snapshot_window="03:00-04:00",
            maintenance_window="sun:05:00-sun:06:00",
            log_delivery_configuration=[
                ElasticacheReplicationGroupLogDeliveryConfiguration(
                    destination=slow_log.name,
                    destination_type="cloudwatch-logs",
                    log_format="json",
                    log_type="slow-log",
                )
            ],
            lifecycle=TerraformResourceLifecycle(ignore_changes=["auth_token"]),
        )
        self.node_ids = [f"{name}-{index:03d}" for index in range(1, 2 + config.redis_replicas)]
        self.url = f"rediss://{self.replication_group.primary_endpoint_address}:{REDIS_PORT}"
