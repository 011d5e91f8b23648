"""Every store multi-AZ where it can be, encrypted with the customer key, and hard to lose."""

from __future__ import annotations

from typing import Any

import cdktf

from tests.infrastructure.terraform import Terraform

DATA_KEY = "aws_kms_key.encryption_data-key"


def uses_data_key(reference: str) -> bool:
    return reference.startswith("${" + DATA_KEY)


def test_aurora_is_encrypted_protected_backed_up_and_keeps_its_credentials_in_secrets_manager(
    terraform: Terraform,
) -> None:
    assert cdktf.Testing.to_have_resource_with_properties(
        terraform.text(),
        "aws_rds_cluster",
        {
            "engine": "aurora-postgresql",
            "storage_encrypted": True,
            "deletion_protection": True,
            "manage_master_user_password": True,
            "skip_final_snapshot": False,
            "backup_retention_period": 14,
        },
    )
    (cluster,) = terraform.resources("aws_rds_cluster").values()
    assert uses_data_key(cluster["kms_key_id"])
    assert uses_data_key(cluster["master_user_secret_kms_key_id"])


def test_aurora_has_a_writer_and_two_readers_in_three_zones(terraform: Terraform) -> None:
    instances = terraform.resources("aws_rds_cluster_instance").values()

    assert len(instances) == 3
    assert {instance["availability_zone"] for instance in instances} == {
        "eu-west-1a",
        "eu-west-1b",
        "eu-west-1c",
    }
    assert not any(instance["publicly_accessible"] for instance in instances)


def test_aurora_lives_in_the_isolated_subnets(terraform: Terraform) -> None:
    (subnet_group,) = terraform.resources("aws_db_subnet_group").values()

    tiers = {terraform.referenced(s)[1]["tags"]["Tier"] for s in subnet_group["subnet_ids"]}
    assert tiers == {"isolated"}


def test_redis_fails_over_across_zones_and_encrypts_at_rest_and_in_transit(
    terraform: Terraform,
) -> None:
    assert cdktf.Testing.to_have_resource_with_properties(
        terraform.text(),
        "aws_elasticache_replication_group",
        {
            "num_cache_clusters": 3,
            "multi_az_enabled": True,
            "automatic_failover_enabled": True,
            "at_rest_encryption_enabled": "true",
            "transit_encryption_enabled": True,
        },
    )
    (group,) = terraform.resources("aws_elasticache_replication_group").values()
    assert uses_data_key(group["kms_key_id"])
    assert group["auth_token"].startswith("${data.aws_secretsmanager_random_password.")


def tables(terraform: Terraform) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in terraform.resources("aws_dynamodb_table").values()}


def test_history_tables_are_on_demand_recoverable_encrypted_and_protected(
    terraform: Terraform,
) -> None:
    found = tables(terraform)

    assert set(found) == {
        "bourse-production-trades",
        "bourse-production-candles",
        "bourse-production-book-snapshots",
        "bourse-production-tickers",
    }
    for table in found.values():
        assert table["billing_mode"] == "PAY_PER_REQUEST"
        assert table["point_in_time_recovery"] == {"enabled": True}
        assert table["server_side_encryption"]["enabled"] is True
        assert uses_data_key(table["server_side_encryption"]["kms_key_arn"])
        assert table["deletion_protection_enabled"] is True


def test_the_trades_table_is_keyed_by_trade_id_and_by_time_and_streams_its_changes(
    terraform: Terraform,
) -> None:
    trades = tables(terraform)["bourse-production-trades"]

    assert (trades["hash_key"], trades["range_key"]) == ("symbol", "tradeId")
    # Time ranges are a Query on the index: by time, then trade id (see docs/deploy.md).
    assert trades["global_secondary_index"] == [
        {
            "name": "by-time",
            "hash_key": "symbol",
            "range_key": "timeTradeId",
            "projection_type": "ALL",
        }
    ]
    assert {(a["name"], a["type"]) for a in trades["attribute"]} == {
        ("symbol", "S"), ("tradeId", "N"), ("timeTradeId", "S"),
    }  # fmt: skip
    assert trades["stream_enabled"] is True
    assert not tables(terraform)["bourse-production-candles"]["stream_enabled"]


