"""Aurora PostgreSQL: the system of record, one writer and readers in other zones."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.db_subnet_group import DbSubnetGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster
from cdktf_cdktf_provider_aws.rds_cluster_instance import RdsClusterInstance
from cdktf_cdktf_provider_aws.rds_cluster_parameter_group import (
    RdsClusterParameterGroup,
    RdsClusterParameterGroupParameter,
)
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from constructs import Construct

from infrastructure.config import EnvironmentConfig
from infrastructure.network import Network
from infrastructure.policies import assume_role_policy

DATABASE_NAME = "bourse"


class TradingDatabase(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: EnvironmentConfig,
        network: Network,
        security_group: SecurityGroup,
        key: KmsKey,
    ) -> None:
        super().__init__(scope, id_)
        name = f"{config.prefix}-database"
        subnets = DbSubnetGroup(
            self,
            "subnets",
            name=name,
            subnet_ids=[subnet.id for subnet in network.isolated_subnets],
        )
        major_version = config.aurora_engine_version.split(".")[0]
        parameters = RdsClusterParameterGroup(
            self,
            "parameters",
            name=name,
            family=f"aurora-postgresql{major_version}",
            parameter=[
                # Schema changes always, other statements only when slower than the p99 budget:
                # logging every statement at 500 RPS would cost more than the database.
                RdsClusterParameterGroupParameter(name="log_statement", value="ddl"),
                RdsClusterParameterGroupParameter(name="log_min_duration_statement", value="100"),
                RdsClusterParameterGroupParameter(name="rds.force_ssl", value="1"),
            ],
        )
        self.cluster = RdsCluster(
            self,
            "cluster",
            cluster_identifier=name,
            engine="aurora-postgresql",
            engine_version=config.aurora_engine_version,
            database_name=DATABASE_NAME,
            master_username="bourse_admin",
            # RDS keeps the credentials in Secrets Manager and rotates them itself.
            manage_master_user_password=True,
            master_user_secret_kms_key_id=key.key_id,
            db_subnet_group_name=subnets.name,
            db_cluster_parameter_group_name=parameters.name,
            vpc_security_group_ids=[security_group.id],
            storage_encrypted=True,
            kms_key_id=key.arn,
            backup_retention_period=config.aurora_backup_retention_days,
            preferred_backup_window="02:00-03:00",
            preferred_maintenance_window="sun:04:00-sun:05:00",
            copy_tags_to_snapshot=True,
            deletion_protection=True,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{name}-final",
            iam_database_authentication_enabled=True,
            enabled_cloudwatch_logs_exports=["postgresql"],
        )
        monitoring = IamRole(
            self,
            "monitoring-role",
            name=f"{name}-monitoring",
            assume_role_policy=assume_role_policy(
                self, "monitoring-trust", "monitoring.rds.amazonaws.com"
            ).json,
        )
        IamRolePolicyAttachment(
            self,
            "monitoring-policy",
            role=monitoring.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
        )
        self.instances = [
            RdsClusterInstance(
                self,
                f"instance-{index}",
                identifier=f"{name}-{index}",
                cluster_identifier=self.cluster.id,
                engine=self.cluster.engine,
                engine_version=self.cluster.engine_version,
                instance_class=config.aurora_instance_class,
                # Instance 0 is created first and becomes the writer; the readers follow it
                # into the other zones and are promoted in order on failover. They serve no
                # reads: every read of the system of record wants the writes just answered
                # (an order's status, the balances after it), and the public history and the
                # books are read from DynamoDB and Redis.
                availability_zone=network.availability_zones[index],
                promotion_tier=index,
                publicly_accessible=False,
                auto_minor_version_upgrade=True,
                monitoring_interval=30,
                monitoring_role_arn=monitoring.arn,
                performance_insights_enabled=True,
                performance_insights_kms_key_id=key.arn,
                copy_tags_to_snapshot=True,
            )
            for index in range(1 + config.aurora_readers)
        ]
        self.secret_arn = self.cluster.master_user_secret.get(0).secret_arn
