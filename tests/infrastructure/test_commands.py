"""infrastructure/ and the `bourse` CLI agree: every container command of the synthesized stack
is read by the real CLI parser (the image's entrypoint is `bourse`), and the role, adapters and
ports it asks for are those the rest of the stack expects of that service."""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

import pytest

from entrypoints.api.health import LIVE, READY
from entrypoints.cli import build_parser
from infrastructure.containers import FIRST_STEP
from tests.infrastructure.terraform import Terraform

SERVICES = {"api", "websocket", "engine", "marketdata"}
PROBE = re.compile(r"urlopen\('http://127\.0\.0\.1:(\d+)(/[^']*)'")
HEALTH_PATHS = {LIVE, READY}


def parse(command: list[str]) -> argparse.Namespace:
    try:
        return build_parser().parse_args(command)
    except SystemExit:
        pytest.fail(f"`bourse {' '.join(command)}` is not a command of the CLI")


def service_containers(terraform: Terraform) -> dict[str, dict[str, Any]]:
    """Every task definition's service container (the one that is not the collector sidecar)."""
    found = {}
    for definition in terraform.resources("aws_ecs_task_definition").values():
        (container,) = [
            c for c in json.loads(definition["container_definitions"]) if c["essential"]
        ]
        found[container["name"]] = container
    return found


def probed(container: dict[str, Any]) -> tuple[int, str]:
    """The port and path the container's own health check calls."""
    kind, *command = container["healthCheck"]["command"]
    match = PROBE.search(" ".join(command))
    assert kind == "CMD" and match, f"{container['name']} has no health check we can read"
    return int(match.group(1)), match.group(2)


def test_every_service_runs_a_command_of_the_cli_on_the_aws_adapters(
    terraform: Terraform,
) -> None:
    containers = service_containers(terraform)

    assert set(containers) == SERVICES
    for container in containers.values():
        assert parse(container["command"]).adapters == "aws"


@pytest.mark.parametrize("role", ["api", "websocket"])
def test_the_http_services_serve_their_own_role_on_the_load_balanced_port(
    terraform: Terraform, role: str
) -> None:
    container = service_containers(terraform)[role]
    args = parse(container["command"])
    (attachment,) = terraform.named("aws_ecs_service", "name", role)["load_balancer"]
    _, target_group = terraform.referenced(attachment["target_group_arn"])

    assert (args.command, args.role, args.host) == ("serve", role, "0.0.0.0")
    assert container["portMappings"] == [{"containerPort": args.port, "protocol": "tcp"}]
    assert attachment["container_port"] == target_group["port"] == args.port
    assert probed(container) == (args.port, "/health/live")


@pytest.mark.parametrize("role", ["engine", "marketdata"])
def test_engine_and_marketdata_are_health_checked_on_their_ops_port_alone(
    terraform: Terraform, role: str
) -> None:
    container = service_containers(terraform)[role]
    args = parse(container["command"])
    ecs_service = terraform.named("aws_ecs_service", "name", role)
    ingress = terraform.resources("aws_vpc_security_group_ingress_rule").values()

    assert args.command == role
    assert probed(container) == (args.ops_port, "/health/live")
    # The check runs inside the task: nothing outside it needs the port, nor may reach it.
    assert args.ops_host == "127.0.0.1"
    assert "portMappings" not in container
    assert "load_balancer" not in ecs_service
    assert not [r for r in ingress if r["from_port"] <= args.ops_port <= r["to_port"]]


def test_health_checks_call_routes_the_app_serves(terraform: Terraform) -> None:
    target_groups = terraform.resources("aws_lb_target_group").values()

    assert {probed(c)[1] for c in service_containers(terraform).values()} <= HEALTH_PATHS
    assert {t["health_check"]["path"] for t in target_groups} == {"/health/ready"}
    assert "/health/ready" in HEALTH_PATHS


def collectors(terraform: Terraform) -> dict[str, dict[str, Any]]:
    """Each service's collector sidecar configuration, by service."""
    found = {}
    for definition in terraform.resources("aws_ecs_task_definition").values():
        containers = json.loads(definition["container_definitions"])
        (service,) = [c for c in containers if c["essential"]]
        (collector,) = [c for c in containers if c["name"] == "otel-collector"]
        (setting,) = collector["environment"]
        assert setting["name"] == "AOT_CONFIG_CONTENT"
        found[service["name"]] = json.loads(setting["value"])
    return found


def test_each_collector_scrapes_its_services_metrics_and_takes_its_traces(
    terraform: Terraform,
) -> None:
    containers = service_containers(terraform)
    for role, configuration in collectors(terraform).items():
        args = parse(containers[role]["command"])
        environment = {e["name"]: e["value"] for e in containers[role]["environment"]}
        (scrape,) = configuration["receivers"]["prometheus"]["config"]["scrape_configs"]
        (targets,) = scrape["static_configs"]
        otlp = configuration["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
        pipelines = configuration["service"]["pipelines"]

        assert args.ops_host == "127.0.0.1"
        assert targets == {"targets": [f"127.0.0.1:{args.ops_port}"], "labels": {"role": role}}
        assert environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == f"http://{otlp}"
        assert pipelines["traces"]["exporters"] == ["awsxray"]
        assert pipelines["metrics"] == {
            "receivers": ["prometheus"], "processors": ["batch"], "exporters": ["awsemf"]
        }  # fmt: skip


def test_the_application_alarms_watch_metrics_the_collectors_put_in_cloudwatch(
    terraform: Terraform,
) -> None:
    exporters = [c["exporters"]["awsemf"] for c in collectors(terraform).values()]
    namespaces = {exporter["namespace"] for exporter in exporters}
    declared = {
        (selector.strip("^$"), frozenset(dimensions))
        for exporter in exporters
        for declaration in exporter["metric_declarations"]
        for selector in declaration["metric_name_selectors"]
        for dimensions in declaration["dimensions"]
    }
    alarms = [
        alarm
        for alarm in terraform.resources("aws_cloudwatch_metric_alarm").values()
        if alarm.get("namespace") in namespaces
    ]

    assert {alarm["metric_name"] for alarm in alarms} >= {
        "bourse_http_requests_total", "bourse_bus_timeouts_total",
        "bourse_engine_fencing_refusals_total",
    }  # fmt: skip
    for alarm in alarms:
        assert (alarm["metric_name"], frozenset(alarm["dimensions"])) in declared


def test_each_engine_task_migrates_the_schema_before_its_engine_starts(
    terraform: Terraform,
) -> None:
    firsts = {}
    for definition in terraform.resources("aws_ecs_task_definition").values():
        containers = {c["name"]: c for c in json.loads(definition["container_definitions"])}
        if FIRST_STEP in containers:
            (service,) = [c for c in containers.values() if c["essential"]]
            firsts[service["name"]] = (containers[FIRST_STEP], service)

    assert set(firsts) == {"engine"}
    step, engine = firsts["engine"]
    args = parse(step["command"])
    assert (args.command, args.adapters, args.revision) == ("migrate", "aws", "head")
    assert step["image"] == engine["image"] and step["environment"] == engine["environment"]
    assert engine["dependsOn"] == [{"containerName": FIRST_STEP, "condition": "SUCCESS"}]
