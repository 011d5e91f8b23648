"""The typed configuration drives the stack: a smaller staging environment in two zones,
synthesized in process with `Testing.synth`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infrastructure.config import EnvironmentConfig

STAGING = EnvironmentConfig(
    name="staging",
    region="us-west-2",
    az_count=2,
    domain_name="staging.bourse.test",
    hosted_zone_id="ZSTAGING",
    alarm_email="oncall@bourse.test",
    aurora_readers=1,
    redis_replicas=1,
    api_rate_limit_rps=50,
    api_burst_limit=100,
)


@pytest.fixture(scope="module")
def staging(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # Imported here: loading the AWS provider takes half a minute, paid only by these tests.
    from cdktf import Testing

    from infrastructure.stack import BourseStack
    from infrastructure.stream_functions import stage_lambda_source

    source = stage_lambda_source(tmp_path_factory.mktemp("lambda") / "stream-functions")
    stack = BourseStack(Testing.app(), "bourse-staging", config=STAGING, lambda_source=source)
    synthesized: dict[str, Any] = json.loads(Testing.synth(stack))
    return synthesized


def resources(synthesized: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return list(synthesized["resource"].get(resource_type, {}).values())


def test_the_environment_spans_the_configured_zones(staging: dict[str, Any]) -> None:
    zones = {subnet["availability_zone"] for subnet in resources(staging, "aws_subnet")}

    assert zones == {"us-west-2a", "us-west-2b"}
    assert len(resources(staging, "aws_nat_gateway")) == 2


def test_database_and_cache_sizes_follow_the_configuration(staging: dict[str, Any]) -> None:
    (cache,) = resources(staging, "aws_elasticache_replication_group")

    assert len(resources(staging, "aws_rds_cluster_instance")) == 2
    assert cache["num_cache_clusters"] == 2


def test_names_region_and_throttling_follow_the_configuration(staging: dict[str, Any]) -> None:
    (stage,) = resources(staging, "aws_apigatewayv2_stage")
    regions = {provider["region"] for provider in staging["provider"]["aws"]}

    assert regions == {"us-west-2", "us-east-1"}
    assert stage["default_route_settings"]["throttling_rate_limit"] == 50
    assert all(
        t["name"].startswith("bourse-staging-") for t in resources(staging, "aws_dynamodb_table")
    )


def test_alarms_are_mailed_to_the_configured_address(staging: dict[str, Any]) -> None:
    (subscription,) = resources(staging, "aws_sns_topic_subscription")

    assert (subscription["protocol"], subscription["endpoint"]) == ("email", "oncall@bourse.test")


def test_a_replica_needs_a_zone_of_its_own() -> None:
    with pytest.raises(ValueError, match="availability zone"):
        EnvironmentConfig(az_count=2, aurora_readers=2)


def test_operators_choose_the_deployment_through_the_environment() -> None:
    config = EnvironmentConfig.from_environ(
        {
            "BOURSE_ENVIRONMENT": "demo",
            "BOURSE_DEPLOY_REGION": "eu-central-1",
            "BOURSE_DOMAIN_NAME": "demo.bourse.test",
            "BOURSE_HOSTED_ZONE_ID": "ZDEMO",
            "BOURSE_IMAGE_TAG": "abc123",
        }
    )

    assert config.prefix == "bourse-demo"
    assert config.availability_zones == ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
    assert (config.domain_name, config.hosted_zone_id, config.image_tag) == (
        "demo.bourse.test",
        "ZDEMO",
        "abc123",
    )
    assert config.alarm_email is None


def test_lambda_staging_copies_only_the_handlers(tmp_path: Path) -> None:
    from infrastructure.stream_functions import stage_lambda_source

    staged = stage_lambda_source(tmp_path / "package")

    files = {str(p.relative_to(staged)) for p in staged.rglob("*.py")}
    assert files == {
        "entrypoints/__init__.py",
        "entrypoints/lambdas/__init__.py",
        "entrypoints/lambdas/trades.py",
        "entrypoints/lambdas/trade_archiver.py",
        "entrypoints/lambdas/candle_builder.py",
        "entrypoints/lambdas/day_archive.py",
    }
    assert (staged / "entrypoints" / "__init__.py").read_text() == ""
