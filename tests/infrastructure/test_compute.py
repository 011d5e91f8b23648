"""Four Fargate services and a Lambda, each allowed to touch only the stores it uses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.infrastructure.terraform import Terraform

SERVICES = ["api", "websocket", "engine", "marketdata"]
ARCHIVE_BUCKET = "bourse-production-archive-${data.aws_caller_identity.account.account_id}"
# What each process may touch, by the Terraform type and name of the resource. Every service
# reads the secrets of Aurora (the master user's, kept by RDS), of Redis and those the processes
# share; only the market data publishes to Kinesis: the committed events it relays from the
# outbox, trades and book changes on one stream, orders and balances on the other.
STORES = {
    ("aws_rds_cluster", "bourse-production-database"),
    ("aws_secretsmanager_secret", "bourse-production-cache-auth-token"),
    ("aws_secretsmanager_secret", "bourse-production-secret-key"),
    ("aws_secretsmanager_secret", "bourse-production-jwt-secret"),
    ("aws_secretsmanager_secret", "bourse-production-admin-token"),
    ("aws_kms_key", "bourse-production data encryption"),
}


def metrics_of(role: str) -> tuple[str, str]:
    """The log group a service's collector writes its metrics to, and no other's."""
    return ("aws_cloudwatch_log_group", f"/bourse-production/metrics/{role}")


ALLOWED_RESOURCES = {
    "bourse-production-api-task": {*STORES, metrics_of("api")},
    "bourse-production-websocket-task": {*STORES, metrics_of("websocket")},
    "bourse-production-engine-task": {*STORES, metrics_of("engine")},
    "bourse-production-marketdata-task": {
        *STORES,
        metrics_of("marketdata"),
        ("aws_kinesis_stream", "bourse-production-trades"),
        ("aws_kinesis_stream", "bourse-production-orders"),
    },
    "bourse-production-trade-archiver": {
        ("aws_kinesis_stream", "bourse-production-trades"),
        ("aws_dynamodb_table", "bourse-production-trades"),
        ("aws_sqs_queue", "bourse-production-trade-archiver-failures"),
        ("aws_cloudwatch_log_group", "/aws/lambda/bourse-production-trade-archiver"),
        ("aws_kms_key", "bourse-production data encryption"),
        # It writes each market's completed days of trades there.
        ("aws_s3_bucket", ARCHIVE_BUCKET),
    },
    "bourse-production-candle-builder": {
        ("aws_kinesis_stream", "bourse-production-trades"),
        ("aws_dynamodb_table", "bourse-production-candles"),
        ("aws_sqs_queue", "bourse-production-candle-builder-failures"),
        ("aws_cloudwatch_log_group", "/aws/lambda/bourse-production-candle-builder"),
        ("aws_kms_key", "bourse-production data encryption"),
    },
}
FUNCTIONS = {
    "bourse-production-trade-archiver": (
        "trade_archiver",
        {"BOURSE_TRADES_TABLE", "BOURSE_ARCHIVE_BUCKET"},
    ),
    "bourse-production-candle-builder": ("candle_builder", {"BOURSE_CANDLES_TABLE"}),
}


def containers(terraform: Terraform, family: str) -> list[dict[str, Any]]:
    definition = terraform.named("aws_ecs_task_definition", "family", family)
    parsed: list[dict[str, Any]] = json.loads(definition["container_definitions"])
    return parsed


def resource_identity(terraform: Terraform, reference: str) -> tuple[str, str]:
    resource_type, resource = terraform.referenced(reference)
    name = (
        resource.get("name")
        or resource.get("bucket")
        or resource.get("cluster_identifier")
        or resource["description"]
    )
    return resource_type, name


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_runs_the_repository_image(terraform: Terraform, service: str) -> None:
    *_, app, collector = containers(terraform, f"bourse-production-{service}")

    assert app["image"].startswith("${aws_ecr_repository.")
    assert app["readonlyRootFilesystem"] is True
    assert collector["name"] == "otel-collector"


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_spreads_over_private_subnets_and_rolls_back_failed_deployments(
    terraform: Terraform, service: str
) -> None:
    ecs_service = terraform.named("aws_ecs_service", "name", service)
    network = ecs_service["network_configuration"]
    subnets = [terraform.referenced(subnet)[1] for subnet in network["subnets"]]

    assert ecs_service["deployment_circuit_breaker"] == {"enable": True, "rollback": True}
    assert ecs_service["launch_type"] == "FARGATE"
    assert network["assign_public_ip"] is False
    assert {s["tags"]["Tier"] for s in subnets} == {"private"}
    assert len({s["availability_zone"] for s in subnets}) == 3


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_scales_on_cpu_and_memory(terraform: Terraform, service: str) -> None:
    policies = [
        p["target_tracking_scaling_policy_configuration"]["predefined_metric_specification"]
        for p in terraform.resources("aws_appautoscaling_policy").values()
        if p["name"].startswith(f"bourse-production-{service}-")
    ]
    (target,) = [
        t
        for t in terraform.resources("aws_appautoscaling_target").values()
        if f"aws_ecs_service.compute_{service}_service_" in t["resource_id"]
    ]

    assert {p["predefined_metric_type"] for p in policies} == {
        "ECSServiceAverageCPUUtilization",
        "ECSServiceAverageMemoryUtilization",
    }
    assert target["min_capacity"] >= 2
    assert target["max_capacity"] > target["min_capacity"]


def test_http_services_are_registered_once_the_listener_exists(terraform: Terraform) -> None:
    for service, port in (("api", 8000), ("websocket", 8001)):
        ecs_service = terraform.named("aws_ecs_service", "name", service)
        (attachment,) = ecs_service["load_balancer"]

        assert attachment["container_port"] == port
        assert [d.split(".")[0] for d in ecs_service["depends_on"]] == ["aws_lb_listener"]


@pytest.mark.parametrize("role", ALLOWED_RESOURCES)
def test_each_role_names_only_its_own_resources(terraform: Terraform, role: str) -> None:
    statements = list(terraform.role_statements(role))
    named = {
        resource_identity(terraform, resource)
        for statement in statements
        for resource in statement["resources"]
    }

    assert named == ALLOWED_RESOURCES[role]
    assert not any("*" in action for s in statements for action in s["actions"])


def test_the_market_data_alone_publishes_to_kinesis_and_no_service_consumes_it(
    terraform: Terraform,
) -> None:
    kinesis = {
        service: {
            action
            for statement in terraform.role_statements(f"bourse-production-{service}-task")
            for action in statement["actions"]
            if action.startswith("kinesis:")
        }
        for service in SERVICES
    }

    assert kinesis == {
        "api": set(),
        "websocket": set(),
        "engine": set(),
        "marketdata": {"kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary"},
    }


def test_execution_roles_pull_only_the_service_image_and_write_only_their_logs(
    terraform: Terraform,
) -> None:
    statements = {
        s["sid"]: s for s in terraform.role_statements("bourse-production-engine-execution")
    }

    assert statements["AuthenticateToRegistry"]["resources"] == ["*"]
    assert statements["AuthenticateToRegistry"]["actions"] == ["ecr:GetAuthorizationToken"]
    assert resource_identity(terraform, statements["PullServiceImage"]["resources"][0]) == (
        "aws_ecr_repository",
        "bourse-production",
    )
    log_group = terraform.referenced(statements["WriteServiceLogs"]["resources"][0])[1]
    assert log_group["name"] == "/bourse-production/ecs/engine"


def test_services_and_lambda_send_traces_to_xray(terraform: Terraform) -> None:
    xray = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
    for name in FUNCTIONS:
        function = terraform.named("aws_lambda_function", "function_name", name)
        assert function["tracing_config"] == {"mode": "Active"}
    for role in ALLOWED_RESOURCES:
        assert xray in terraform.managed_policies(role)


def test_the_functions_consume_the_trade_stream_and_report_partial_failures(
    terraform: Terraform,
) -> None:
    mappings = {
        terraform.referenced(m["function_name"])[1]["function_name"]: m
        for m in terraform.resources("aws_lambda_event_source_mapping").values()
    }

    assert mappings.keys() == FUNCTIONS.keys()
    for name, (module, variables) in FUNCTIONS.items():
        mapping = mappings[name]
        function = terraform.named("aws_lambda_function", "function_name", name)
        assert resource_identity(terraform, mapping["event_source_arn"]) == (
            "aws_kinesis_stream",
            "bourse-production-trades",
        )
        assert mapping["function_response_types"] == ["ReportBatchItemFailures"]
        assert mapping["bisect_batch_on_function_error"] is True
        assert "on_failure" in mapping["destination_config"]
        assert function["handler"] == f"entrypoints.lambdas.{module}.handler"
        assert set(function["environment"]["variables"]) == variables


def test_the_image_repository_is_immutable_scanned_and_encrypted(terraform: Terraform) -> None:
    (repository,) = terraform.resources("aws_ecr_repository").values()

    assert repository["image_tag_mutability"] == "IMMUTABLE"
    assert repository["image_scanning_configuration"] == {"scan_on_push": True}
    assert repository["encryption_configuration"][0]["encryption_type"] == "KMS"


def test_the_api_tells_the_page_where_its_assets_and_streams_are(terraform: Terraform) -> None:
    (api,) = [c for c in containers(terraform, "bourse-production-api") if c["name"] == "api"]
    environment = {variable["name"]: variable["value"] for variable in api["environment"]}

    assert environment["BOURSE_ASSETS_ORIGIN"] == "https://static.bourse.example.com"
    assert environment["BOURSE_STREAMS_URL"] == "wss://ws.bourse.example.com"