def test_event_streams_are_encrypted_and_retained_for_a_week(terraform: Terraform) -> None:
    streams = {s["name"]: s for s in terraform.resources("aws_kinesis_stream").values()}

    assert set(streams) == {"bourse-production-trades", "bourse-production-orders"}
    for stream in streams.values():
        assert stream["encryption_type"] == "KMS"
        assert uses_data_key(stream["kms_key_id"])
        assert stream["retention_period"] == 168


def bucket_settings(terraform: Terraform, resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        terraform.referenced(setting["bucket"])[1]["bucket"]: setting
        for setting in terraform.resources(resource_type).values()
    }


def test_every_bucket_is_versioned_encrypted_and_private(terraform: Terraform) -> None:
    buckets = {b["bucket"] for b in terraform.resources("aws_s3_bucket").values()}
    encryption = bucket_settings(terraform, "aws_s3_bucket_server_side_encryption_configuration")
    versioning = bucket_settings(terraform, "aws_s3_bucket_versioning")
    public_access = bucket_settings(terraform, "aws_s3_bucket_public_access_block")

    assert len(buckets) == 3
    assert set(encryption) == set(versioning) == set(public_access) == buckets
    for bucket in buckets:
        assert versioning[bucket]["versioning_configuration"] == {"status": "Enabled"}
        assert all(
            public_access[bucket][flag]
            for flag in (
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            )
        )


def test_the_archive_uses_the_customer_key_and_intelligent_tiering(terraform: Terraform) -> None:
    archive = next(
        name for name in bucket_settings(terraform, "aws_s3_bucket_versioning") if "archive" in name
    )
    rule = bucket_settings(terraform, "aws_s3_bucket_server_side_encryption_configuration")[
        archive
    ]["rule"][0]["apply_server_side_encryption_by_default"]
    (tiering,) = terraform.resources("aws_s3_bucket_intelligent_tiering_configuration").values()

    assert rule["sse_algorithm"] == "aws:kms"
    assert uses_data_key(rule["kms_master_key_id"])
    assert terraform.referenced(tiering["bucket"])[1]["bucket"] == archive
    lifecycle = bucket_settings(terraform, "aws_s3_bucket_lifecycle_configuration")[archive]
    assert lifecycle["rule"][0]["transition"] == [
        {"days": 0, "storage_class": "INTELLIGENT_TIERING"}
    ]


def test_logs_topics_queues_and_secrets_are_encrypted_with_customer_keys(
    terraform: Terraform,
) -> None:
    encrypted = [
        *(g["kms_key_id"] for g in terraform.resources("aws_cloudwatch_log_group").values()),
        *(t["kms_master_key_id"] for t in terraform.resources("aws_sns_topic").values()),
        *(q["kms_master_key_id"] for q in terraform.resources("aws_sqs_queue").values()),
        *(s["kms_key_id"] for s in terraform.resources("aws_secretsmanager_secret").values()),
    ]

    assert encrypted
    assert all(reference.startswith("${aws_kms_key.encryption_") for reference in encrypted)
    assert all(k["enable_key_rotation"] for k in terraform.resources("aws_kms_key").values())


def test_aws_backup_keeps_daily_recovery_points_of_the_database_and_tables(
    terraform: Terraform,
) -> None:
    (selection,) = terraform.resources("aws_backup_selection").values()

    protected = {terraform.referenced(arn)[0] for arn in selection["resources"]}
    assert protected == {"aws_rds_cluster", "aws_dynamodb_table"}
    assert len(selection["resources"]) == 4


def test_the_secrets_the_processes_share_are_drawn_once_by_secrets_manager(
    terraform: Terraform,
) -> None:
    versions = {
        terraform.referenced(version["secret_id"])[1]["name"]: version
        for version in terraform.resources("aws_secretsmanager_secret_version").values()
    }
    lengths = {
        name: terraform.referenced(versions[f"bourse-production-{name}"]["secret_string"])[1][
            "password_length"
        ]
        for name in ("secret-key", "jwt-secret", "admin-token")
    }

    # A SecretBox key: 43 characters of url-safe base64 and its padding.
    assert lengths == {"secret-key": 43, "jwt-secret": 64, "admin-token": 64}
    assert versions["bourse-production-secret-key"]["secret_string"].endswith("}=")
    for name in lengths:
        version = versions[f"bourse-production-{name}"]
        assert version["lifecycle"]["ignore_changes"] == ["secret_string"]
        assert version["secret_string"].startswith("${data.aws_secretsmanager_random_password.")
